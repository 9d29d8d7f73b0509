"""Talking figures: audio.speech times visemes from eSpeak's phoneme events (or the loudness of
other speech), and the animatic's main person opens the mouth with them."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.audio.speech import SpeechParams, speech
from nodes.audio.visemes import from_envelope, mouth_track, openness
from nodes.datatypes import Timeline, TimelineEvent
from nodes.render.node import AnimaticParams, animatic
from nodes.scene.build import build_scene
from nodes.scene.shots_node import ShotsParams, scene_shots
from nodes.text.pipeline import analyse
from server.engine.errors import NodeInputError


def test_espeak_phonemes_become_timed_visemes(ctx) -> None:
    out = speech(ctx, SpeechParams(start=1.0), text="Hello, my name is Ava.")
    audio, timeline = out["audio"], out["timeline"]
    visemes = timeline.of_kind("viseme")
    assert len(visemes) >= 10 and timeline.duration == pytest.approx(audio.duration, abs=1e-3)
    times = np.array([e.time for e in visemes])
    assert times.min() >= 1.0 and times.max() <= audio.duration and np.all(np.diff(times) >= 0)
    assert {"m", "n"} & {e.data["phoneme"] for e in visemes}
    assert any(e.data["open"] == 1.0 for e in visemes) and visemes[-1].data["open"] == 0.0
    # the phonemes sit on the voice: loud where the mouth is open
    samples = audio.samples[:, 0]
    loud = [
        np.abs(samples[int(e.time * 48000) : int((e.time + 0.05) * 48000)]).mean()
        for e in visemes
        if e.data["open"] >= 0.6
    ]
    assert np.mean(loud) > 5 * np.abs(samples[: 48000 // 2]).mean() + 1e-4


def test_phoneme_openness_and_the_envelope() -> None:
    assert openness("'a") == 1.0 and openness("m") == 0.0 and openness("_:") == 0.0
    assert 0 < openness("f") < openness("i") < openness("E") < openness("aI")
    rate = 16000
    burst = np.zeros(rate, np.float32)
    burst[rate // 2 :] = 0.5 * np.sin(np.arange(rate // 2) * 0.2)
    events = from_envelope(burst[:, None], rate, 2.0)
    assert events[0].time == 2.0 and events[0].data["open"] == 0.0 and events[-1].data["open"] > 0.9
    track = mouth_track(events, np.array([2.1, 2.9]))
    assert track[0] == 0.0 and track[1] > 0.9


def test_the_main_person_talks_in_the_animatic(ctx) -> None:
    scene = build_scene(analyse("A woman in a red coat talks to the camera in a park.", "builtin"))
    shots = scene_shots(ctx, ShotsParams(duration=6.0), scene=scene)["shots"]
    voice = speech(ctx, SpeechParams(start=4.2), text="Hello, my name is Ava. I am talking.")["timeline"]
    params = AnimaticParams(width=320, height=180, fps=12)
    silent = animatic(ctx, params, scene=scene, shots=shots)["frames"].to_array().astype(int)
    talking = animatic(ctx, params, scene=scene, shots=shots, voice=voice)["frames"].to_array().astype(int)
    change = np.abs(silent - talking).sum(axis=(1, 2, 3))
    before, during = change[:48], change[52:66]  # speech starts at 4.2 s = frame 50
    assert (change > 0).any()
    assert during[during > 0].mean() > 1.3 * before[before > 0].mean()  # the mouth opens while she speaks
    assert change.max() < 0.01 * silent[0].size * 255  # only the mouth changes


def test_a_voice_timeline_without_speech_is_refused(ctx) -> None:
    scene = build_scene(analyse("A man walks.", "builtin"))
    shots = scene_shots(ctx, ShotsParams(duration=2.0), scene=scene)["shots"]
    empty = Timeline(2.0, (TimelineEvent(0.5, "beat", None, {}),))
    with pytest.raises(NodeInputError) as err:
        animatic(ctx, AnimaticParams(width=64, height=48), scene=scene, shots=shots, voice=empty)
    assert err.value.name == "voice"
