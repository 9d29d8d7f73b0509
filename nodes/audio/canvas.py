"""The two stereo buses that effect and music layers draw on.

Rumble, hum, wind, babble, pads and bass have nothing above ~5 kHz, so they are synthesised
on a 'low bus' at a quarter of the output rate and upsampled once at the end. That single
polyphase resample costs less than synthesising each of those layers at full rate, and is
what keeps a full mix at well over 50× real time. Rain, footsteps, birds and crackle keep
their air on the full-rate bus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dsp import low_rate, upsample


@dataclass
class Canvas:
    sr: int
    n: int
    full: np.ndarray  # (n, 2) at sr
    low: np.ndarray  # (n_low, 2) at low_sr

    @classmethod
    def create(cls, sr: int, duration: float) -> Canvas:
        n = round(duration * sr)
        lsr = low_rate(sr)
        n_low = -(-n * lsr // sr)  # ceil
        return cls(sr, n, np.zeros((n, 2), np.float32), np.zeros((n_low, 2), np.float32))

    @property
    def low_sr(self) -> int:
        return low_rate(self.sr)

    @property
    def n_low(self) -> int:
        return len(self.low)

    @property
    def duration(self) -> float:
        return self.n / self.sr

    def scale(self, factor: float) -> None:
        """Multiply everything drawn so far (cheap: the low bus is a quarter of the size)."""
        self.full *= np.float32(factor)
        self.low *= np.float32(factor)

    def render(self) -> np.ndarray:
        """Full bus plus the upsampled low bus, (n, 2) float32. Mixes into the full bus in place
        (no copy), so render once, at the end."""
        if self.low.any():
            up = upsample(self.low, self.sr // self.low_sr)
            m = min(len(up), self.n)
            self.full[:m] += up[:m]
            self.low[:] = 0.0
        return self.full
