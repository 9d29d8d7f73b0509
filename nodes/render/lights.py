"""Light sources that glow and flicker: the neon signs of a city street.

Signs are world-space quads (blade signs standing out from the facades, panels flat on
them). Their flicker schedule is fixed per seed at plan time, so that the frames, the
layout and the timeline's "flicker" events all agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .look import RGB

FACADE_X = 7.5  # metres from the street's centre line to the building fronts
ROAD_X = 4.2  # metres from the centre line to the kerb
FLICKER_SECONDS = 0.45
WARM_NEON: tuple[RGB, ...] = ((255, 60, 120), (255, 110, 40), (255, 40, 60), (255, 170, 60), (255, 80, 200))
COOL_NEON: tuple[RGB, ...] = ((40, 220, 255), (90, 120, 255), (60, 255, 170), (190, 80, 255))


@dataclass(frozen=True)
class Sign:
    index: int
    corners: np.ndarray  # (4, 3) world quad, drawn in order
    colour: RGB
    blade: bool
    glyph_seed: int
    flickers: tuple[float, ...] = ()  # start times of flicker episodes

    def level(self, t: float) -> float:
        """Brightness 0..1 at time ``t``: 1 except during a flicker episode (two quick dips)."""
        for start in self.flickers:
            u = (t - start) / FLICKER_SECONDS
            if 0.0 <= u < 1.0:
                return 1.0 - 0.7 * float(np.sin(np.pi * u * 2.0) ** 2)
            if start > t:
                break
        return 1.0


def city_signs(seed: int, duration: float, warm: bool, neon: float, depth: float = 90.0) -> list[Sign]:
    """Neon signs along both facades of a street: more and brighter when ``neon`` is high."""
    if neon <= 0:
        return []
    rng = np.random.default_rng([seed, 7001])
    palette = WARM_NEON + COOL_NEON[:1] if warm else WARM_NEON[:3] + COOL_NEON
    signs: list[Sign] = []
    z = 4.0
    while z < depth:
        for side in (-1.0, 1.0):
            if rng.random() > 0.35 + 0.5 * neon:
                continue
            colour = palette[int(rng.integers(len(palette)))]
            blade = bool(rng.random() < 0.65)
            y0 = float(rng.uniform(2.8, 5.0))
            if blade:
                height, reach = float(rng.uniform(2.2, 5.5)), float(rng.uniform(0.7, 1.1))
                x0, x1 = side * FACADE_X, side * (FACADE_X - reach)
                corners = np.array([[x0, y0, z], [x1, y0, z], [x1, y0 + height, z], [x0, y0 + height, z]])
            else:
                height, length = float(rng.uniform(0.8, 1.6)), float(rng.uniform(2.5, 5.0))
                x = side * (FACADE_X - 0.02)
                corners = np.array([[x, y0, z], [x, y0, z + length], [x, y0 + height, z + length], [x, y0 + height, z]])
            index = len(signs)
            signs.append(
                Sign(
                    index,
                    corners,
                    colour,
                    blade,
                    int(rng.integers(2**31)),
                    flicker_times(seed, index, duration, rng.random() < 0.3),
                )
            )
        z += float(rng.uniform(2.5, 6.0)) * (1.0 + z / 60.0)
    return signs


def flicker_times(seed: int, index: int, duration: float, flickers: bool) -> tuple[float, ...]:
    """Start times of flicker episodes: every few seconds, irregularly, for flickering signs."""
    if not flickers:
        return ()
    rng = np.random.default_rng([seed, 7002, index])
    times, t = [], float(rng.uniform(0.3, 2.5))
    while t < duration:
        times.append(round(t, 4))
        t += float(rng.uniform(2.0, 6.0))
    return tuple(times)
