"""audio.mix: gains, ducking under speech, the limiter, resampling and refusal of bad audio."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly

from nodes.audio.mixer import MixParams, mix
from nodes.datatypes import Audio
from server.engine.errors import NodeInputError

SR = 48000


def tone(freq: float, seconds: float, amp: float, sr: int = SR, channels: int = 2) -> Audio:
    t = np.arange(int(seconds * sr)) / sr
    wave = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return Audio(np.repeat(wave[:, None], channels, axis=1), sr)


def level_at(samples: np.ndarray, freq: float, start: float, stop: float) -> float:
    """Amplitude (dB) of the ``freq`` component in [start, stop), by projection onto sin/cos."""
    seg = samples[int(start * SR) : int(stop * SR), 0].astype(np.float64)
    t = np.arange(len(seg)) / SR
    c, s = (2 * np.mean(seg * f(2 * np.pi * freq * t)) for f in (np.cos, np.sin))
    return 20 * np.log10(np.hypot(c, s) + 1e-12)


def test_music_ducks_under_speech_by_the_asked_amount(ctx) -> None:
    music = tone(110, 6.0, 0.2)
    words = np.zeros((6 * SR, 1), np.float32)
    words[2 * SR : 4 * SR, 0] = tone(1000, 2.0, 0.5, channels=1).samples[:, 0]
    speech = Audio(words, SR)
    out = mix(ctx, MixParams(music_db=0, duck_db=12, duck_attack=0.1, duck_release=0.5), music=music, speech=speech)
    samples = out["audio"].samples
    before, during, after = (level_at(samples, 110, a, b) for a, b in ((0.5, 1.5), (2.5, 3.5), (5.0, 5.9)))
    assert during == pytest.approx(before - 12, abs=1.0)
    assert after == pytest.approx(before, abs=0.5)
    assert level_at(samples, 110, 1.96, 1.99) < before - 3  # lookahead: the dip starts before the first word
    undisturbed = mix(ctx, MixParams(music_db=0, duck_db=0), music=music, speech=speech)["audio"].samples
    assert level_at(undisturbed, 110, 2.5, 3.5) == pytest.approx(before, abs=0.2)


def test_the_limiter_holds_the_ceiling_including_inter_sample_peaks(ctx) -> None:
    loud = tone(6000, 2.0, 4.0)  # +12 dBFS
    out = mix(ctx, MixParams(effects_db=0, ceiling_db=-1.0), effects=loud)["audio"].samples
    ceiling = 10 ** (-1 / 20)
    assert np.abs(out).max() <= ceiling + 1e-6
    true_peak = np.abs(resample_poly(out[:, 0], 4, 1)).max()
    assert 20 * np.log10(true_peak) < -1.0 + 0.5
    assert np.abs(out).max() > ceiling * 0.9  # limited, not crushed
    quiet = tone(440, 1.0, 0.1)
    untouched = mix(ctx, MixParams(effects_db=0), effects=quiet)["audio"].samples
    assert np.array_equal(untouched, quiet.samples)


def test_rates_channels_gains_and_length_are_reconciled(ctx) -> None:
    speech = tone(300, 1.0, 0.5, sr=22050, channels=1)
    music = tone(100, 3.0, 0.1)
    out = mix(ctx, MixParams(music_db=-6, speech_db=0, duck_db=0), speech=speech, music=music)["audio"]
    assert out.sample_rate == SR and out.samples.shape == (3 * SR, 2)
    assert level_at(out.samples, 100, 1.5, 2.5) == pytest.approx(20 * np.log10(0.1) - 6, abs=0.2)
    assert level_at(out.samples, 300, 0.2, 0.8) == pytest.approx(20 * np.log10(0.5), abs=0.3)
    short = mix(ctx, MixParams(duration=1.5, sample_rate=44100), music=music)["audio"]
    assert short.samples.shape == (66150, 2)


def test_bad_audio_is_refused_naming_the_input(ctx) -> None:
    broken = tone(100, 1.0, 0.1).samples.copy()
    broken[1234, 1] = np.nan
    with pytest.raises(NodeInputError) as err:
        mix(ctx, MixParams(), effects=tone(100, 1.0, 0.1), music=Audio(broken, SR))
    assert err.value.name == "music" and "sample 1234" in str(err.value)
    infinite = tone(100, 1.0, 0.1).samples.copy()
    infinite[10, 0] = np.inf
    with pytest.raises(NodeInputError) as err:
        mix(ctx, MixParams(), speech=Audio(infinite, SR))
    assert err.value.name == "speech"
    with pytest.raises(NodeInputError):
        mix(ctx, MixParams())
    with pytest.raises(NodeInputError) as err:
        mix(ctx, MixParams(), extra=np.zeros((10, 2), np.float32))
    assert err.value.name == "extra"
