"""A city skyline seen from high up across a bay: three layers of towers fading into the haze.

A futuristic style (the style's ``futuristic`` axis, or the scene's words) gives tapered
tops, spires, rings and glowing bands; every tower is mirrored in the water.
"""

from __future__ import annotations

import numpy as np

from . import draw
from .lights import Sign
from .look import mix
from .stage import Canvas

LAYERS = ((2600.0, 0.9, (120, 96, 140)), (1500.0, 0.55, (70, 58, 92)), (800.0, 0.25, (34, 30, 48)))
NEON = ((60, 230, 255), (255, 70, 190), (255, 150, 60), (150, 110, 255))


def paint_skyline(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    canvas.reflect = 0.55
    lens = canvas.lens
    canvas.ground_row = lens.ground_row(3200.0)
    water = mix(canvas.look.lit(canvas.look.sky[2]), (8, 10, 22), 0.55)
    canvas.quad(np.array([[-9000, 0, 120], [9000, 0, 120], [9000, 0, 4000], [-9000, 0, 4000]]), water)
    rng = canvas.rng(30)
    futuristic = canvas.look.futuristic
    for z, haze, tone in LAYERS:
        shore = mix(canvas.look.lit(tone), (10, 10, 16), 0.3)
        canvas.quad(np.array([[-9000, 0, z - 60], [9000, 0, z - 60], [9000, 0, z + 400], [-9000, 0, z + 400]]), shore)
        towers(canvas, rng, z, haze, tone, futuristic)
    glitter(canvas, rng)


def towers(canvas: Canvas, rng: np.random.Generator, z: float, haze: float, tone: tuple, futuristic: bool) -> None:
    look = canvas.look
    span = canvas.geometry.width / canvas.lens.f * z * 0.6
    x = -span
    while x < span:
        width = float(rng.uniform(25, 80)) * z / 1200
        height = float(rng.uniform(120, 480)) * (1.3 - 0.5 * abs(x) / span) * z / 1500
        zz = z + float(rng.uniform(-120, 120))
        colour = mix(look.lit(mix(tone, (0, 0, 0), float(rng.uniform(0, 0.25)))), look.sky[2], haze * 0.6)
        tower(canvas, rng, x, width, height, zz, colour, haze, futuristic)
        x += width * float(rng.uniform(0.8, 1.6))


def tower(
    canvas: Canvas,
    rng: np.random.Generator,
    x: float,
    width: float,
    height: float,
    z: float,
    colour: tuple,
    haze: float,
    futuristic: bool,
) -> None:
    look = canvas.look
    taper = float(rng.uniform(0.55, 0.95)) if futuristic and rng.random() < 0.6 else 1.0
    top_w = width * taper
    body = np.array(
        [[x, 0, z], [x + width, 0, z], [x + (width + top_w) / 2, height, z], [x + (width - top_w) / 2, height, z]]
    )
    canvas.both(body, colour, mix(colour, (0, 0, 0), 0.2))
    if futuristic and rng.random() < 0.45:  # spire
        cx = x + width / 2
        spire = np.array(
            [
                [cx - top_w * 0.06, height, z],
                [cx + top_w * 0.06, height, z],
                [cx, height + height * float(rng.uniform(0.12, 0.35)), z],
            ]
        )
        canvas.both(spire, colour)
        canvas.light_quad(
            np.array(
                [
                    [cx - 1.5, spire[2, 1] - 3, z - 1],
                    [cx + 1.5, spire[2, 1] - 3, z - 1],
                    [cx + 1.5, spire[2, 1], z - 1],
                    [cx - 1.5, spire[2, 1], z - 1],
                ]
            ),
            (255, 60, 60),
        )
    lit = 0.35 + 0.5 * (look.night or look.time in ("sunset", "dusk"))
    window = mix((255, 214, 150), colour, 0.35 + 0.5 * haze)
    rows = max(3, int(height / 9.0))
    for k in range(rows):
        y = height * (k + 0.5) / rows * 0.9
        frac = y / height
        w_here = width + (top_w - width) * frac
        if rng.random() < lit * 0.5:
            left = x + (width - w_here) / 2 + w_here * 0.1
            span = w_here * float(rng.uniform(0.3, 0.8))
            canvas.light_quad(
                np.array(
                    [
                        [left, y, z - 0.5],
                        [left + span, y, z - 0.5],
                        [left + span, y + 2.2, z - 0.5],
                        [left, y + 2.2, z - 0.5],
                    ]
                ),
                window,
            )
    if futuristic and rng.random() < 0.5:  # glowing band
        neon = NEON[int(rng.integers(len(NEON)))]
        y = height * float(rng.uniform(0.5, 0.9))
        w_here = width + (top_w - width) * (y / height)
        left = x + (width - w_here) / 2
        canvas.light_quad(
            np.array(
                [
                    [left, y, z - 1],
                    [left + w_here, y, z - 1],
                    [left + w_here, y + height * 0.012 + 1, z - 1],
                    [left, y + height * 0.012 + 1, z - 1],
                ]
            ),
            mix(neon, colour, 0.2 + 0.5 * haze),
        )


def glitter(canvas: Canvas, rng: np.random.Generator) -> None:
    """Sparkles of the low sun on the water below it."""
    look = canvas.look
    if look.sun_elevation is None:
        return
    lens = canvas.lens
    srng = canvas.rng(1)
    sx = lens.cx + lens.f * float(srng.uniform(-0.35, 0.35))
    top = lens.ground_row(700.0)
    bottom = canvas.base.shape[0]
    colour = mix(look.sun_rgb, look.sky[2], 0.3)
    for _ in range(int(220 * canvas.px)):
        y = float(rng.uniform(top, bottom))
        spread = (y - lens.cy) * 0.35
        x = sx + float(rng.normal(0, 1)) * spread
        half = float(rng.uniform(1.5, 6.0)) * canvas.px * (y - lens.cy) / (bottom - lens.cy)
        draw.line(canvas.base, (x - half, y), (x + half, y), colour, 1)
