"""Open landscapes: savanna, beach, forest and mountains.

Ground is painted in bands of depth (nearer is warmer and darker, farther fades into the
sky's horizon colour), then scattered scenery is drawn far to near through the lens, so
trees and grass shrink toward the horizon.
"""

from __future__ import annotations

import itertools

import numpy as np

from . import draw
from .lights import Sign
from .look import mix
from .stage import Canvas


def ground_bands(canvas: Canvas, near: tuple, far: tuple, z_far: float = 3000.0) -> None:
    """The ground plane from the camera's feet to the horizon, fading with distance."""
    look = canvas.look
    near, far = look.lit(near), mix(look.lit(far), look.sky[2], 0.45)
    zs = np.geomspace(0.5, z_far, 90)
    for k, (z0, z1) in enumerate(itertools.pairwise(zs)):
        colour = mix(near, far, (k / (len(zs) - 2)) ** 1.3)
        canvas.quad(np.array([[-9e4, 0, z0], [9e4, 0, z0], [9e4, 0, z1 * 1.01], [-9e4, 0, z1 * 1.01]]), colour)


def ridge(
    canvas: Canvas,
    rng: np.random.Generator,
    z: float,
    height: float,
    colour: tuple,
    rough: float = 0.5,
    snow: tuple | None = None,
) -> None:
    """A range of hills or mountains at distance ``z``: a random-walk skyline of peaks."""
    span = canvas.geometry.width / canvas.lens.f * z * 0.75
    xs = np.linspace(-span, span, 48)
    ys = np.abs(np.cumsum(rng.normal(0, rough, xs.size))) + rng.uniform(0.3, 1.0, xs.size) * 0.4
    ys = height * ys / max(ys.max(), 1e-6)
    outline = np.concatenate([[[xs[0], 0, z]], np.stack([xs, ys, np.full(xs.size, z)], 1), [[xs[-1], 0, z]]])
    canvas.quad(outline, colour)
    if snow is not None:
        for x, y in zip(xs[1:-1], ys[1:-1]):
            if y > 0.7 * height:
                cap = np.array(
                    [
                        [x - span / 48 * 0.8, y - 0.14 * height, z],
                        [x + span / 48 * 0.8, y - 0.14 * height, z],
                        [x, y, z],
                    ]
                )
                canvas.quad(cap, snow)


def grass(canvas: Canvas, rng: np.random.Generator, colours: list[tuple], count: int, z_max: float = 60.0) -> None:
    """Blades of grass scattered over the ground, evenly dense on screen."""
    lens = canvas.lens
    h = canvas.base.shape[0]
    rows = rng.uniform(lens.ground_row(z_max), h * 1.05, count)
    zs = np.array([lens.depth_of_row(r) for r in rows])
    xs = (rng.uniform(0, canvas.base.shape[1], count) - lens.cx) * zs / lens.f
    heights = rng.uniform(0.25, 0.7, count)
    lean = rng.normal(0, 0.12, count)
    base = np.stack([xs, np.zeros(count), zs], 1)
    tips = np.stack([xs + lean, heights, zs], 1)
    p0, _ = lens.project(base)
    p1, _ = lens.project(tips)
    segs = np.stack([p0, p1], 1)
    group = rng.integers(0, len(colours), count)
    for k, colour in enumerate(colours):
        draw.lines(canvas.base, segs[group == k], canvas.look.lit(colour), max(1, int(canvas.px)))


def acacia(canvas: Canvas, x: float, z: float, height: float, colour: tuple) -> None:
    """The flat-topped tree of the savanna."""
    lens = canvas.lens
    base, top = lens.point(x, 0, z), lens.point(x, height * 0.8, z)
    s = lens.px_per_m(z)
    draw.capsule(canvas.base, base, top, 0.18 * s, 0.1 * s, colour)
    for dx in (-1.0, 1.0):
        fork = lens.point(x + dx * height * 0.2, height * 0.92, z)
        draw.capsule(canvas.base, lens.point(x, height * 0.55, z), fork, 0.08 * s, 0.05 * s, colour)
    crown = lens.point(x, height, z)
    draw.ellipse(canvas.base, crown, (height * 0.55 * s, height * 0.11 * s), 0.0, colour)
    draw.ellipse(
        canvas.base,
        (crown[0] + 0.15 * height * s, crown[1] - 0.05 * height * s),
        (height * 0.35 * s, height * 0.09 * s),
        0.0,
        colour,
    )


def paint_savanna(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look = canvas.look
    rng = canvas.rng(40)
    ridge(canvas, rng, 6000.0, 260.0, mix(look.lit((120, 90, 110)), look.sky[2], 0.55), rough=0.4)
    ridge(canvas, rng, 3500.0, 90.0, mix(look.lit((140, 100, 70)), look.sky[2], 0.4), rough=0.3)
    ground_bands(canvas, (130, 92, 40), (226, 170, 92))
    tree = mix(look.lit((62, 52, 34)), (20, 14, 12), 0.35 if look.time == "sunset" else 0.0)
    for _ in range(round(7 * canvas.geometry.margin_x / 1.3)):
        z = float(rng.uniform(30, 260))
        x = float(rng.uniform(-1, 1)) * canvas.geometry.width / canvas.lens.f * z * 0.6
        acacia(canvas, x, z, float(rng.uniform(5, 9)), mix(tree, look.sky[2], look.haze(z) * 0.8))
    grass(canvas, rng, [(170, 128, 58), (120, 84, 38), (214, 176, 104), (96, 70, 34)], int(5000 * canvas.area))


def paint_beach(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look = canvas.look
    canvas.reflect = 0.4
    shore = 22.0
    canvas.ground_row = canvas.lens.ground_row(shore)
    sea_far, sea_near = mix(look.lit((60, 110, 150)), look.sky[2], 0.5), look.lit((30, 80, 120))
    zs = np.geomspace(shore, 5000.0, 40)
    for k, (z0, z1) in enumerate(itertools.pairwise(zs)):
        canvas.quad(
            np.array([[-9e4, 0, z0], [9e4, 0, z0], [9e4, 0, z1 * 1.01], [-9e4, 0, z1 * 1.01]]),
            mix(sea_near, sea_far, k / 38),
        )
    rng = canvas.rng(50)
    for _ in range(int(90 * canvas.area)):
        z = float(np.exp(rng.uniform(np.log(shore + 3), np.log(1500))))
        x = float(rng.uniform(-1, 1)) * canvas.geometry.width / canvas.lens.f * z * 0.6
        a, b = canvas.lens.point(x, 0, z), canvas.lens.point(x + z * 0.05, 0, z)
        draw.line(canvas.base, a, b, mix(sea_near, (255, 255, 255), 0.45), 1)
    sand = (222, 196, 150)
    for k, (z0, z1) in enumerate(zip(np.geomspace(0.5, shore, 30)[:-1], np.geomspace(0.5, shore, 30)[1:])):
        canvas.quad(
            np.array([[-9e4, 0, z0], [9e4, 0, z0], [9e4, 0, z1 * 1.01], [-9e4, 0, z1 * 1.01]]),
            mix(look.lit(sand), look.lit((170, 150, 120)), k / 28),
        )
    foam = look.lit((240, 244, 248))
    for dz in (0.0, 2.5):
        canvas.quad(
            np.array(
                [[-9e3, 0, shore - 0.8 + dz], [9e3, 0, shore - 0.8 + dz], [9e3, 0, shore + dz], [-9e3, 0, shore + dz]]
            ),
            foam,
        )


TREES: dict[str, dict] = {  # trunk, marks on the trunk, leaves, crown shape
    "broadleaf": {"trunk": (70, 52, 38), "marks": None, "leaf": (34, 80, 40), "crown": "round"},
    "birch": {"trunk": (232, 230, 222), "marks": (30, 28, 26), "leaf": (150, 170, 70), "crown": "round"},
    "pine": {"trunk": (80, 56, 40), "marks": None, "leaf": (24, 62, 40), "crown": "cone"},
    "autumn": {"trunk": (70, 52, 38), "marks": None, "leaf": (210, 110, 30), "crown": "round"},
    "maple": {"trunk": (70, 52, 38), "marks": None, "leaf": (200, 60, 30), "crown": "round"},
    "cherry": {"trunk": (70, 46, 40), "marks": None, "leaf": (245, 180, 200), "crown": "round"},
}
TREES["fir"] = TREES["spruce"] = TREES["pine"]


def forest_tree(canvas: Canvas, rng: np.random.Generator, x: float, z: float, kind: dict, height: float) -> None:
    """One tree through the lens: trunk (birch: white with dark marks), then a round or conical crown."""
    look, lens = canvas.look, canvas.lens
    haze = look.haze(z * 3) * 0.9
    trunk = mix(look.lit(kind["trunk"]), look.sky[2], haze)
    leaf = mix(look.lit(kind["leaf"]), look.sky[2], haze)
    if look.snow:
        leaf = mix(leaf, look.lit((236, 240, 248)), 0.35)
    s = lens.px_per_m(z)
    draw.capsule(canvas.base, lens.point(x, 0, z), lens.point(x, height, z), 0.2 * s, 0.09 * s, trunk)
    if kind["marks"] is not None:
        marks = mix(look.lit(kind["marks"]), look.sky[2], haze)
        for y in rng.uniform(0.3, 0.8 * height, 7):
            a, b = lens.point(x - 0.16, y, z), lens.point(x + 0.12, y + 0.05, z)
            draw.line(canvas.base, a, b, marks, max(1, int(0.06 * s)))
    if kind["crown"] == "cone":
        for k in range(3):
            y0 = height * (0.35 + 0.2 * k)
            w = (2.6 - 0.7 * k) * s
            base_l, base_r = lens.point(x, y0, z), lens.point(x, y0, z)
            tip = lens.point(x, y0 + height * 0.35, z)
            draw.poly(canvas.base, np.array([(base_l[0] - w, base_l[1]), (base_r[0] + w, base_r[1]), tip]), leaf)
        return
    spread = 0.7 if kind["marks"] is not None else 1.0  # birches are slender
    for k in range(4):
        cy = height * (0.62 + 0.1 * k)
        draw.circle(
            canvas.base, lens.point(x + float(rng.normal(0, 1.0)) * spread, cy, z), (2.6 - 0.45 * k) * s * spread, leaf
        )


def paint_forest(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look = canvas.look
    rng = canvas.rng(60)
    kind = TREES.get(canvas.scenery.get("trees") or "broadleaf", TREES["broadleaf"])
    ground_bands(canvas, (60, 70, 36), (90, 110, 70), z_far=400.0)
    trees = sorted(
        (
            (float(np.exp(rng.uniform(np.log(9), np.log(160)))), float(rng.uniform(-1, 1)))
            for _ in range(round(70 * canvas.geometry.margin_x / 1.3))
        ),
        reverse=True,
    )
    lens = canvas.lens
    for z, u in trees:
        x = u * canvas.geometry.width / lens.f * z * 0.7
        if abs(x) < 3.0 and z < 20:
            continue  # a clearing where the cast walks
        forest_tree(canvas, rng, x, z, kind, float(rng.uniform(12, 22)))
    count = int((600 if look.snow else 2500) * canvas.area)
    grass(canvas, rng, [(50, 90, 40), (70, 110, 50), (40, 70, 30)], count, z_max=30.0)


def paint_mountain(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    look = canvas.look
    rng = canvas.rng(70)
    snow = look.lit((240, 244, 250))
    ridge(
        canvas, rng, 20000.0, 4200.0, mix(look.lit((110, 120, 150)), look.sky[2], 0.5), 0.6, mix(snow, look.sky[2], 0.3)
    )
    ridge(canvas, rng, 9000.0, 1800.0, mix(look.lit((80, 95, 110)), look.sky[2], 0.35), 0.6, snow)
    ridge(canvas, rng, 3000.0, 380.0, mix(look.lit((60, 80, 60)), look.sky[2], 0.25), 0.5)
    ground_bands(canvas, (86, 110, 60), (120, 140, 90), z_far=2500.0)
    grass(canvas, rng, [(80, 120, 50), (110, 140, 70), (70, 95, 45)], int(2500 * canvas.area), z_max=40.0)
