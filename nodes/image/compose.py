"""Drawing one frame: each layer warped by its pose and laid over the ones behind it.

Only a layer's bounding box is warped and blended, so a near subject that covers a fifth of
the frame costs a fifth of a full-frame warp; this is what keeps 720p above 30 frames/s on
two cores.
"""

from __future__ import annotations

import cv2
import numpy as np

from .camera import CameraMove, affine, pose
from .layers import Layer

_FLAGS = cv2.INTER_LINEAR


def _roi(matrix: np.ndarray, box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where the layer's box lands in the frame (clipped), in whole pixels."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], np.float64) @ matrix.T
    lx, ly = np.floor(corners.min(axis=0)).astype(int) - 1
    hx, hy = np.ceil(corners.max(axis=0)).astype(int) + 1
    w, h = size
    return max(0, lx), max(0, ly), min(w, hx), min(h, hy)


def over(dst: np.ndarray, rgba: np.ndarray) -> None:
    """Porter–Duff *over* with premultiplied alpha, in place: ``dst = rgb + dst·(255 − a)/255``.

    All in saturating uint8 OpenCV arithmetic (vectorised, no float copies of the frame)."""
    c0, c1, c2, a = cv2.split(rgba)
    clear = cv2.bitwise_not(a)
    behind = cv2.multiply(dst, cv2.merge((clear, clear, clear)), scale=1.0 / 255.0)
    cv2.add(cv2.merge((c0, c1, c2)), behind, dst=dst)


class Compositor:
    """Renders frame ``t`` (0…1) of the layered picture at ``size`` = (w, h)."""

    def __init__(
        self, layers: list[Layer], move: CameraMove, zoom: float, canvas: tuple[int, int], size: tuple[int, int]
    ) -> None:
        self.layers = layers
        self.move = move
        self.zoom = zoom
        self.canvas = canvas
        self.size = size

    def matrix(self, layer: Layer, t: float) -> np.ndarray:
        w, h = self.size
        return affine(pose(self.move, t, layer.depth, w, h), self.zoom, self.canvas, self.size)

    def frame(self, t: float, out: np.ndarray | None = None) -> np.ndarray:
        """The frame at ``t``, drawn into ``out`` (h×w×3 uint8) when given, saving a copy."""
        w, h = self.size
        far = self.layers[0]
        matrix = self.matrix(far, t)
        if out is None:
            out = np.empty((h, w, 3), np.uint8)
        cv2.warpAffine(far.pixels, matrix, (w, h), dst=out, flags=_FLAGS, borderMode=cv2.BORDER_REFLECT101)
        for layer in self.layers[1:]:
            m = self.matrix(layer, t)
            bx0, by0 = layer.box[:2]
            m[:, 2] += m[:, :2] @ np.array([bx0, by0], np.float64)  # the crop's origin
            local = (0, 0, layer.box[2] - bx0, layer.box[3] - by0)
            x0, y0, x1, y1 = _roi(m, local, (w, h))
            if x1 <= x0 or y1 <= y0:
                continue
            m[:, 2] -= (x0, y0)
            size = (x1 - x0, y1 - y0)
            rgba = cv2.warpAffine(layer.pixels, m, size, flags=_FLAGS, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            roi = out[y0:y1, x0:x1]
            over(roi, rgba)
        return out
