"""audio.speech: eSpeak NG (wheel or system) and a tiny random VITS model through the real loader."""

from __future__ import annotations

import ctypes.util
import json
import shutil

import numpy as np
import pytest

from nodes.audio.espeak import UnknownVoice, via_cli, via_library
from nodes.audio.speech import SpeechParams, speech
from server.engine.errors import NodeInputError
from tests.nodes.test_audio_support import db

SENTENCE = "The rain keeps falling on the neon street."


def say(ctx, text=SENTENCE, **params):
    return speech(ctx, SpeechParams(**params), text=text)["audio"]


def voiced_fraction(samples: np.ndarray, sr: int) -> float:
    """Share of loud 40 ms frames whose autocorrelation peaks at a pitch between 70 and 400 Hz."""
    frame = int(0.04 * sr)
    x = samples[:, 0]
    loud, voiced = 0, 0
    for start in range(0, len(x) - frame, frame):
        seg = x[start : start + frame] - x[start : start + frame].mean()
        if db(seg) < db(x) - 10:
            continue
        loud += 1
        ac = np.correlate(seg, seg, "full")[frame - 1 :]
        lo, hi = int(sr / 400), int(sr / 70)
        voiced += ac[lo:hi].max() > 0.4 * ac[0]
    return voiced / max(loud, 1)


def test_espeak_speaks_voiced_audio(ctx) -> None:
    audio = say(ctx, sample_rate=22050)
    assert audio.channels == 1 and audio.sample_rate == 22050
    assert 1.5 < audio.duration < 6.0
    assert np.abs(audio.samples).max() == pytest.approx(10 ** (-3 / 20), abs=0.05)
    assert voiced_fraction(audio.samples, 22050) > 0.5
    noise = np.random.default_rng(0).standard_normal(audio.samples.shape).astype(np.float32) * 0.1
    assert voiced_fraction(noise, 22050) < 0.1  # the measure can tell speech from noise


def test_espeak_repeats_itself_byte_for_byte(ctx) -> None:
    first = say(ctx, "Hello from Tokyo.", sample_rate=16000)
    other = say(ctx, "Something else entirely, at length.", sample_rate=16000)
    again = say(ctx, "Hello from Tokyo.", sample_rate=16000)
    assert first.samples.tobytes() == again.samples.tobytes()
    assert len(other.samples) != len(first.samples)


def test_rate_start_and_voice_change_the_result(ctx) -> None:
    slow, fast = say(ctx, rate=120, sample_rate=16000), say(ctx, rate=300, sample_rate=16000)
    assert slow.duration > 1.6 * fast.duration
    delayed = say(ctx, "Hi.", start=1.5, sample_rate=16000)
    assert np.abs(delayed.samples[:24000]).max() == 0 and np.abs(delayed.samples[24000:]).max() > 0.3
    german = say(ctx, "Guten Abend", voice="de", sample_rate=16000)
    assert german.duration > 0.3


def test_bad_requests_name_the_parameter(ctx) -> None:
    for params, text, name in [
        ({"voice": "klingon-x"}, SENTENCE, "voice"),
        ({}, "   ", "text"),
        ({"backend": "vits"}, SENTENCE, "model_path"),
        ({"backend": "vits", "model_path": "/nonexistent/model"}, SENTENCE, "model_path"),
    ]:
        with pytest.raises(NodeInputError) as err:
            say(ctx, text, **params)
        assert err.value.name == name, params


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory):
    """A random VITS model with a character vocabulary, saved the way a real one is."""
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    folder = tmp_path_factory.mktemp("vits")
    chars = ["<pad>", " ", *"abcdefghijklmnopqrstuvwxyz", "'", "-", "<unk>"]
    (folder / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    VitsTokenizer(str(folder / "vocab.json"), phonemize=False, add_blank=True).save_pretrained(folder)
    config = VitsConfig(
        vocab_size=len(chars), hidden_size=16, num_hidden_layers=2, num_attention_heads=2, ffn_dim=32,
        flow_size=16, spectrogram_bins=8, duration_predictor_num_flows=2, duration_predictor_filter_channels=16,
        prior_encoder_num_flows=2, posterior_encoder_num_wavenet_layers=2, upsample_initial_channel=16,
        upsample_rates=[8, 2], upsample_kernel_sizes=[16, 4], resblock_kernel_sizes=[3, 7],
        resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]], sampling_rate=16000,
    )  # fmt: skip
    import torch

    torch.manual_seed(0)
    VitsModel(config).save_pretrained(folder)
    return folder


def test_vits_model_loads_through_the_real_loader_and_speaks(ctx, tiny_vits) -> None:
    params = {"backend": "vits", "model_path": str(tiny_vits), "device": "cpu", "sample_rate": 16000}
    a = say(ctx, "hello tokyo", seed=1, **params)
    b = say(ctx, "hello tokyo", seed=1, **params)
    c = say(ctx, "hello tokyo", seed=2, **params)
    assert a.channels == 1 and a.sample_rate == 16000 and len(a.samples) > 100
    assert np.isfinite(a.samples).all() and np.abs(a.samples).max() > 0.5  # peak-normalised
    assert a.samples.tobytes() == b.samples.tobytes()
    assert a.samples.shape != c.samples.shape or not np.array_equal(a.samples, c.samples)
    with pytest.raises(NodeInputError) as err:
        say(ctx, "12345 !!!", **params)  # nothing in the vocabulary
    assert err.value.name == "model_path"


def test_vits_loads_by_hub_id_from_the_cache_and_stays_resident(ctx, tiny_vits, tmp_path) -> None:
    from server.models import ModelManager

    revision = "89abcdef0123456789abcdef0123456789abcdef"
    repo = tmp_path / "models--tiny-org--tiny-mms-tts"
    shutil.copytree(tiny_vits, repo / "snapshots" / revision)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    ctx.models = ModelManager(cache_dir=tmp_path)
    params = {"backend": "vits", "model_path": "tiny-org/tiny-mms-tts", "device": "cpu", "sample_rate": 16000}
    by_id = say(ctx, "hello tokyo", seed=1, **params)
    by_folder = say(ctx, "hello tokyo", seed=1, **{**params, "model_path": str(tiny_vits)})
    assert by_id.samples.tobytes() == by_folder.samples.tobytes()
    [row] = [r for r in ctx.models.loaded() if r["source"] == "tiny-org/tiny-mms-tts"]
    assert (row["class"], row["kind"], row["dtype"]) == ("VitsModel", "speech", "float32")
    with pytest.raises(NodeInputError, match="not in the local Hugging Face cache") as err:
        say(ctx, "hello", **{**params, "model_path": "tiny-org/missing-tts"})
    assert err.value.name == "model_path"


@pytest.mark.skipif(not ctypes.util.find_library("espeak-ng"), reason="no system libespeak-ng")
def test_the_system_library_is_a_working_fallback() -> None:
    pcm, sr, phonemes = via_library(ctypes.util.find_library("espeak-ng"), None, SENTENCE, "en-us", 165, 50)
    assert phonemes and all(0 <= at <= len(pcm) for at, _ in phonemes)
    samples = (pcm.astype(np.float32) / 32768)[:, None]
    assert sr == 22050 and voiced_fraction(samples, sr) > 0.5


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="no espeak-ng command")
def test_the_command_line_is_a_working_fallback() -> None:
    pcm, sr = via_cli(SENTENCE, "en-us", 165, 50)
    assert voiced_fraction((pcm.astype(np.float32) / 32768)[:, None], sr) > 0.5
    with pytest.raises(UnknownVoice):
        via_cli(SENTENCE, "klingon-x", 165, 50)
