"""Which input frame belongs to which shot.

A FRAMES input is either a keyframe strip (one frame per shot, as keyframes.diffuse makes)
or a timed sequence such as the animatic; in the second case a shot's frames are the ones
inside its time span.
"""

from __future__ import annotations

import numpy as np

from nodes.datatypes import Frames
from nodes.scene.shots import Shot


def is_strip(frames: Frames, shots: int) -> bool:
    return shots > 1 and frames.count == shots or frames.count == 1


def shot_span(frames: Frames, index: int, shot: Shot | None, shots: int) -> tuple[int, int]:
    """[first, last] frame indices of shot ``index`` in ``frames``."""
    if shot is None or is_strip(frames, shots):
        i = min(index, frames.count - 1)
        return i, i
    first = min(frames.count - 1, max(0, round(shot.start * frames.fps)))
    last = min(frames.count - 1, max(first, round(shot.end * frames.fps) - 1))
    return first, last


def shot_frames(frames: Frames, index: int, shot: Shot | None, shots: int, count: int) -> np.ndarray:
    """``count`` frames evenly spread over the shot's span (repeats if the span is shorter)."""
    first, last = shot_span(frames, index, shot, shots)
    picks = np.linspace(first, last, num=max(1, count)).round().astype(int)
    span = frames.read(first, last + 1)
    return span[picks - first]


def first_frame(frames: Frames, index: int, shot: Shot | None, shots: int) -> np.ndarray:
    first, _ = shot_span(frames, index, shot, shots)
    return frames.read(first, first + 1)[0]
