"""Anti-aliased drawing with sub-pixel precision, on top of OpenCV.

All coordinates are float pixels; they are passed to OpenCV in 1/16 pixel units (``shift``)
so that slowly moving shapes glide instead of stepping from pixel to pixel. Limbs are
capsules drawn as one polygon each (round caps included), so their thickness changes
smoothly with distance rather than in whole pixels.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

SHIFT = 4
ONE = 1 << SHIFT
AA = cv2.LINE_AA
_CAP = [(math.cos(a), math.sin(a)) for a in np.linspace(-math.pi / 2, math.pi / 2, 7)]  # a half circle


def fixed(points: np.ndarray) -> np.ndarray:
    """Float pixels → OpenCV's fixed point (1/16 px; truncation error is invisible at that scale)."""
    return (np.asarray(points) * ONE).astype(np.int32)


def fixed_far(points: np.ndarray) -> np.ndarray:
    """:func:`fixed` for shapes that may reach far off the canvas (a ground plane to the horizon):
    vertices are clamped to ±10⁷ px so they cannot overflow OpenCV's 32-bit coordinates."""
    return (np.clip(points, -1e7, 1e7) * ONE).astype(np.int32)


def poly(img: np.ndarray, points: np.ndarray, colour: tuple, far: bool = False) -> None:
    """One filled polygon (points (N, 2) float); ``far`` when vertices may lie far off the canvas."""
    cv2.fillPoly(img, [fixed_far(points) if far else fixed(points)], colour, AA, SHIFT)


def polys(img: np.ndarray, shapes: list[np.ndarray], colour: tuple) -> None:
    """Several non-overlapping filled polygons of one colour in one call (overlaps cancel out)."""
    if shapes:
        cv2.fillPoly(img, [fixed_far(s) for s in shapes], colour, AA, SHIFT)


def circle(img: np.ndarray, centre: tuple | np.ndarray, radius: float, colour: tuple) -> None:
    if radius > 0.05:
        c = fixed(centre)
        cv2.circle(img, (int(c[0]), int(c[1])), max(1, round(radius * ONE)), colour, -1, AA, SHIFT)


def ring(img: np.ndarray, centre: tuple, axes: tuple, colour: tuple, thickness: int = 1) -> None:
    c, a = fixed(centre), fixed(axes)
    cv2.ellipse(
        img, (int(c[0]), int(c[1])), (max(1, int(a[0])), max(1, int(a[1]))), 0, 0, 360, colour, thickness, AA, SHIFT
    )


def ellipse(img: np.ndarray, centre: tuple, axes: tuple, angle: float, colour: tuple) -> None:
    c, a = fixed(centre), fixed(axes)
    cv2.ellipse(
        img, (int(c[0]), int(c[1])), (max(1, int(a[0])), max(1, int(a[1]))), angle, 0, 360, colour, -1, AA, SHIFT
    )


def line(img: np.ndarray, p0: tuple, p1: tuple, colour: tuple, thickness: int = 1) -> None:
    a, b = fixed(p0), fixed(p1)
    cv2.line(img, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), colour, max(1, thickness), AA, SHIFT)


def lines(img: np.ndarray, segments: np.ndarray, colour: tuple, thickness: int = 1) -> None:
    """Many segments (N, 2, 2) in one call."""
    if len(segments):
        cv2.polylines(img, list(fixed(segments)), False, colour, max(1, thickness), AA, SHIFT)


def capsule_points(p0: np.ndarray, p1: np.ndarray, r0: float, r1: float) -> np.ndarray:
    """Outline of a tapered limb from ``p0`` (radius ``r0``) to ``p1`` (radius ``r1``).

    Plain float arithmetic: for 14 points it is faster than numpy's per-call overhead."""
    x0, y0, x1, y1 = float(p0[0]), float(p0[1]), float(p1[0]), float(p1[1])
    dx, dy = x1 - x0, y1 - y0
    n = math.hypot(dx, dy)
    ux, uy = (dx / n, dy / n) if n > 1e-6 else (0.0, 1.0)
    vx, vy = -uy, ux
    pts = [(x1 + r1 * (c * ux + s * vx), y1 + r1 * (c * uy + s * vy)) for c, s in _CAP]
    pts += [(x0 - r0 * (c * ux + s * vx), y0 - r0 * (c * uy + s * vy)) for c, s in _CAP]
    return np.array(pts)


def capsule(img: np.ndarray, p0: np.ndarray, p1: np.ndarray, r0: float, r1: float, colour: tuple) -> None:
    if max(r0, r1) < 0.35:
        line(img, p0, p1, colour, 1)
    else:
        poly(img, capsule_points(p0, p1, r0, r1), colour)


_SPRITE: np.ndarray | None = None


def glow_sprite() -> np.ndarray:
    global _SPRITE
    if _SPRITE is None:
        g = np.linspace(-1.0, 1.0, 65)
        r2 = g[None, :] ** 2 + g[:, None] ** 2
        _SPRITE = (np.exp(-r2 * 4.0) * (r2 < 1.0)).astype(np.float32)
    return _SPRITE


def glow(img: np.ndarray, centre: tuple, radius: float, colour: tuple, strength: float = 1.0) -> None:
    """Add a soft light blob (light bloom for a moving light source)."""
    r = int(np.ceil(radius))
    if r < 1 or strength <= 0:
        return
    cx, cy = round(centre[0]), round(centre[1])
    h, w = img.shape[:2]
    x0, y0, x1, y1 = cx - r, cy - r, cx + r + 1, cy + r + 1
    if x1 <= 0 or y1 <= 0 or x0 >= w or y0 >= h:
        return
    sprite = cv2.resize(glow_sprite(), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    patch = np.clip(sprite[..., None] * (np.asarray(colour, np.float32) * strength), 0, 255).astype(np.uint8)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    sx1, sy1 = patch.shape[1] - max(0, x1 - w), patch.shape[0] - max(0, y1 - h)
    roi = img[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]
    cv2.add(roi, patch[sy0:sy1, sx0:sx1], dst=roi)
