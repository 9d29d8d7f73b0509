"""audio.load: libsndfile and FFmpeg formats, windows, resampling, channels, bad files."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from nodes.audio.load import AudioLoadParams, load_audio
from nodes.datatypes import Audio
from server.engine.errors import NodeInputError

from .media_files import tone, write_aac_m4a


@pytest.fixture
def inbox(ctx, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    ctx.input_dirs = (folder,)
    return folder


def load(ctx, name: str, **params) -> Audio:
    return load_audio(ctx, AudioLoadParams(file=name, **params))["audio"]


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg"])
def test_soundfile_formats_read_back(ctx, inbox, ext) -> None:
    samples = tone(1.0)
    sf.write(inbox / f"a.{ext}", samples, 44100)
    audio = load(ctx, f"a.{ext}")
    assert audio.sample_rate == 44100 and audio.channels == 2
    assert abs(audio.duration - 1.0) < 0.01
    n = min(len(audio.samples), len(samples))
    assert np.corrcoef(audio.samples[:n, 0], samples[:n, 0])[0, 1] > 0.99


def test_aac_in_mp4_goes_through_ffmpeg(ctx, inbox) -> None:
    write_aac_m4a(inbox / "song.m4a", tone(1.0, 48000, 330.0), 48000)
    audio = load(ctx, "song.m4a")
    assert audio.sample_rate == 48000 and audio.channels == 2
    assert 0.95 < audio.duration < 1.1
    spectrum = np.abs(np.fft.rfft(audio.samples[4800:43200, 0]))
    assert abs(np.argmax(spectrum) * 48000 / 38400 - 330) < 3


def test_window_resample_and_channels(ctx, inbox) -> None:
    samples = tone(3.0, 44100)
    samples[:44100, :] = 0  # silence first second, tone after
    sf.write(inbox / "w.wav", samples, 44100)
    audio = load(ctx, "w.wav", start=1.0, duration=1.5, sample_rate=22050, channels="mono")
    assert audio.sample_rate == 22050 and audio.channels == 1
    assert abs(audio.samples.shape[0] - int(1.5 * 22050)) <= 2
    assert np.abs(audio.samples[1000:-1000]).max() > 0.4  # the window starts after the silence
    mono = tone(0.5, 44100, channels=1)
    sf.write(inbox / "m.wav", mono, 44100)
    assert load(ctx, "m.wav", channels="stereo").channels == 2


def test_the_same_window_through_both_decoders_agrees(ctx, inbox) -> None:
    samples = tone(2.0, 48000, 250.0)
    write_aac_m4a(inbox / "a.m4a", samples, 48000)
    audio = load(ctx, "a.m4a", start=0.5, duration=0.5)
    assert abs(audio.duration - 0.5) < 0.001


def test_zero_length_audio_is_refused(ctx, inbox) -> None:
    sf.write(inbox / "empty.wav", np.zeros((0, 2), np.float32), 44100)
    with pytest.raises(NodeInputError, match="zero-length") as err:
        load(ctx, "empty.wav")
    assert err.value.name == "file"


def test_a_start_past_the_end_names_start(ctx, inbox) -> None:
    sf.write(inbox / "short.wav", tone(0.5), 44100)
    with pytest.raises(NodeInputError, match="ends before") as err:
        load(ctx, "short.wav", start=2.0)
    assert err.value.name == "start"


def test_corrupt_and_truncated_files_are_refused(ctx, inbox) -> None:
    (inbox / "noise.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    (inbox / "text.mp3").write_text("this is not audio at all")
    for name in ("noise.wav", "text.mp3"):
        with pytest.raises(NodeInputError, match="not a sound file") as err:
            load(ctx, name)
        assert err.value.name == "file"


def test_a_truncated_flac_keeps_what_decodes_or_is_refused(ctx, inbox) -> None:
    sf.write(inbox / "whole.flac", tone(2.0), 44100)
    data = (inbox / "whole.flac").read_bytes()
    (inbox / "cut.flac").write_bytes(data[: len(data) // 2])
    try:
        audio = load(ctx, "cut.flac")
    except NodeInputError as err:
        assert err.name == "file"
    else:
        assert 0 < audio.duration <= 2.0 and np.isfinite(audio.samples).all()


def test_names_outside_the_input_folders_are_refused(ctx, inbox) -> None:
    with pytest.raises(NodeInputError) as err:
        load(ctx, "../x.wav")
    assert err.value.name == "file"
