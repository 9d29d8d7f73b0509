"""More places: desert, snowfield, lake, park, farm, bridge, market, underwater, sky and space.

Each painter follows ``landscapes.py``: the sky, then the ground in bands of depth, then
scenery far to near through the lens, so that sizes and haze follow distance. Colours go
through the look (time of day, weather), so a snowfield at dusk is blue-grey, a desert at
sunset orange.
"""

from __future__ import annotations

import itertools

import numpy as np

from . import draw
from .landscapes import grass, ground_bands, ridge
from .lights import Sign
from .look import mix
from .stage import Canvas


def band(canvas: Canvas, z0: float, z1: float, near: tuple, far: tuple, steps: int = 30) -> None:
    """A strip of ground (or water) from depth ``z0`` to ``z1``, fading from ``near`` to ``far``."""
    zs = np.geomspace(z0, z1, steps)
    for k, (a, b) in enumerate(itertools.pairwise(zs)):
        colour = mix(near, far, k / max(1, steps - 2))
        canvas.quad(np.array([[-9e4, 0, a], [9e4, 0, a], [9e4, 0, b * 1.01], [-9e4, 0, b * 1.01]]), colour)


def water(canvas: Canvas, z0: float, z1: float, colour: tuple) -> None:
    """Open water with glints, reflecting the sky (the stage adds the mirror layer)."""
    look = canvas.look
    near, far = look.lit(colour), mix(look.lit(mix(colour, (200, 220, 235), 0.3)), look.sky[2], 0.5)
    band(canvas, z0, z1, near, far, 36)
    canvas.reflect = max(canvas.reflect, 0.45)
    canvas.ground_row = canvas.lens.ground_row(z0)
    rng = canvas.rng(90)
    for _ in range(int(70 * canvas.area)):
        z = float(np.exp(rng.uniform(np.log(z0 + 1), np.log(z1))))
        x = float(rng.uniform(-1, 1)) * canvas.geometry.width / canvas.lens.f * z * 0.6
        a, b = canvas.lens.point(x, 0, z), canvas.lens.point(x + z * 0.04, 0, z)
        draw.line(canvas.base, a, b, mix(near, (255, 255, 255), 0.4), 1)


def round_tree(canvas: Canvas, x: float, z: float, height: float, leaf: tuple, trunk: tuple) -> None:
    lens = canvas.lens
    s = lens.px_per_m(z)
    draw.capsule(canvas.base, lens.point(x, 0, z), lens.point(x, 0.6 * height, z), 0.14 * s, 0.1 * s, trunk)
    draw.circle(canvas.base, lens.point(x, 0.68 * height, z), 0.36 * height * s, leaf)
    draw.circle(
        canvas.base,
        lens.point(x - 0.12 * height, 0.78 * height, z),
        0.22 * height * s,
        mix(leaf, (255, 255, 255), 0.12),
    )


def scatter(canvas: Canvas, rng: np.random.Generator, n: int, z0: float, z1: float, keep_clear: float = 2.5):
    """(x, z) pairs far to near across the stage, leaving the middle of the near ground clear for the cast."""
    out = []
    for _ in range(n):
        z = float(np.exp(rng.uniform(np.log(z0), np.log(z1))))
        x = float(rng.uniform(-1, 1)) * canvas.geometry.width / canvas.lens.f * z * 0.65
        if abs(x) < keep_clear and z < 25:
            x += np.sign(x or 1.0) * keep_clear
        out.append((x, z))
    return sorted(out, key=lambda p: -p[1])


def paint_desert(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look, rng = canvas.look, canvas.rng(100)
    ridge(canvas, rng, 5000.0, 160.0, mix(look.lit((200, 150, 100)), look.sky[2], 0.5), rough=0.3)
    ridge(canvas, rng, 1500.0, 40.0, mix(look.lit((226, 176, 110)), look.sky[2], 0.3), rough=0.25)
    ground_bands(canvas, (214, 168, 104), (240, 206, 150))
    ripple = mix(look.lit((190, 140, 84)), look.sky[2], 0.2)
    for x, z in scatter(canvas, rng, int(60 * canvas.area), 6, 400):
        a, b = canvas.lens.point(x, 0, z), canvas.lens.point(x + 0.25 * z**0.5, 0, z)
        draw.line(canvas.base, a, b, ripple, 1)


def paint_snowfield(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look, rng = canvas.look, canvas.rng(110)
    snow = look.lit((240, 244, 250))
    ridge(
        canvas, rng, 9000.0, 900.0, mix(look.lit((150, 165, 190)), look.sky[2], 0.45), 0.6, mix(snow, look.sky[2], 0.2)
    )
    snow_near, snow_far = look.lit((236, 240, 248), 0.6), mix(look.lit((214, 224, 240), 0.6), look.sky[2], 0.4)
    band(canvas, 0.5, 3000.0, snow_near, snow_far, 60)  # snow throws back even moonlight
    pine = mix(look.lit((40, 60, 50)), look.sky[2], 0.3)
    for x, z in scatter(canvas, rng, int(14 * canvas.area), 60, 500, keep_clear=8.0):
        lens, s = canvas.lens, canvas.lens.px_per_m(z)
        h = float(rng.uniform(6, 12))
        draw.poly(
            canvas.base,
            np.array([lens.point(x - 0.25 * h, 0, z), lens.point(x + 0.25 * h, 0, z), lens.point(x, h, z)]),
            mix(pine, look.sky[2], look.haze(z)),
        )
        del s


def paint_lake(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look, rng = canvas.look, canvas.rng(120)
    far_shore = 400.0
    ridge(canvas, rng, 3000.0, 180.0, mix(look.lit((70, 95, 80)), look.sky[2], 0.45), rough=0.4)
    band(
        canvas,
        far_shore,
        3000.0,
        mix(look.lit((50, 80, 50)), look.sky[2], 0.4),
        mix(look.lit((60, 90, 60)), look.sky[2], 0.6),
        8,
    )
    for x, z in scatter(canvas, rng, int(50 * canvas.area), far_shore, far_shore * 1.3):
        round_tree(
            canvas,
            x,
            z,
            float(rng.uniform(10, 18)),
            mix(look.lit((40, 90, 50)), look.sky[2], 0.45),
            mix(look.lit((60, 50, 40)), look.sky[2], 0.45),
        )
    water(canvas, 14.0, far_shore, (40, 90, 120))
    band(canvas, 0.5, 14.0, look.lit((80, 110, 50)), look.lit((120, 130, 80)), 20)
    grass(canvas, rng, [(70, 110, 50), (90, 130, 60)], int(900 * canvas.area), z_max=12.0)


def paint_park(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look, rng = canvas.look, canvas.rng(130)
    ridge(canvas, rng, 2500.0, 60.0, mix(look.lit((70, 110, 70)), look.sky[2], 0.5), rough=0.3)
    ground_bands(canvas, (76, 138, 60), (120, 170, 90), z_far=1500.0)
    path = look.lit((196, 180, 150))
    canvas.quad(np.array([[-1.2, 0, 0.5], [1.2, 0, 0.5], [1.2, 0, 400], [-1.2, 0, 400]]), path)
    leaf, trunk = look.lit((50, 120, 56)), look.lit((92, 66, 44))
    for x, z in scatter(canvas, rng, int(26 * canvas.area), 10, 200, keep_clear=5.0):
        haze = look.haze(z)
        round_tree(canvas, x, z, float(rng.uniform(6, 11)), mix(leaf, look.sky[2], haze), mix(trunk, look.sky[2], haze))
    grass(canvas, rng, [(70, 130, 56), (96, 150, 70)], int(500 * canvas.area), z_max=40.0)


def paint_farm(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look, rng = canvas.look, canvas.rng(140)
    ridge(canvas, rng, 3000.0, 120.0, mix(look.lit((90, 120, 70)), look.sky[2], 0.5), rough=0.35)
    ground_bands(canvas, (110, 130, 60), (170, 170, 100), z_far=2000.0)
    crops = [look.lit(c) for c in ((120, 150, 60), (200, 180, 90), (100, 130, 50), (180, 160, 80))]
    for k, x0 in enumerate(np.arange(-200.0, 200.0, 9.0)):
        canvas.quad(np.array([[x0, 0, 20], [x0 + 9, 0, 20], [x0 + 9, 0, 900], [x0, 0, 900]]), crops[k % 4])
    barn, roof = look.lit((170, 40, 36)), look.lit((70, 60, 60))
    bx, bz = 30.0, 160.0
    canvas.quad(np.array([[bx, 0, bz], [bx + 14, 0, bz], [bx + 14, 8, bz], [bx, 8, bz]]), barn)
    canvas.quad(np.array([[bx - 1, 8, bz], [bx + 15, 8, bz], [bx + 7, 13, bz]]), roof)
    post = look.lit((110, 84, 60))
    for x in np.arange(-60.0, 60.0, 3.0):
        a, b = canvas.lens.point(x, 0, 18.0), canvas.lens.point(x, 1.1, 18.0)
        draw.line(canvas.base, a, b, post, max(1, int(canvas.px)))
    rail = canvas.lens.project(np.array([[-60, 0.9, 18.0], [60, 0.9, 18.0]]))[0]
    draw.line(canvas.base, rail[0], rail[1], post, max(1, int(canvas.px)))


def paint_bridge(canvas: Canvas, signs: list[Sign]) -> None:
    """On a long bridge over water: the deck into the distance, railings, far shore and hills."""
    canvas.sky()
    look, rng = canvas.look, canvas.rng(150)
    ridge(canvas, rng, 4000.0, 200.0, mix(look.lit((90, 100, 120)), look.sky[2], 0.5), rough=0.4)
    water(canvas, 0.5, 4000.0, (40, 80, 110))
    canvas.ground_row = canvas.lens.cy
    deck = look.lit((120, 118, 115))
    canvas.quad(np.array([[-5, 0, 0.5], [5, 0, 0.5], [5, 0, 900], [-5, 0, 900]]), deck)
    line = look.lit((230, 220, 160))
    canvas.quad(np.array([[-0.08, 0, 0.5], [0.08, 0, 0.5], [0.08, 0, 900], [-0.08, 0, 900]]), line)
    steel = look.lit((150, 60, 50))
    for side in (-5.0, 5.0):
        canvas.quad(np.array([[side, 1.0, 0.5], [side, 1.0, 900], [side, 1.15, 900], [side, 1.15, 0.5]]), steel)
        for z in np.geomspace(2.0, 600.0, 40):
            a, b = canvas.lens.point(side, 0, z), canvas.lens.point(side, 1.0, z)
            draw.line(canvas.base, a, b, steel, max(1, int(canvas.px)))
        for z in (60.0, 260.0):  # towers with cables
            canvas.quad(
                np.array([[side - 0.6, 0, z], [side + 0.6, 0, z], [side + 0.6, 40, z], [side - 0.6, 40, z]]), steel
            )


def paint_market(canvas: Canvas, signs: list[Sign]) -> None:
    """A market street: paving, stalls with striped awnings on both sides, houses behind."""
    canvas.sky()
    look, rng = canvas.look, canvas.rng(160)
    ground_bands(canvas, (150, 140, 125), (180, 170, 155), z_far=600.0)
    wall = [look.lit(c) for c in ((190, 160, 130), (170, 150, 140), (200, 180, 150))]
    awnings = [look.lit(c) for c in ((200, 50, 50), (40, 110, 170), (230, 180, 40), (60, 150, 80))]
    for k, z in enumerate(np.arange(90.0, 4.0, -5.0)):
        for side in (-1.0, 1.0):
            x0, x1 = side * 4.0, side * 7.5
            canvas.quad(np.array([[x1, 0, z], [x1, 0, z + 5], [x1, 9, z + 5], [x1, 9, z]]), wall[(k + int(side)) % 3])
            canvas.quad(
                np.array([[x0, 0.9, z + 0.3], [x0, 0.9, z + 4.5], [x1, 0.9, z + 4.5], [x1, 0.9, z + 0.3]]),
                look.lit((120, 90, 60)),
            )
            colour = awnings[int(rng.integers(len(awnings)))]
            canvas.quad(
                np.array([[x0, 2.4, z + 0.2], [x0, 2.4, z + 4.6], [x1, 3.0, z + 4.6], [x1, 3.0, z + 0.2]]), colour
            )
            for j in range(3):
                fz = z + 0.8 + 1.3 * j
                fruit = awnings[(j + k) % 4]
                canvas.quad(
                    np.array(
                        [
                            [x0, 1.0, fz],
                            [x0, 1.0, fz + 0.8],
                            [x0 + side * 0.8, 1.25, fz + 0.8],
                            [x0 + side * 0.8, 1.25, fz],
                        ]
                    ),
                    fruit,
                )


def paint_underwater(canvas: Canvas, signs: list[Sign]) -> None:
    """Blue depths: a gradient to a bright surface above, sun rays, a sandy floor, weed, bubbles."""
    look = canvas.look
    h = canvas.base.shape[0]
    rows = np.arange(h, dtype=np.float32)[:, None] / h
    top, deep = np.array(look.lit((70, 170, 200), 0.4), np.float32), np.array(look.lit((8, 40, 80), 0.2), np.float32)
    canvas.base[:] = np.clip(top + (deep - top) * np.sqrt(rows), 0, 255).astype(np.uint8)[:, None, :]
    rng = canvas.rng(170)
    w = canvas.base.shape[1]
    for _ in range(6):
        x = float(rng.uniform(0, w))
        ray = np.array(
            [[x - 0.02 * w, 0], [x + 0.02 * w, 0], [x + 0.09 * w, canvas.lens.cy], [x + 0.03 * w, canvas.lens.cy]]
        )
        draw.poly(canvas.emissive, ray, (20, 60, 70))
        draw.poly(canvas.base, ray, tuple(int(v) for v in np.clip(top * 0.9 + 30, 0, 255)))
    band(
        canvas,
        0.5,
        300.0,
        look.lit((180, 165, 120), 0.2),
        mix(look.lit((40, 80, 100), 0.2), tuple(int(v) for v in deep), 0.6),
        30,
    )
    weed = look.lit((40, 120, 70), 0.2)
    for x, z in scatter(canvas, rng, int(40 * canvas.area), 4, 80):
        a = canvas.lens.point(x, 0, z)
        for k in range(3):
            b = canvas.lens.point(x + 0.3 * np.sin(k), 1.5 + 0.8 * k, z)
            draw.line(
                canvas.base,
                a,
                b,
                mix(weed, tuple(int(v) for v in deep), look.haze(z * 4)),
                max(1, int(canvas.lens.px_per_m(z) * 0.08)),
            )
    for _ in range(int(60 * canvas.area)):
        p = (float(rng.uniform(0, w)), float(rng.uniform(0, h * 0.8)))
        draw.ring(canvas.base, p, (2.0 * canvas.px, 2.0 * canvas.px), (200, 230, 240), 1)


def paint_sky(canvas: Canvas, signs: list[Sign]) -> None:
    """Up among the clouds: the sky all round and a sea of cloud below the horizon."""
    canvas.sky()
    look, rng = canvas.look, canvas.rng(180)
    cloud = look.lit((246, 246, 250))
    band(canvas, 0.5, 4000.0, mix(cloud, look.sky[1], 0.1), mix(cloud, look.sky[2], 0.5), 20)
    w = canvas.base.shape[1]
    for _ in range(int(16 * canvas.area)):
        x, y = float(rng.uniform(0, w)), float(rng.uniform(0.05, 0.95) * canvas.lens.cy)
        size = float(rng.uniform(0.04, 0.12)) * w
        for k in range(4):
            draw.ellipse(
                canvas.base,
                (x + (k - 1.5) * 0.4 * size, y - (k % 2) * 0.2 * size),
                (0.5 * size, 0.3 * size),
                0.0,
                mix(cloud, look.sky[1], 0.08 * k),
            )


def paint_space(canvas: Canvas, signs: list[Sign]) -> None:
    """Black space with stars, a glowing nebula and a planet."""
    h, w = canvas.base.shape[:2]
    canvas.base[:] = (4, 4, 12)
    rng = canvas.rng(190)
    draw.glow(canvas.emissive, (0.3 * w, 0.35 * h), 0.35 * w, (80, 30, 110), 0.6)
    draw.glow(canvas.base, (0.3 * w, 0.35 * h), 0.35 * w, (60, 24, 90), 0.6)
    for x, y, v in zip(
        rng.uniform(0, w, int(w * h / 900)), rng.uniform(0, h, int(w * h / 900)), rng.uniform(90, 255, int(w * h / 900))
    ):
        draw.circle(canvas.base, (x, y), 0.7 * canvas.px, (int(v), int(v), int(min(255, v * 1.05))))
    centre, radius = (0.72 * w, 0.85 * h), 0.32 * h
    draw.circle(canvas.base, centre, radius, (60, 110, 170))
    draw.circle(canvas.base, (centre[0] + 0.25 * radius, centre[1] + 0.2 * radius), 0.95 * radius, (20, 40, 70))
    draw.ring(canvas.base, centre, (1.5 * radius, 0.25 * radius), (180, 170, 140), max(1, int(2 * canvas.px)))
