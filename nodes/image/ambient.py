"""Subtle motion inside the still: water ripple, cloud drift and rain, when the scene says so.

Each effect finds where it belongs in the picture once (the water below the horizon, the sky
above it, from colour, texture and the depth map), precomputes what it can, and then costs a
few row-wise operations per frame:

- ``ripple``: water rows sway (a small vertical and horizontal remap whose phase travels with
  time), strongest near the viewer;
- ``clouds``: a soft, tileable noise texture drifts sideways over the sky and lightens it;
- ``rain``: seeded streaks fall at a slant over the whole frame, nearer ones longer.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from server.engine.errors import NodeInputError

WATER_WORDS = {"lake", "river", "sea", "ocean", "pond", "water", "waves", "wave", "stream", "beach", "harbor", "bay"}
SKY_WORDS = {"cloud", "clouds", "sky", "wind", "breeze", "storm"}
WATER_SETTINGS = {"lake", "beach", "underwater"}
SKY_SETTINGS = {"sky", "beach", "savanna", "desert", "mountain", "lake", "farm", "park", "snowfield"}
EFFECTS = ("ripple", "clouds", "rain")


def effects_from_scene(scene: object | None) -> set[str]:
    """Which effects a SCENE asks for: rain from its weather, water and sky from its setting
    and the words of its entities."""
    if scene is None or not hasattr(scene, "settings"):
        return set()
    settings = scene.settings
    words = {str(settings.get("location") or "").lower(), str(settings.get("setting") or "")}
    words |= {str(d.get("label", "")).lower() for _, d in scene.entities()}
    out = set()
    weather = {str(w).lower() for w in settings.get("weather") or []}
    if "rain" in weather or "storm" in weather or "rain" in words:
        out.add("rain")
    if words & WATER_WORDS or settings.get("setting") in WATER_SETTINGS:
        out.add("ripple")
    if words & SKY_WORDS or settings.get("setting") in SKY_SETTINGS:
        out.add("clouds")
    return out


def parse_effects(text: str, scene: object | None) -> set[str]:
    """``auto`` (from the scene), ``none``, or a comma list of ripple, clouds, rain."""
    words = {w.strip().lower() for w in text.replace(";", ",").split(",") if w.strip()}
    if words <= {"auto"}:
        return effects_from_scene(scene)
    if words <= {"none", "off"}:
        return set()
    unknown = words - set(EFFECTS)
    if unknown:
        raise NodeInputError(
            "motion", f"unknown effect(s) {sorted(unknown)}; use 'auto', 'none' or a list of {', '.join(EFFECTS)}"
        )
    return words


def _horizon(depth: np.ndarray) -> int:
    """The row where far turns near: the first row whose median depth passes the picture's median."""
    rows = np.median(depth, axis=1)
    above = np.nonzero(rows > np.median(depth))[0]
    return int(above[0]) if above.size else depth.shape[0] // 2


@dataclass
class Ripple:
    rows: slice
    weight: np.ndarray  # (rows, w) float32 0..1: where water is
    grid_x: np.ndarray
    grid_y: np.ndarray
    amplitude: float

    @classmethod
    def find(cls, frame: np.ndarray, depth: np.ndarray) -> Ripple | None:
        h, w = frame.shape[:2]
        top = max(_horizon(depth), h // 3)
        hsv = cv2.cvtColor(frame[top:], cv2.COLOR_RGB2HSV)
        blueish = ((hsv[..., 0] > 80) & (hsv[..., 0] < 135)) | (hsv[..., 1] < 60)  # OpenCV hue 0..180
        smooth = cv2.GaussianBlur(blueish.astype(np.float32), (0, 0), max(2.0, w / 160))
        if smooth.mean() < 0.05:
            return None
        weight = np.clip(smooth * 1.4, 0, 1) * np.linspace(0.4, 1.0, h - top, dtype=np.float32)[:, None]
        rows = np.flatnonzero(weight.max(axis=1) > 0.02)  # only the rows that hold water are remapped
        first, last = top + int(rows[0]), top + int(rows[-1]) + 1
        weight = weight[first - top : last - top]
        gy, gx = np.mgrid[first:last, 0:w].astype(np.float32)
        return cls(slice(first, last), np.ascontiguousarray(weight, dtype=np.float32), gx, gy, max(1.0, h / 240))

    def apply(self, out: np.ndarray, source: np.ndarray, seconds: float) -> None:
        k = np.arange(self.rows.start, self.rows.stop, dtype=np.float32)  # phase by frame row: crops agree
        sway_y = self.amplitude * np.sin(k * 0.35 + seconds * 3.1).astype(np.float32)
        sway_x = 0.6 * self.amplitude * np.sin(k * 0.11 - seconds * 1.7).astype(np.float32)
        map_y = self.grid_y + self.weight * sway_y[:, None]  # the border mode keeps it inside the frame
        map_x = self.grid_x + self.weight * sway_x[:, None]
        out[self.rows] = cv2.remap(source, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)


@dataclass
class Clouds:
    rows: slice
    texture: np.ndarray  # (rows, 4w) uint8: a period of 2w, repeated so any w-wide window is a plain slice
    weight: np.ndarray  # (rows, w) uint8: where the sky is, times the strength
    speed: float  # pixels per second

    @classmethod
    def find(cls, frame: np.ndarray, depth: np.ndarray, rng: np.random.Generator) -> Clouds | None:
        h, w = frame.shape[:2]
        bottom = min(_horizon(depth), int(h * 0.6))
        if bottom < h // 10:
            return None
        gray = cv2.cvtColor(frame[:bottom], cv2.COLOR_RGB2GRAY).astype(np.float32)
        texture_edges = cv2.GaussianBlur(np.abs(cv2.Laplacian(gray, cv2.CV_32F)), (0, 0), 4)
        calm = max(6.0, 1.5 * float(np.median(texture_edges[: max(1, bottom // 3)])))
        sky = (texture_edges < calm).astype(np.float32) * np.clip(1.0 - depth[:bottom] * 1.5, 0, 1)
        sky = cv2.GaussianBlur(sky, (0, 0), max(2.0, w / 200)) * np.linspace(1, 0.2, bottom, dtype=np.float32)[:, None]
        if sky.mean() < 0.05:
            return None
        noise = rng.random((max(4, bottom // 24), max(8, w // 12))).astype(np.float32)
        tiled = cv2.resize(np.tile(noise, (1, 3)), (6 * w, bottom), interpolation=cv2.INTER_CUBIC)
        noise = cv2.GaussianBlur(tiled, (0, 0), w / 60)[:, 2 * w : 4 * w]  # the middle period: seamless
        noise = np.clip((noise - noise.mean()) / (noise.std() + 1e-6) * 0.5 + 0.3, 0, 1)
        texture = np.tile((noise * 255 + 0.5).astype(np.uint8), (1, 2))
        weight = (np.clip(0.22 * sky, 0, 1) * 255 + 0.5).astype(np.uint8)
        return cls(slice(0, bottom), np.ascontiguousarray(texture), weight, w / 40)

    def apply(self, out: np.ndarray, seconds: float) -> None:
        """Lighten the sky toward white by ``weight × texture`` (uint8 OpenCV arithmetic)."""
        w = self.weight.shape[1]
        period = self.texture.shape[1] // 2
        shift = period - int(seconds * self.speed) % period
        lift = cv2.multiply(self.weight, self.texture[:, shift : shift + w], scale=1.0 / 255.0)
        region = out[self.rows]
        room = cv2.multiply(cv2.bitwise_not(region), cv2.merge((lift, lift, lift)), scale=1.0 / 255.0)
        cv2.add(region, room, dst=region)


@dataclass
class Rain:
    x: np.ndarray
    y: np.ndarray
    speed: np.ndarray
    length: np.ndarray
    slant: float
    size: tuple[int, int]

    @classmethod
    def make(cls, size: tuple[int, int], rng: np.random.Generator, count: int = 260) -> Rain:
        w, h = size
        near = rng.random(count) ** 2
        return cls(
            rng.random(count) * w * 1.2,
            rng.random(count) * h,
            (0.9 + 1.4 * near) * h,  # pixels per second
            (0.02 + 0.05 * near) * h,
            0.18,
            (w, h),
        )

    def apply(self, out: np.ndarray, seconds: float) -> None:
        w, h = self.size
        y = (self.y + self.speed * seconds) % (h + self.length.max()) - self.length
        x = (self.x - self.slant * self.speed * seconds) % (w * 1.2) - 0.1 * w
        starts = np.stack([x, y], 1)
        ends = starts + np.stack([-self.slant * self.length, self.length], 1)
        lines = np.stack([starts, ends], 1).round().astype(np.int32)
        cv2.polylines(out, list(lines), False, (190, 196, 206), 1, cv2.LINE_AA)  # thin and anti-aliased: translucent


class Ambient:
    """The chosen effects, prepared for one picture (the first frame) and frame size."""

    def __init__(self, effects: set[str], first: np.ndarray, depth: np.ndarray, seed: int) -> None:
        rng = np.random.default_rng(seed)
        h, w = first.shape[:2]
        self.ripple = Ripple.find(first, depth) if "ripple" in effects else None
        self.clouds = Clouds.find(first, depth, rng) if "clouds" in effects else None
        self.rain = Rain.make((w, h), rng) if "rain" in effects else None

    @property
    def active(self) -> list[str]:
        return [n for n, e in (("ripple", self.ripple), ("clouds", self.clouds), ("rain", self.rain)) if e]

    def apply(self, frame: np.ndarray, seconds: float) -> np.ndarray:
        if self.ripple is not None:
            self.ripple.apply(frame, frame, seconds)  # remap reads the frame before its rows are replaced
        if self.clouds is not None:
            self.clouds.apply(frame, seconds)
        if self.rain is not None:
            self.rain.apply(frame, seconds)
        return frame
