"""audio.save: WAV/FLAC/Ogg written atomically, read back, byte-identical for the same audio."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from pydantic import ValidationError

from nodes.audio.save import SaveParams, save
from nodes.datatypes import Audio, MediaFile
from server.engine.errors import NodeInputError

SR = 48000


@pytest.fixture
def audio() -> Audio:
    t = np.arange(SR) / SR
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    right = 0.3 * np.sin(2 * np.pi * 660 * t)
    return Audio(np.stack([left, right], axis=1).astype(np.float32), SR)


@pytest.mark.parametrize("fmt,subtype,tolerance", [("wav", "auto", 1e-4), ("wav", "FLOAT", 0), ("wav", "PCM_24", 1e-6),
                                                   ("flac", "auto", 1e-4), ("ogg", "auto", None)])  # fmt: skip
def test_each_format_is_written_and_read_back(ctx, audio, fmt, subtype, tolerance) -> None:
    result = save(ctx, SaveParams(format=fmt, subtype=subtype, filename_prefix="tokyo_mix"), audio=audio)["file"]
    assert isinstance(result, MediaFile) and result.media_type == "audio" and result.duration == 1.0
    assert result.path.parent == ctx.output_dir and result.path.name.startswith("tokyo_mix_")
    assert result.path.suffix == f".{fmt}"
    back, sr = sf.read(result.path, dtype="float32")
    assert sr == SR and back.shape == audio.samples.shape
    if tolerance is None:  # lossy: the tones survive
        assert np.corrcoef(back[:, 0], audio.samples[:, 0])[0, 1] > 0.99
    else:
        assert np.abs(back - audio.samples).max() <= tolerance
    assert not list(ctx.output_dir.rglob("*.part"))


@pytest.mark.parametrize("fmt", ["wav", "flac", "ogg"])
def test_the_same_audio_gives_a_byte_identical_file(ctx, audio, tmp_path, fmt) -> None:
    first = save(ctx, SaveParams(format=fmt), audio=audio)["file"].path.read_bytes()
    (tmp_path / "again").mkdir()
    ctx.output_dir = tmp_path / "again"
    second = save(ctx, SaveParams(format=fmt), audio=audio)["file"].path.read_bytes()
    assert first == second


def test_out_of_range_samples_are_clipped_not_wrapped(ctx) -> None:
    hot = Audio(np.full((1000, 1), 1.7, np.float32), SR)
    back, _ = sf.read(save(ctx, SaveParams(format="wav"), audio=hot)["file"].path, dtype="float32")
    assert back.min() > 0.99


def test_bad_requests_name_the_parameter(ctx, audio) -> None:
    for params, name in [({"format": "flac", "subtype": "FLOAT"}, "subtype"), ({"format": "ogg", "subtype": "PCM_16"},
                         "subtype")]:  # fmt: skip
        with pytest.raises(NodeInputError) as err:
            save(ctx, SaveParams(**params), audio=audio)
        assert err.value.name == name
    for prefix in ("../escape", "/abs", "mix/tokyo"):  # refused when the workflow is validated
        with pytest.raises(ValidationError, match="not a safe file name"):
            SaveParams(filename_prefix=prefix)
    nan = audio.samples.copy()
    nan[5, 0] = np.nan
    with pytest.raises(NodeInputError) as err:
        save(ctx, SaveParams(), audio=Audio(nan, SR))
    assert err.value.name == "audio"
