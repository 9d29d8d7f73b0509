"""The static layers of a shot, painted once and cropped by the camera every frame.

A painter draws three layers through the stage lens: ``base`` (surfaces), ``emissive``
(light sources, which bloom) and ``mirror`` (light sources mirrored in the ground plane,
which become wet reflections). :func:`composite` adds bloom and reflections, lays fog over
the distance, and grades the result with the style. Flickering signs are composited both
lit and unlit so that a frame can dim one by subtracting its patch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import draw
from .lens import MARGIN, Lens, StageGeometry
from .lights import Sign
from .look import Look, mix


@dataclass
class Canvas:
    """What a background painter draws on: three layers and the lens that places things."""

    geometry: StageGeometry
    look: Look
    seed: int
    base: np.ndarray = field(init=False)
    emissive: np.ndarray = field(init=False)
    mirror: np.ndarray = field(init=False)
    ground_row: float = field(init=False)  # where wet reflections may start (the horizon unless set)
    reflect: float = 0.0  # reflection strength of water a painter adds (a wet street uses the look's wetness)
    scenery: dict = field(default_factory=dict)  # what the words say of the place: {"trees": "birch"}
    flicker_emissive: np.ndarray | None = None
    flicker_mirror: np.ndarray | None = None

    def __post_init__(self) -> None:
        h, w = self.geometry.height, self.geometry.width
        self.base = np.zeros((h, w, 3), np.uint8)
        self.emissive = np.zeros((h, w, 3), np.uint8)
        self.mirror = np.zeros((h, w, 3), np.uint8)
        self.ground_row = self.lens.cy

    @property
    def lens(self) -> Lens:
        return self.geometry.lens

    @property
    def px(self) -> float:
        """One output pixel of the wide view, in stage pixels (for line widths)."""
        return self.geometry.resolution

    @property
    def area(self) -> float:
        """Stage area relative to a standard stage at resolution 1 (for how much to scatter)."""
        return self.geometry.resolution**2 * self.geometry.margin_x / MARGIN

    def rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 5000 + salt])

    def quad(self, world: np.ndarray, colour: tuple, layer: str = "base") -> np.ndarray:
        """Fill a world-space polygon; returns its stage-pixel outline."""
        pts, _ = self.lens.project(world)
        draw.poly(getattr(self, layer), pts, colour, far=True)
        return pts

    def both(self, world: np.ndarray, colour: tuple, mirror_colour: tuple | None = None) -> None:
        """Fill a world polygon on the base layer and, mirrored in the ground, on the reflection layer."""
        self.quad(world, colour)
        self.quad(np.asarray(world, np.float64) * np.array([1.0, -1.0, 1.0]), mirror_colour or colour, "mirror")

    def light_quad(self, world: np.ndarray, colour: tuple, flicker: bool = False) -> None:
        """A glowing world polygon: on the base and the bloom layer, and mirrored for wet ground."""
        pts, _ = self.lens.project(world)
        draw.poly(self.base, pts, colour, far=True)
        draw.poly(self.flicker_layer("emissive") if flicker else self.emissive, pts, colour, far=True)
        mirrored = np.array(world, np.float64) * np.array([1.0, -1.0, 1.0])
        mpts, _ = self.lens.project(mirrored)
        draw.poly(self.flicker_layer("mirror") if flicker else self.mirror, mpts, colour, far=True)

    def flicker_layer(self, name: str) -> np.ndarray:
        attr = f"flicker_{name}"
        if getattr(self, attr) is None:
            setattr(self, attr, np.zeros_like(self.base))
        return getattr(self, attr)

    def sky(self) -> None:
        paint_sky(self)


def paint_sky(canvas: Canvas) -> None:
    """Sky gradient by elevation angle, the sun with its glow, stars at night."""
    look, lens = canvas.look, canvas.lens
    h, w = canvas.base.shape[:2]
    rows = np.arange(h, dtype=np.float32)
    elevation = (lens.cy - rows) / lens.f  # tangent of the angle above the horizon
    top, middle, horizon = (np.array(c, np.float32) for c in look.sky)
    t = np.clip(elevation / 0.75, 0.0, 1.0)[:, None]
    low = horizon + (middle - horizon) * np.clip(t / 0.35, 0, 1)
    high = middle + (top - middle) * np.clip((t - 0.35) / 0.65, 0, 1)
    grad = np.where(t < 0.35, low, high)
    canvas.base[:] = np.clip(grad, 0, 255).astype(np.uint8)[:, None, :]
    if look.sun_elevation is not None:
        rng = canvas.rng(1)
        sx = lens.cx + lens.f * float(rng.uniform(-0.35, 0.35))
        sy = lens.cy - lens.f * np.tan(np.radians(look.sun_elevation))
        radius = lens.f * (0.03 if look.sun_elevation < 10 else 0.022)
        draw.glow(canvas.base, (sx, sy), radius * 9, mix(look.sun_rgb, look.sky[2], 0.3), 0.55)
        draw.glow(canvas.base, (sx, sy), radius * 3.2, look.sun_rgb, 0.6)
        draw.circle(canvas.base, (sx, sy), radius, mix(look.sun_rgb, (255, 255, 255), 0.35))
        draw.circle(canvas.mirror, (sx, 2 * lens.cy - sy), radius * 1.2, look.sun_rgb)
    if look.time in ("night", "dusk"):
        rng = canvas.rng(2)
        n = int(w * h / 2500)
        xs, ys = rng.uniform(0, w, n), rng.uniform(0, lens.cy * 0.92, n)
        levels = rng.uniform(60, 230 if look.time == "night" else 120, n)
        for x, y, v in zip(xs, ys, levels):
            draw.circle(canvas.base, (x, y), 0.6 * canvas.px, (int(v), int(v), int(min(255, v * 1.1))))


def composite(canvas: Canvas, with_flicker: bool = True) -> np.ndarray:
    """Base + bloom + reflections + fog, graded by the style; uint8 (H, W, 3)."""
    look = canvas.look
    emissive, mirror = canvas.emissive, canvas.mirror
    if with_flicker and canvas.flicker_emissive is not None:
        emissive = cv2.add(emissive, canvas.flicker_emissive)
    if with_flicker and canvas.flicker_mirror is not None:
        mirror = cv2.add(mirror, canvas.flicker_mirror)
    out = canvas.base.copy()
    if look.neon or look.night or look.time == "sunset":
        bloom = soft(emissive, 24.0 * canvas.px)
        cv2.addWeighted(out, 1.0, bloom, 1.1 if look.night else 0.6, 0.0, dst=out)
    strength = max(0.75 * look.wet, canvas.reflect)
    row = int(np.ceil(canvas.ground_row))
    if strength and row < out.shape[0]:
        wet = soft(mirror[max(0, row - 8) :], 3.0 * canvas.px, stretch=5.0)[min(8, row) :]
        cv2.addWeighted(out[row:], 1.0, wet, strength, 0.0, dst=out[row:])
    if look.snow and row < out.shape[0]:  # snow lies on the ground, white under any light
        snow = np.array(look.lit((236, 240, 248), 0.45), np.uint8)
        cv2.addWeighted(
            out[row:], 0.3, np.broadcast_to(snow, out[row:].shape).copy(), 0.7 * look.snow, 0.0, dst=out[row:]
        )
    if look.fog:
        for y0 in range(0, out.shape[0], 256):  # in strips, so float temporaries stay small at any size
            y1 = min(out.shape[0], y0 + 256)
            out[y0:y1] = np.clip(fog(out[y0:y1].astype(np.float32), canvas, y0, y1), 0, 255).astype(np.uint8)
    return cv2.transform(out, look.grade.matrix.astype(np.float32))


def soft(layer: np.ndarray, sigma: float, stretch: float = 1.0) -> np.ndarray:
    """A blurred copy of a light layer at low resolution (bloom; ``stretch`` smears vertically)."""
    h, w = layer.shape[:2]
    factor = 4
    small = cv2.resize(layer, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    s = max(0.8, sigma / factor)
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=s, sigmaY=s * stretch)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def fog(x: np.ndarray, canvas: Canvas, y0: int, y1: int) -> np.ndarray:
    """Fog thickest at the horizon, where the ground is farthest away."""
    look, lens = canvas.look, canvas.lens
    rows = np.arange(y0, y1, dtype=np.float32)
    near = np.abs(rows - lens.cy) / (0.35 * lens.f)
    amount = (look.fog * 0.85 * np.exp(-near * 1.6))[:, None, None]
    colour = np.array(look.fog_rgb, np.float32) * (0.45 if look.night else 1.0)
    return x + (colour - x) * amount


@dataclass
class Stage:
    """A painted stage: the image the camera crops, and per flickering sign the light it loses when dimmed."""

    geometry: StageGeometry
    image: np.ndarray
    flicker: dict[int, tuple[int, int, np.ndarray]]  # sign index → (x0, y0, uint8 patch)

    @property
    def nbytes(self) -> int:
        return int(self.image.nbytes + sum(p.nbytes for _, _, p in self.flicker.values()))


Painter = Callable[[Canvas, list[Sign]], None]


def build_stage(
    geometry: StageGeometry, look: Look, seed: int, signs: list[Sign], painter: Painter, scenery: dict | None = None
) -> Stage:
    canvas = Canvas(geometry, look, seed, scenery=dict(scenery or {}))
    painter(canvas, signs)
    image = composite(canvas)
    patches: dict[int, tuple[int, int, np.ndarray]] = {}
    flickering = [s for s in signs if s.flickers]
    if flickering and canvas.flicker_emissive is not None:
        dark = composite(canvas, with_flicker=False)
        delta = cv2.subtract(image, dark)
        for sign in flickering:
            box = sign_region(canvas, sign)
            if box is not None:
                x0, y0, x1, y1 = box
                patches[sign.index] = (x0, y0, delta[y0:y1, x0:x1].copy())
    return Stage(geometry, image, patches)


def sign_region(canvas: Canvas, sign: Sign) -> tuple[int, int, int, int] | None:
    """The stage pixels a sign lights: itself, its bloom and its reflection."""
    pts, _ = canvas.lens.project(sign.corners)
    mpts, _ = canvas.lens.project(sign.corners * np.array([1.0, -1.0, 1.0]))
    allp = np.concatenate([pts, mpts]) if canvas.look.wet else pts
    pad = 30 * canvas.px
    h, w = canvas.base.shape[:2]
    x0, y0 = int(max(0, allp[:, 0].min() - pad)), int(max(0, allp[:, 1].min() - pad))
    x1, y1 = int(min(w, allp[:, 0].max() + pad)), int(min(h, allp[:, 1].max() + pad))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None
