"""The lazy producer behind interpolated FRAMES: output frames are computed when read.

A read of output frames ``[start, stop)`` reads only the source frames those need, computes
each pair's flow once and synthesises every in-between frame of that pair. The last source
two frames and the last pair's prepared flow are kept between reads, so that consecutive chunks
(the usual access pattern: an encoder streaming ``chunks()``) neither re-read nor
re-compute the one pair they share. Memory stays at one chunk plus one pair.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import numpy as np

from nodes.datatypes import Frames

from .timing import RetimePlan, Sample


class PairInterpolator(Protocol):
    """What a backend provides: prepare a pair once, then synthesise frames at times ``ts`` in (0, 1)."""

    def prepare(self, f0: np.ndarray, f1: np.ndarray) -> Any: ...

    def synthesize(self, prepared: Any, ts: list[float]) -> list[np.ndarray]: ...


class InterpolatedProducer:
    """``producer(start, stop)`` for :class:`~nodes.datatypes.Frames`; safe to call from several threads."""

    def __init__(self, source: Frames, plan: RetimePlan, interpolator: PairInterpolator) -> None:
        self.source = source
        self.plan = plan
        self.interpolator = interpolator
        self._lock = threading.Lock()
        self._kept: dict[int, np.ndarray] = {}  # the last two source frames read
        self._last_pair: tuple[int, Any] | None = None

    def __call__(self, start: int, stop: int) -> np.ndarray:
        with self._lock:
            return self._produce(start, stop)

    def _produce(self, start: int, stop: int) -> np.ndarray:
        samples = [self.plan.sample(j) for j in range(start, stop)]
        lo = min(s.index for s in samples)
        hi = max(s.index + (1 if s.interpolated else 0) for s in samples)
        src = self._read_source(lo, hi + 1)
        out = np.empty((len(samples), self.source.height, self.source.width, 3), np.uint8)
        for k, sample in enumerate(samples):
            if not sample.interpolated:
                out[k] = src[sample.index - lo]
        for index, positions in _by_pair(samples).items():
            prepared = self._prepare(index, src[index - lo], src[index + 1 - lo])
            made = self.interpolator.synthesize(prepared, [samples[k].t for k in positions])
            for k, frame in zip(positions, made, strict=True):
                out[k] = frame
        return out

    def _read_source(self, lo: int, hi: int) -> np.ndarray:
        """Source frames ``[lo, hi)``, reusing the last two frames kept from the previous read."""
        start = lo
        while start < hi and start in self._kept:
            start += 1
        src = np.empty((hi - lo, self.source.height, self.source.width, 3), np.uint8)
        for i in range(lo, start):
            src[i - lo] = self._kept[i]
        if start < hi:
            src[start - lo :] = self.source.read(start, hi)
        self._kept = {i: src[i - lo].copy() for i in range(max(lo, hi - 2), hi)}
        return src

    def _prepare(self, index: int, f0: np.ndarray, f1: np.ndarray) -> Any:
        if self._last_pair is None or self._last_pair[0] != index:
            self._last_pair = (index, self.interpolator.prepare(f0.copy(), f1.copy()))
        return self._last_pair[1]


def _by_pair(samples: list[Sample]) -> dict[int, list[int]]:
    """Positions (in ``samples``) of the in-between frames, grouped by source pair."""
    groups: dict[int, list[int]] = {}
    for k, sample in enumerate(samples):
        if sample.interpolated:
            groups.setdefault(sample.index, []).append(k)
    return groups


def interpolated_frames(source: Frames, plan: RetimePlan, interpolator: PairInterpolator) -> Frames:
    """Lazy FRAMES at the plan's rate, with the plan's cuts mapped into the new timing."""
    return Frames(
        InterpolatedProducer(source, plan, interpolator),
        count=plan.out_count,
        width=source.width,
        height=source.height,
        fps=float(plan.out_fps),
        cuts=plan.out_cuts(),
    )
