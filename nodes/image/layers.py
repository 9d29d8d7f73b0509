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
SMOOTH_FEATHER = 12.0  # how much wider layer edges are feathered where the picture is smooth


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
    """Band edges between the depth's natural groups (1-D k-means, seeded at the quantiles), so
    that an edge falls in a gap of the depth histogram, e.g. between sky and hills, rather than
    through a smooth sky, where the layers' different motion would show as a seam."""
    start = np.quantile(depth, (np.arange(count) + 0.5) / count).astype(np.float32)
    values = cv2.resize(depth, (min(256, depth.shape[1]), min(144, depth.shape[0])), interpolation=cv2.INTER_AREA)
    values = values.reshape(-1)
    centres = start.copy()
    for _ in range(20):  # Lloyd's iterations from the quantiles: deterministic, no random restarts
        label = np.argmin(np.abs(values[:, None] - centres[None, :]), axis=1)
        moved = np.array([values[label == k].mean() if (label == k).any() else centres[k] for k in range(count)])
        if np.allclose(moved, centres, atol=1e-4):
            break
        centres = moved.astype(np.float32)
    centres = np.sort(centres)
    return ((centres[:-1] + centres[1:]) / 2).astype(np.float32)


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


def smoothness(image: np.ndarray) -> np.ndarray:
    """1 where the picture is smooth (sky, haze, a plain wall), 0 where it has detail.

    Why: a layer boundary through a smooth gradient shows as a seam once the layers slide
    apart; feathered wide there, the two gradients blend and the seam disappears, while
    edges on objects stay crisp."""
    h, w = image.shape[:2]
    sw = min(320, w)
    small = cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (sw, max(2, round(h * sw / w))))
    detail = cv2.GaussianBlur(np.abs(cv2.Laplacian(small.astype(np.float32), cv2.CV_32F)), (0, 0), 2.0)
    smooth = np.clip(1.0 - detail / 4.0, 0.0, 1.0)
    return cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR)


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
    # wide seams only in smooth, far parts (sky, haze): a flat-coloured near object keeps crisp edges
    smooth = smoothness(canvas) * np.clip((0.7 - depth) / 0.4, 0.0, 1.0)
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
            sharp = cv2.GaussianBlur(alpha, (0, 0), feather)
            soft = cv2.GaussianBlur(alpha, (0, 0), feather * SMOOTH_FEATHER)
            alpha = sharp + (soft - sharp) * smooth  # wide seams where the picture is smooth
        alpha8 = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
        x0, y0, x1, y1 = _box(alpha8)
        if x1 <= x0 or y1 <= y0:
            continue
        crop = alpha8[y0:y1, x0:x1]
        premultiplied = (rgb[y0:y1, x0:x1].astype(np.uint16) * crop[..., None] + 127) // 255
        layers.append(Layer(middle, np.dstack([premultiplied.astype(np.uint8), crop]), (x0, y0, x1, y1)))
    return layers
