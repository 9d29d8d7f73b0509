"""Cutting a shot plan to music: shots start on bar lines of an ``audio.analyze`` TIMELINE.

Why bars and not beats: a cut on every beat is a strobe; a cut every bar or two is what an
editor does to a song. The plan from the words (who, what, which camera) is kept and, when the
song has more bars than the words have shots, cycled with its camera moves varied, so that a
30-second song gets a cut every few seconds instead of three long shots.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nodes.datatypes import Timeline

from .shots import CAMERA_MOVES, Camera, ShotPlan

VARIATION = ("dolly_in", "pan", "zoom_out", "track", "tilt", "zoom_in")


def bar_times(timeline: Timeline) -> np.ndarray:
    """The downbeats, or every fourth beat when the timeline has beats but no downbeats."""
    downs = [e.time for e in timeline.of_kind("downbeat")]
    if downs:
        return np.array(sorted(downs))
    beats = sorted(e.time for e in timeline.of_kind("beat"))
    return np.array(beats[::4])


def cut_points(bars: np.ndarray, duration: float, bars_per_shot: int, min_shot: float) -> list[float]:
    """Every ``bars_per_shot``-th bar line, dropping any that would leave a shot under ``min_shot``."""
    cuts: list[float] = []
    last = 0.0
    for t in bars[::bars_per_shot]:
        t = float(t)
        if t - last >= min_shot and duration - t >= min_shot:
            cuts.append(t)
            last = t
    return cuts


def varied(camera: Camera, round_: int) -> Camera:
    """The same framing with another move on a repeat, so a cycled shot does not look pasted."""
    if round_ == 0:
        return camera
    move = VARIATION[(VARIATION.index(camera.move) + round_ if camera.move in VARIATION else round_) % len(VARIATION)]
    assert move in CAMERA_MOVES
    if move in ("zoom_in", "dolly_in"):
        end = replace(camera.start, zoom=max(camera.start.zoom, camera.end.zoom) * 1.25)
        return replace(camera, move=move, end=end)
    if move == "zoom_out":
        start = replace(camera.end, zoom=max(camera.start.zoom, camera.end.zoom) * 1.25)
        return replace(camera, move=move, start=start, end=replace(camera.end, zoom=min(camera.start.zoom, 1.0)))
    return replace(camera, move=move)


def cut_to_music(plan: ShotPlan, timeline: Timeline, bars_per_shot: int, min_shot: float) -> ShotPlan:
    """``plan`` retimed over the timeline's duration with every cut on a bar line."""
    duration = float(timeline.duration)
    cuts = cut_points(bar_times(timeline), duration, bars_per_shot, min_shot)
    starts = [0.0, *cuts]
    ends = [*cuts, duration]
    base = plan.shots
    shots = []
    for i, (start, end) in enumerate(zip(starts, ends)):
        source = base[i % len(base)]
        camera = varied(source.camera, i // len(base))
        shots.append(replace(source, index=i, start=start, duration=end - start, camera=camera))
    return ShotPlan(duration=duration, shots=tuple(shots))
