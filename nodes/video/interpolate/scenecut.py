"""Scene-cut detection: motion-compensated difference of small, normalised thumbnails.

A cut is where the next frame cannot be explained as the previous one moved: we compute a
dense flow between two grey thumbnails (96 px wide), warp one onto the other, and measure
the mean absolute difference of the two after normalising each to zero mean and unit
variance. Normalising makes flickering lights and fades score low; compensating motion
makes fast pans score low; an unrelated picture scores about 1.1 (the mean |X - Y| of two
independent unit normals; smooth pictures somewhat less, 0.75-0.9 in our tests), a moving
one about 0.05-0.2. A pan of a fifth of the frame per frame scores like a cut, and is held
like one: flow would not bridge it either.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nodes.datatypes import Frames

THUMB_WIDTH = 96


def thumbnail(frame: np.ndarray) -> np.ndarray:
    """Grey, normalised to mean 128 and a fixed contrast, as uint8 for DIS."""
    import cv2

    h, w = frame.shape[:2]
    size = (min(w, THUMB_WIDTH), max(8, round(h * min(w, THUMB_WIDTH) / w)))
    grey = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA)
    grey = grey.astype(np.float32)
    std = float(grey.std())
    z = (grey - float(grey.mean())) / max(std, 1.0)
    return np.clip(128.0 + 40.0 * z, 0, 255).astype(np.uint8)


class CutScorer:
    """Scores consecutive thumbnails; keep one per stream so the DIS object is reused."""

    def __init__(self) -> None:
        import cv2

        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)

    def score(self, a: np.ndarray, b: np.ndarray) -> float:
        """How badly ``b`` is explained by ``a`` moved (thumbnails from :func:`thumbnail`)."""
        import cv2

        flow = self._dis.calc(b, a, None)  # for each pixel of b, where it was in a
        h, w = b.shape
        xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        warped = cv2.remap(a, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return float(np.mean(np.abs(_z(warped) - _z(b))))


def _z(image: np.ndarray) -> np.ndarray:
    x = image.astype(np.float32)
    return (x - x.mean()) / max(float(x.std()), 1.0)


def detect_cuts(
    frames: Frames,
    threshold: float,
    *,
    chunk: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, ...]:
    """Indices ``i`` where frame ``i`` starts a new shot (score of pair (i-1, i) above ``threshold``).

    Streams the frames in chunks, so memory stays flat.
    """
    if frames.count < 2:
        return ()
    scorer, cuts, previous = CutScorer(), [], None
    for start in range(0, frames.count, chunk):
        for k, frame in enumerate(frames.read(start, start + chunk)):
            thumb = thumbnail(frame)
            if previous is not None and scorer.score(previous, thumb) > threshold:
                cuts.append(start + k)
            previous = thumb
        if progress is not None:
            progress(min(start + chunk, frames.count), frames.count)
    return tuple(cuts)
