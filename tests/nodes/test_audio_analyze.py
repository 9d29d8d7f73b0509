"""audio.analyze: tempo, beats, downbeats, onsets, loudness, brightness and speech as a TIMELINE,
on sounds whose truth is known (a drum loop made here, our own speech)."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.audio.analyze import AnalyzeParams, analyze
from nodes.datatypes import Audio, Timeline
from server.engine.errors import NodeInputError

from .media_files import drum_loop

SR = 22050


def run(ctx, samples: np.ndarray, rate: int = SR, **params) -> Timeline:
    audio = Audio(samples.reshape(len(samples), -1).astype(np.float32), rate)
    return analyze(ctx, AnalyzeParams(**params), audio=audio)["timeline"]


@pytest.fixture(scope="module")
def loop() -> np.ndarray:
    return drum_loop(120.0, 8, SR, lead=0.3)  # the first beat at 0.3 s, then every 0.5 s


def times(timeline: Timeline, kind: str) -> np.ndarray:
    return np.array([e.time for e in timeline.of_kind(kind)])


def test_tempo_beats_and_downbeats_of_a_known_loop(ctx, loop) -> None:
    timeline = run(ctx, loop)
    assert timeline.duration == pytest.approx(len(loop) / SR, abs=1e-3)
    (tempo,) = timeline.of_kind("tempo")
    assert tempo.data["bpm"] == pytest.approx(120, rel=0.04) and tempo.data["beats_per_bar"] == 4
    truth = 0.3 + 0.5 * np.arange(32)
    beats = times(timeline, "beat")
    hits = [np.abs(beats - t).min() < 0.035 for t in truth[1:-1]]
    assert np.mean(hits) >= 0.9  # F-measure style: beats within 35 ms of the truth
    downs = times(timeline, "downbeat")
    bars = 0.3 + 2.0 * np.arange(8)
    assert all(np.abs(bars - d).min() < 0.035 for d in downs)  # downbeats land on the kicks
    assert len(downs) >= 6
    first = timeline.of_kind("downbeat")[0]
    assert first.data["beat"] == 0 and first.data["bar"] == 0


def test_onsets_find_every_hit(ctx, loop) -> None:
    onsets = times(run(ctx, loop), "onset")
    truth = 0.3 + 0.5 * np.arange(32)
    assert np.mean([np.abs(onsets - t).min() < 0.05 for t in truth]) >= 0.9
    assert all(0 <= e.data["strength"] <= 1 for e in run(ctx, loop).of_kind("onset"))


def test_loudness_follows_a_fade_and_brightness_a_filter(ctx) -> None:
    rng = np.random.default_rng(0)
    n = 4 * SR
    noise = rng.standard_normal(n).astype(np.float32)
    fade = np.linspace(1.0, 0.01, n, dtype=np.float32)
    timeline = run(ctx, 0.5 * noise * fade, speech=False)
    levels = [e.data["level"] for e in timeline.of_kind("loudness")]
    assert len(levels) == pytest.approx(40, abs=1)  # 10 per second
    assert levels[2] > levels[20] > levels[-2] and levels[2] > 0.9
    dull = np.convolve(noise, np.ones(32) / 32, mode="same")  # a low-pass: darker
    t_dull = run(ctx, dull, speech=False).of_kind("brightness")
    t_bright = run(ctx, noise * 0.3, speech=False).of_kind("brightness")
    assert np.median([e.data["hz"] for e in t_bright]) > 2 * np.median([e.data["hz"] for e in t_dull])
    assert np.median([e.data["level"] for e in t_bright]) > np.median([e.data["level"] for e in t_dull]) + 0.15


def test_speech_is_found_in_speech_and_not_in_drums(ctx, loop) -> None:
    from nodes.audio.speech import SpeechParams, speech

    voice = speech(ctx, SpeechParams(), text="Hello there. This is a quiet voice over a calm scene, speaking slowly.")
    voice = voice["audio"]
    padded = np.concatenate([np.zeros(voice.sample_rate, np.float32), voice.samples[:, 0]])
    found = run(ctx, padded, voice.sample_rate).of_kind("speech")
    assert found, "no speech found in speech"
    covered = sum(e.data["duration"] for e in found)
    assert covered > 0.5 * voice.duration and found[0].time > 0.8  # not in the leading silence
    assert not run(ctx, loop).of_kind("speech")


def test_existing_timeline_consumers_ignore_the_new_kinds(ctx, loop) -> None:
    from nodes.audio.cues import timeline_cues

    assert timeline_cues(list(run(ctx, loop).events)) == set()


def test_bad_audio_is_refused(ctx) -> None:
    for bad in (Audio(np.zeros((0, 1), np.float32), SR), "song.wav"):
        with pytest.raises(NodeInputError) as err:
            analyze(ctx, AnalyzeParams(), audio=bad)
        assert err.value.name == "audio"
    nan = np.full((SR, 1), np.nan, np.float32)
    with pytest.raises(NodeInputError):
        analyze(ctx, AnalyzeParams(), audio=Audio(nan, SR))
