"""Weather drawn per frame: rain streaks, splashes on the ground, snow.

Every drop, splash and flake is a closed-form function of time and its own fixed random
numbers (drawn once per render from the seed), so any frame renders on its own and motion
is continuous from frame to frame.
"""

from __future__ import annotations

import numpy as np

from . import draw
from .lens import Lens
from .look import Look, mix


def _hash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A cheap deterministic pseudo-random number in [0, 1) per (a, b)."""
    v = np.sin(a * 12.9898 + b * 78.233) * 43758.5453
    return v - np.floor(v)


class Weather:
    def __init__(self, look: Look, width: int, height: int, seed: int) -> None:
        self.look, self.width, self.height = look, width, height
        rng = np.random.default_rng([seed, 9000])
        area = width * height
        self.rain = None
        if look.rain:
            n = int(area / 900 * look.rain)
            layer = rng.random(n) < 0.7  # True: far, thin, slow; False: near, long, bright
            speed = np.where(layer, rng.uniform(0.9, 1.3, n), rng.uniform(1.6, 2.2, n)) * height
            length = np.where(layer, 0.025, 0.07) * height * rng.uniform(0.7, 1.3, n)
            self.rain = {
                "x": rng.uniform(-0.1, 1.1, n) * width,
                "phase": rng.random(n),
                "speed": speed,
                "length": length,
                "far": layer,
            }
            base = (150, 160, 185) if look.night else (200, 205, 215)
            self.rain_colours = (
                look.grade.colour(mix(base, look.sky[2], 0.3)),
                look.grade.colour(mix(base, (255,) * 3, 0.3)),
            )
            self.splash_colour = look.grade.colour(mix(base, (255, 255, 255), 0.2))
            self.splashes = {"period": rng.uniform(0.25, 0.6, n // 10), "offset": rng.random(n // 10)}
        self.snow = None
        if look.snow:
            n = max(12, int(area / 700 * look.snow))
            unit = max(1.0, height / 400.0)
            self.snow = {
                "x": rng.random(n) * width,
                "phase": rng.random(n),
                "speed": rng.uniform(0.05, 0.16, n) * height,
                "sway": rng.uniform(3, 14, n) * unit,
                "hz": rng.uniform(0.2, 0.6, n),
                "r": rng.uniform(0.6, 2.2, n) * unit,
            }
            self.snow_colour = look.grade.colour((235, 238, 245))

    def draw_ground(self, img: np.ndarray, lens: Lens, t: float) -> None:
        """Splashes where drops hit the ground (they move with the camera, unlike the streaks)."""
        if self.rain is None:
            return
        period, offset = self.splashes["period"], self.splashes["offset"]
        idx = np.arange(period.size)
        cycle = np.floor(t / period + offset)
        age = (t / period + offset - cycle) * period
        alive = age < 0.16
        u, v = _hash(idx[alive] * 1.0, cycle[alive]), _hash(cycle[alive], idx[alive] * 1.0 + 0.5)
        z = 1.5 + 28.0 * v * v
        x = (u - 0.5) * 2.0 * z * (self.width / lens.f) * 0.7 + (self.width / 2 - lens.cx) * z / lens.f
        pts, _ = lens.project(np.stack([x, np.zeros_like(x), z], 1))
        radii = (0.04 + 0.5 * age[alive]) * lens.f / z
        fade = age[alive] / 0.16
        for (cx, cy), r, a in zip(pts, radii, fade):
            if r >= 0.6 and 0 <= cx < self.width and 0 <= cy < self.height:
                draw.ring(img, (cx, cy), (r, r * 0.3), mix(self.splash_colour, (0, 0, 0), float(a) * 0.6), 1)

    def draw_air(self, img: np.ndarray, t: float) -> None:
        """Rain streaks and snowflakes, in screen space (they are close to the lens)."""
        if self.rain is not None:
            r = self.rain
            span = self.height + r["length"]
            y = (r["phase"] * span + r["speed"] * t) % span - r["length"]
            slant = 0.12
            x0 = r["x"] + slant * y
            seg = np.stack([np.stack([x0, y], 1), np.stack([x0 + slant * r["length"], y + r["length"]], 1)], 1)
            draw.lines(img, seg[r["far"]], self.rain_colours[0], 1)
            draw.lines(img, seg[~r["far"]], self.rain_colours[1], 1)
        if self.snow is not None:
            s = self.snow
            y = (s["phase"] * self.height + s["speed"] * t) % (self.height + 6) - 3
            x = s["x"] + s["sway"] * np.sin(2 * np.pi * s["hz"] * t + s["phase"] * 6.28)
            for xi, yi, ri in zip(x, y, s["r"]):
                draw.circle(img, (xi, yi), ri, self.snow_colour)
