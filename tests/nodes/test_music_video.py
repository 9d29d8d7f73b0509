"""Audio-to-video: a song's TIMELINE cuts the shot plan on bar lines and makes the animatic pulse
and flash on its beats. The cut-on-beat figure is measured on frames the animatic really draws."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.audio.analyze import AnalyzeParams, analyze
from nodes.datatypes import Audio, Timeline, TimelineEvent
from nodes.render.node import AnimaticParams, animatic
from nodes.scene.build import build_scene
from nodes.scene.music import cut_points
from nodes.scene.shots_node import ShotsParams, scene_shots
from nodes.text.pipeline import analyse
from server.engine.errors import NodeInputError

from .media_files import drum_loop

SR = 22050
FPS = 24
PROMPT = "A woman in a red coat walks down a neon city street at night. A taxi passes by."


@pytest.fixture(scope="module")
def scene():
    return build_scene(analyse(PROMPT, "builtin"))


@pytest.fixture(scope="module")
def song_timeline() -> Timeline:
    import logging
    from pathlib import Path

    from server.engine.context import NodeContext

    ctx = NodeContext("listen", "audio.analyze", "r", 0, Path("."), Path("."), logging.getLogger("test"))
    samples = drum_loop(128.0, 10, SR, lead=0.2)  # 18.75 s, a bar every 1.875 s
    return analyze(ctx, AnalyzeParams(speech=False), audio=Audio(samples[:, None], SR))["timeline"]


def test_cuts_land_on_beats_within_one_frame(ctx, scene, song_timeline) -> None:
    shots = scene_shots(ctx, ShotsParams(bars_per_shot=1, min_shot=1.0), scene=scene, timeline=song_timeline)["shots"]
    assert shots.duration == pytest.approx(song_timeline.duration)
    assert len(shots.shots) >= 6  # the song's bars, not the prompt's two sentences
    frames = animatic(ctx, AnimaticParams(width=160, height=96, fps=FPS), scene=scene, shots=shots,
                      music=song_timeline)["frames"]  # fmt: skip
    beats = np.array([e.time for e in song_timeline.of_kind("beat")])
    bars = np.array([e.time for e in song_timeline.of_kind("downbeat")])
    cut_times = np.array(frames.cuts) / FPS
    assert len(cut_times) == len(shots.shots) - 1
    on_beat = [np.abs(beats - t).min() <= 1.0 / FPS for t in cut_times]
    assert np.mean(on_beat) >= 0.95
    assert all(np.abs(bars - s.start).min() < 1e-6 for s in shots.shots[1:])  # on bar lines exactly


def test_cut_points_keep_shots_long_enough() -> None:
    bars = np.arange(0.0, 20.0, 2.0)
    assert cut_points(bars, 20.0, 2, 1.0) == [4.0, 8.0, 12.0, 16.0]
    assert cut_points(bars, 20.0, 1, 3.0) == [4.0, 8.0, 12.0, 16.0]  # bars 3 s apart at least
    assert cut_points(bars, 8.5, 1, 1.0) == [2.0, 4.0, 6.0]  # no last shot under 1 s


def test_the_animatic_flashes_and_pulses_on_beats(ctx, scene, song_timeline) -> None:
    shots = scene_shots(ctx, ShotsParams(duration=6.0, max_shots=1), scene=scene)["shots"]
    params = AnimaticParams(width=160, height=96, fps=FPS)
    plain = animatic(ctx, params, scene=scene, shots=shots)["frames"].to_array().astype(np.float64)
    music = Timeline(6.0, tuple(e for e in song_timeline.events if e.time < 6.0))
    pulsed = animatic(ctx, params, scene=scene, shots=shots, music=music)["frames"].to_array().astype(np.float64)
    downs = [e.time for e in music.of_kind("downbeat")]
    on = [round(t * FPS + 0.5) for t in downs]  # the first frame at or after the downbeat
    off = [i - 6 for i in on if i >= 6]  # a quarter second before: the pulse has died away
    ratio_on = np.mean([pulsed[i].mean() / plain[i].mean() for i in on])
    ratio_off = np.mean([pulsed[i].mean() / plain[i].mean() for i in off])
    assert ratio_on > 1.08 and ratio_on > ratio_off + 0.05


def test_timelines_without_beats_are_refused(ctx, scene) -> None:
    steps = Timeline(5.0, (TimelineEvent(1.0, "footstep", "e0", {"foot": "left"}),))
    with pytest.raises(NodeInputError, match="no beats") as err:
        scene_shots(ctx, ShotsParams(), scene=scene, timeline=steps)
    assert err.value.name == "timeline"
    shots = scene_shots(ctx, ShotsParams(duration=2.0), scene=scene)["shots"]
    with pytest.raises(NodeInputError, match="no beats") as err:
        animatic(ctx, AnimaticParams(width=64, height=48), scene=scene, shots=shots, music=steps)
    assert err.value.name == "music"
