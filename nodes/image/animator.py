"""Image-to-video on the CPU: the still, its depth, layers and camera put together into a lazy
frame producer (``Animator.produce`` fits ``Frames``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ambient import Ambient
from .camera import CameraMove, cover_zoom, pose
from .compose import Compositor
from .layers import build_layers, cover_fit

MAX_REACH = 0.2  # a layer never needs extending by more than a fifth of the canvas


@dataclass(frozen=True)
class Shot:
    """What to make: frame size, count and rate, the move and how the picture is cut."""

    width: int
    height: int
    count: int
    fps: float
    move: CameraMove
    layers: int = 3
    feather: float = 1.5


def reach(move: CameraMove, size: tuple[int, int], layers: int) -> float:
    """How far (in output pixels) neighbouring layers slide against each other during the move."""
    w, h = size
    step = 1.0 / max(1, layers)
    worst = 0.0
    for t in np.linspace(0.0, 1.0, 17):
        for d in np.linspace(0.0, 1.0 - step, layers):
            a, b = pose(move, float(t), float(d), w, h), pose(move, float(t), float(d + step), w, h)
            spread = abs(a.scale - b.scale) * 0.5 * np.hypot(w, h)
            worst = max(worst, np.hypot(a.dx - b.dx, a.dy - b.dy) + spread)
    return worst


class Animator:
    """Builds the layers once (depth, inpainting), then renders any frame on demand."""

    def __init__(self, image: np.ndarray, depth: np.ndarray, shot: Shot, effects: set[str], seed: int) -> None:
        size = (shot.width, shot.height)
        self.shot = shot
        # every layer that reaches the frame's edge must still cover it: ask at every depth
        zoom = max(cover_zoom(shot.move, float(d), *size) for d in np.linspace(0.0, 1.0, 5))
        canvas_size = (round(shot.width * zoom), round(shot.height * zoom))
        canvas, _ = cover_fit(image, canvas_size)
        canvas_depth, _ = cover_fit(depth, canvas_size)
        px = min(MAX_REACH * canvas_size[0], 1.25 * reach(shot.move, size, shot.layers) * zoom)
        self.layers = build_layers(canvas, canvas_depth, shot.layers, int(np.ceil(px)), shot.feather)
        self.compositor = Compositor(self.layers, shot.move, zoom, canvas_size, size)
        first = self.compositor.frame(0.0)
        first_depth, _ = cover_fit(depth, size)
        self.ambient = Ambient(effects, first, first_depth, seed)

    def frame(self, index: int, out: np.ndarray | None = None) -> np.ndarray:
        t = index / max(1, self.shot.count - 1)
        frame = self.compositor.frame(t, out)
        return self.ambient.apply(frame, index / self.shot.fps)

    def produce(self, start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, self.shot.height, self.shot.width, 3), np.uint8)
        for i in range(start, stop):
            self.frame(i, out[i - start])
        return out
