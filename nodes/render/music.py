"""The animatic moving to music: camera pulses and light flashes on the beats of an
``audio.analyze`` TIMELINE, and camera energy that follows the loudness.

Applied to each finished frame (one warp and one gain), so every setting and every actor
dances alike. Cuts come from the shot plan (``scene.shots`` with the same timeline cuts on bar
lines). The pulse is at most a few percent of zoom, so the LAYOUT boxes, which are of the
un-pulsed frame, stay within a few pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from nodes.datatypes import Timeline

DECAY = 0.12  # seconds for a pulse to fall to 1/e
ZOOM = 0.03  # zoom added by a downbeat at full loudness
FLASH = 0.22  # light added by a downbeat at full loudness
SHAKE = 0.006  # handheld sway at full loudness, as a fraction of the width


def envelope(times: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """For each time, exp(−(t − last hit)/DECAY): 1 on a hit, fading until the next."""
    if hits.size == 0:
        return np.zeros_like(times)
    k = np.searchsorted(hits, times + 1e-6, side="right") - 1
    since = times - hits[np.maximum(k, 0)]
    return np.where(k >= 0, np.exp(-np.maximum(since, 0.0) / DECAY), 0.0)


class Pulse:
    """Per-frame zoom, gain and sway from the timeline, for frames shown at ``times``."""

    def __init__(self, timeline: Timeline, times: np.ndarray, size: tuple[int, int], seed: int) -> None:
        beats = np.array(sorted(e.time for e in timeline.of_kind("beat")))
        downs = np.array(sorted(e.time for e in timeline.of_kind("downbeat")))
        loud = sorted((e.time, float(e.data.get("level", 0.0))) for e in timeline.of_kind("loudness"))
        if loud:
            level = np.interp(times, [t for t, _ in loud], [v for _, v in loud])
        else:
            level = np.full_like(times, 0.6)
        hit = np.maximum(0.6 * envelope(times, beats), envelope(times, downs))
        self.zoom = 1.0 + ZOOM * hit * (0.4 + 0.6 * level)
        self.gain = 1.0 + FLASH * hit * (0.3 + 0.7 * level)
        rng = np.random.default_rng([seed, 16])
        w, h = size
        sway = np.cumsum(rng.standard_normal((len(times) + 8, 2)), axis=0)
        sway = cv2.GaussianBlur(sway.astype(np.float64), (1, 9), 0)[4:-4]
        sway /= max(1e-9, float(np.abs(sway).max()))
        self.dx = SHAKE * w * sway[:, 0] * level**2
        self.dy = SHAKE * h * sway[:, 1] * level**2
        self.size = size
        self.level = level

    def apply(self, frame: np.ndarray, index: int) -> None:
        """Pulse frame ``index`` in place."""
        w, h = self.size
        z, dx, dy = float(self.zoom[index]), float(self.dx[index]), float(self.dy[index])
        if abs(z - 1.0) > 1e-4 or abs(dx) > 0.05 or abs(dy) > 0.05:
            s = z * (1.0 + 2.0 * SHAKE)  # a little extra zoom so the sway never shows an edge
            m = np.array([[s, 0.0, (1 - s) * w / 2 + dx], [0.0, s, (1 - s) * h / 2 + dy]])
            cv2.warpAffine(frame.copy(), m, (w, h), dst=frame, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        g = float(self.gain[index])
        if g > 1.001:
            cv2.convertScaleAbs(frame, dst=frame, alpha=g)

    def wrap(self, produce):
        """A frame producer that pulses what ``produce`` draws."""

        def pulsed(start: int, stop: int) -> np.ndarray:
            out = produce(start, stop)
            for k in range(out.shape[0]):
                self.apply(out[k], start + k)
            return out

        return pulsed
