"""Cutting a picture into depth layers whose hidden parts are filled, for parallax.

Each layer keeps its own band of depth plus a margin reaching into the nearer bands, filled
by OpenCV inpainting (Telea) of what the nearer layers covered: when a near layer slides
away, the pixels it reveals come from the layer behind, not from a hole. The far layer is
opaque and filled everywhere, so nothing behind it can ever show.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

INPAINT_WIDTH = 480  # inpainting runs this small; what it fills is soft background anyway


@dataclass(frozen=True)
class Layer:
    """One depth layer on the canvas grid: RGB and alpha cropped to ``box`` (x0, y0, x1, y1)."""

    depth: float  # the band's middle, 0 far … 1 near
    pixels: np.ndarray  # the crop: h×w×3 RGB for the opaque far layer, else h×w×4 alpha-premultiplied RGBA
    box: tuple[int, int, int, int]


def cover_fit(image: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``image`` scaled to cover ``size`` = (w, h) and centre-cropped; also the crop in the scaled image."""
    w, h = size
    ih, iw = image.shape[:2]
    scale = max(w / iw, h / ih)
    sw, sh = max(w, round(iw * scale)), max(h, round(ih * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(image, (sw, sh), interpolation=interp)
    x0, y0 = (sw - w) // 2, (sh - h) // 2
    return np.ascontiguousarray(scaled[y0 : y0 + h, x0 : x0 + w]), (x0, y0, sw, sh)


def thresholds(depth: np.ndarray, count: int) -> np.ndarray:
    """Band edges that give each layer an equal share of the picture."""
    return np.quantile(depth, np.linspace(0.0, 1.0, count + 1)[1:-1]).astype(np.float32)


def inpaint_behind(image: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """``image`` with the ``hidden`` pixels replaced by a Telea inpainting done at low resolution."""
    if not hidden.any():
        return image
    h, w = image.shape[:2]
    sw = min(INPAINT_WIDTH, w)
    sh = max(4, round(h * sw / w))
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    mask = cv2.resize(hidden.astype(np.uint8) * 255, (sw, sh), interpolation=cv2.INTER_NEAREST)
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    filled = cv2.inpaint(small, mask, 4, cv2.INPAINT_TELEA)
    big = cv2.resize(filled, (w, h), interpolation=cv2.INTER_CUBIC)
    out = image.copy()
    out[hidden] = big[hidden]
    return out


def _box(alpha: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(alpha.max(axis=1)), np.nonzero(alpha.max(axis=0))
    if not ys[0].size:
        return 0, 0, 0, 0
    return int(xs[0][0]), int(ys[0][0]), int(xs[0][-1]) + 1, int(ys[0][-1]) + 1


def build_layers(canvas: np.ndarray, depth: np.ndarray, count: int, reach: int, feather: float) -> list[Layer]:
    """``count`` layers far to near. ``reach`` (pixels) is how far a nearer layer may slide
    against this one during the move: each layer is extended (and filled) that far under its
    neighbours. ``feather`` softens layer edges (a Gaussian sigma in pixels)."""
    edges = thresholds(depth, count)
    band = np.digitize(depth, edges).astype(np.int32)  # 0 far … count-1 near
    layers: list[Layer] = []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)) if reach > 0 else None
    for k in range(count):
        own = band == k
        nearer = band > k
        rgb = inpaint_behind(canvas, nearer) if k < count - 1 else canvas
        middle = float(np.median(depth[own])) if own.any() else (k + 0.5) / count
        if k == 0:
            layers.append(Layer(middle, rgb, (0, 0, canvas.shape[1], canvas.shape[0])))
            continue
        keep = own.astype(np.uint8)
        if kernel is not None and k < count - 1:
            keep |= cv2.dilate(keep, kernel) & nearer.astype(np.uint8)
        alpha = keep.astype(np.float32)
        if feather > 0:
            alpha = cv2.GaussianBlur(alpha, (0, 0), feather)
        alpha8 = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
        x0, y0, x1, y1 = _box(alpha8)
        if x1 <= x0 or y1 <= y0:
            continue
        crop = alpha8[y0:y1, x0:x1]
        premultiplied = (rgb[y0:y1, x0:x1].astype(np.uint16) * crop[..., None] + 127) // 255
        layers.append(Layer(middle, np.dstack([premultiplied.astype(np.uint8), crop]), (x0, y0, x1, y1)))
    return layers
