"""What to write (format, rate, quality) and how frames are read for it: in chunks.

No engine imports here: the H.264 worker process imports this module and should start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, get_args

import numpy as np

from nodes.datatypes import Frames

Format = Literal["mp4", "webm", "gif", "webp", "png", "npz"]
Preset = Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
FORMATS: tuple[str, ...] = get_args(Format)
PRESETS: tuple[str, ...] = get_args(Preset)
CHUNK = 16  # frames read, converted and encoded at a time

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EncodeSpec:
    fmt: str
    fps: Fraction
    crf: int = 20
    preset: str = "veryfast"
    audio_bitrate: int = 192_000  # bits per second
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def preset_level(self) -> int:
        """0 (ultrafast) to 8 (veryslow), to map the x264 preset onto other encoders' effort knobs."""
        return PRESETS.index(self.preset)


def frame_rate(fps: float) -> Fraction:
    """An exact rate for timestamps: 24.0 → 24, 29.97002997 → 30000/1001."""
    return Fraction(fps).limit_denominator(1001)


def frame_chunks(frames: Frames, size: int = CHUNK) -> Iterator[tuple[int, np.ndarray]]:
    """``(start, chunk)`` over the whole sequence, ``size`` frames at a time."""
    for start in range(0, frames.count, size):
        yield start, frames.read(start, start + size)


def even_size(width: int, height: int) -> tuple[int, int]:
    """4:2:0 video needs even dimensions; odd ones get one replicated row or column."""
    return width + (width & 1), height + (height & 1)


def pad_even(chunk: np.ndarray) -> np.ndarray:
    h, w = chunk.shape[1:3]
    if not (h & 1 or w & 1):
        return chunk
    return np.pad(chunk, ((0, 0), (0, h & 1), (0, w & 1), (0, 0)), mode="edge")
