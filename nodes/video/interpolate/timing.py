"""Retiming: which source frames (and where between them) each output frame shows.

Output frame ``j`` sits at time ``j / out_fps``, i.e. at source position
``p = j * src_fps / out_fps``. Its :class:`Sample` is the pair ``(index, index + 1)`` and the
fraction ``t`` between them; ``t == 0`` means "show source frame ``index`` as it is".
A pair that straddles a cut is never blended: the nearer frame is held instead (on a tie,
the earlier one, so that with ×2 the cut lands exactly where it was). The output
keeps the source's duration (``count * out_fps / src_fps`` frames), so sound stays in sync;
the last source frame is held to the end.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from fractions import Fraction

SNAP = 1e-6  # a fraction this close to 0 or 1 is the source frame itself


@dataclass(frozen=True)
class Sample:
    index: int
    t: float = 0.0

    @property
    def interpolated(self) -> bool:
        return self.t > 0.0


def as_fraction(fps: float) -> Fraction:
    """An exact rate: 24.0 → 24, 29.97002997 → 30000/1001, so that ×2/×3 positions are exact."""
    return Fraction(fps).limit_denominator(1001)


@dataclass(frozen=True)
class RetimePlan:
    """Pure description of an interpolation: counts, rates and cuts; no pixels."""

    source_count: int
    source_fps: Fraction
    out_fps: Fraction
    cuts: tuple[int, ...] = ()  # source indices that start a new shot

    @property
    def ratio(self) -> Fraction:
        return self.source_fps / self.out_fps

    @property
    def out_count(self) -> int:
        return max(1, math.floor(self.source_count / self.ratio + Fraction(1, 2)))

    def sample(self, j: int) -> Sample:
        p = j * self.ratio
        i = math.floor(p)
        t = float(p - i)
        last = self.source_count - 1
        if i >= last:
            return Sample(last)
        if t < SNAP:
            return Sample(i)
        if t > 1.0 - SNAP:
            return Sample(i + 1)
        if self.is_cut(i + 1):
            return Sample(i if t <= 0.5 else i + 1)  # a tie keeps the old shot: ×2 cuts stay on time
        return Sample(i, t)

    def is_cut(self, index: int) -> bool:
        k = bisect.bisect_left(self.cuts, index)
        return k < len(self.cuts) and self.cuts[k] == index

    def shot(self, index: int) -> int:
        """Which shot a source frame belongs to (0 for the first)."""
        return bisect.bisect_right(self.cuts, index)

    def out_cuts(self) -> tuple[int, ...]:
        """Output indices that start a new shot: where the shot shown changes."""
        cuts, previous = [], 0
        for j in range(1, self.out_count):
            shot = self.shot(self.sample(j).index)
            if shot != previous:
                cuts.append(j)
            previous = shot
        return tuple(cuts)
