"""Lazy FRAMES whose output frame ``i`` depends on source frames ``i - radius … i + radius``.

Temporal filters (denoise, deflicker) need neighbours but must stream like everything else. A
read of ``[start, stop)`` reads the source ``[start - radius, stop + radius)`` (clipped to the
clip and never across a shot cut, so that nothing blends two shots), and keeps the last
``2 × radius`` source frames so that consecutive chunks do not decode them twice. Memory stays at
one chunk plus its margins.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable

import numpy as np

from nodes.datatypes import Frames

# (window frames, index of the centre frame in the window, source index of the window's first frame) -> output
FrameFilter = Callable[[np.ndarray, int, int], np.ndarray]


class WindowedProducer:
    """``producer(start, stop)`` applying ``fn`` to each frame's temporal window; thread-safe."""

    def __init__(self, source: Frames, radius: int, fn: FrameFilter) -> None:
        self.source = source
        self.radius = radius
        self.fn = fn
        self._lock = threading.Lock()
        self._kept: dict[int, np.ndarray] = {}
        self._bounds = (0, *source.cuts, source.count)

    def __call__(self, start: int, stop: int) -> np.ndarray:
        with self._lock:
            lo, hi = max(0, start - self.radius), min(self.source.count, stop + self.radius)
            src = self._read(lo, hi)
            out = np.empty((stop - start, self.source.height, self.source.width, 3), np.uint8)
            for i in range(start, stop):
                a, b = self.window(i)
                out[i - start] = self.fn(src[a - lo : b - lo], i - a, a)
            return out

    def window(self, i: int) -> tuple[int, int]:
        """Source frames ``[a, b)`` around ``i``, inside ``i``'s shot."""
        shot = bisect.bisect_right(self._bounds, i) - 1
        first, end = self._bounds[shot], self._bounds[shot + 1]
        return max(first, i - self.radius), min(end, i + self.radius + 1)

    def _read(self, lo: int, hi: int) -> np.ndarray:
        src = np.empty((hi - lo, self.source.height, self.source.width, 3), np.uint8)
        missing = [i for i in range(lo, hi) if i not in self._kept]
        if missing:
            a, b = missing[0], missing[-1] + 1
            src[a - lo : b - lo] = self.source.read(a, b)
        for i in range(lo, hi):
            if i in self._kept and not (missing and missing[0] <= i < missing[-1] + 1):
                src[i - lo] = self._kept[i]
        keep = 2 * self.radius
        self._kept = {i: src[i - lo].copy() for i in range(max(lo, hi - keep), hi)}
        return src


def windowed(source: Frames, radius: int, fn: FrameFilter) -> Frames:
    return Frames(
        WindowedProducer(source, radius, fn),
        count=source.count,
        width=source.width,
        height=source.height,
        fps=source.fps,
        cuts=source.cuts,
    )
