"""Deflickering: per-frame colour gains that follow a smoothed trend instead of the raw frame.

Flicker in generated or old footage is a fast, frame-to-frame change of exposure or white
balance. For each frame we take its per-channel mean in the log domain (on a small copy of the
frame); the trend at frame ``i`` is a Gaussian-weighted average of those means over the frames
around it (inside the shot). Each frame is then multiplied, per channel, by ``exp(trend - own)``.
Only a colour gain per frame changes: pixels are never mixed between frames, so motion cannot
smear, and a slow fade (slower than the window) is kept.
"""

from __future__ import annotations

import numpy as np

STAT_WIDTH = 96  # the means are taken on a copy this wide: cheap and insensitive to noise


def channel_means(frame: np.ndarray) -> np.ndarray:
    """log(mean + 1) per channel of a small copy of ``frame``."""
    import cv2

    h, w = frame.shape[:2]
    small = cv2.resize(frame, (STAT_WIDTH, max(1, round(h * STAT_WIDTH / w))), interpolation=cv2.INTER_AREA)
    return np.log(small.reshape(-1, 3).astype(np.float64).mean(axis=0) + 1.0)


class Deflicker:
    """The window filter: gains for the centre frame from the window's means (kept between calls)."""

    def __init__(self, radius: int, strength: float = 1.0) -> None:
        self.radius = radius
        self.strength = strength
        self.sigma = max(radius / 2.0, 0.5)
        self._means: dict[int, np.ndarray] = {}

    def __call__(self, window: np.ndarray, centre: int, first: int) -> np.ndarray:
        import cv2

        means = np.stack([self._mean_of(first + k, window[k]) for k in range(len(window))])
        offsets = np.arange(len(window)) - centre
        weights = np.exp(-0.5 * (offsets / self.sigma) ** 2)
        trend = (weights[:, None] * means).sum(axis=0) / weights.sum()
        gains = np.exp(self.strength * (trend - means[centre]))
        for index in [i for i in self._means if i < first]:
            del self._means[index]
        lut = np.clip(np.arange(256, dtype=np.float64)[:, None] * gains[None, :] + 0.5, 0, 255).astype(np.uint8)
        return cv2.LUT(window[centre], lut.reshape(1, 256, 3))

    def _mean_of(self, index: int, frame: np.ndarray) -> np.ndarray:
        if index not in self._means:
            self._means[index] = channel_means(frame)
        return self._means[index]
