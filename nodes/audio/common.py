"""Checks and parameters shared by the audio nodes."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from nodes.datatypes import Audio, Timeline
from server.engine.errors import NodeInputError

from .dsp import check_finite

MAX_SEED = 2**32 - 1
MAX_SECONDS = 600.0
SampleRate = Literal[22050, 44100, 48000]


def resolve_duration(duration: float, timeline: Timeline | None) -> float:
    """``duration`` seconds, or the timeline's when it is 0; refuse when neither says how long."""
    if duration > 0:
        return float(duration)
    if timeline is None:
        raise NodeInputError("duration", "set a duration in seconds, or connect a timeline to take its duration")
    if not math.isfinite(timeline.duration) or timeline.duration <= 0 or timeline.duration > MAX_SECONDS:
        raise NodeInputError(
            "timeline", f"timeline duration is {timeline.duration!r}; it must be between 0 and {MAX_SECONDS:g} s"
        )
    return float(timeline.duration)


def checked_events(timeline: Timeline | None, duration: float) -> list:
    """The timeline's events inside [0, duration); a NaN or infinite time is refused with its index."""
    if timeline is None:
        return []
    if not isinstance(timeline, Timeline):
        raise NodeInputError("timeline", f"expected a TIMELINE, got {type(timeline).__name__}")
    events = []
    for i, ev in enumerate(timeline.events):
        if not isinstance(ev.time, (int, float)) or not math.isfinite(ev.time):
            raise NodeInputError(
                "timeline", f"event {i} ({ev.kind!r}) has time {ev.time!r}; times must be finite seconds"
            )
        if 0 <= ev.time < duration:
            events.append(ev)
    return events


def checked_audio(name: str, value: Any) -> Audio:
    """An AUDIO input that is really audio: the right type, finite samples, at least one sample."""
    if not isinstance(value, Audio):
        raise NodeInputError(name, f"expected AUDIO, got {type(value).__name__}")
    if value.samples.shape[0] == 0 or value.samples.shape[1] == 0:
        raise NodeInputError(name, f"audio is empty (shape {value.samples.shape}); connect audio with samples")
    check_finite(name, value.samples, value.sample_rate)
    return value


def safe_peak(samples: np.ndarray, ceiling: float = 0.98) -> np.ndarray:
    """Scale down (never up, in place) so the peak stays under ``ceiling``: a node's output should not clip."""
    peak = max(float(samples.max(initial=0.0)), -float(samples.min(initial=0.0)))
    if peak > ceiling:
        samples *= np.float32(ceiling / peak)
    return samples
