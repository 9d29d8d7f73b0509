"""The city street: facades in one-point perspective, windows, shop fronts, neon, pavement.

Everything is a world-space quad through the stage lens, drawn far to near, so facades
converge on the vanishing point and every light also lands, mirrored, in the reflection
layer that a wet street shows.
"""

from __future__ import annotations

import numpy as np

from . import draw
from .lights import FACADE_X, ROAD_X, Sign
from .look import mix
from .stage import Canvas

FAR_Z = 170.0
NEAR_Z = 0.6
FLOOR = 3.3


def paint_city(canvas: Canvas, signs: list[Sign]) -> None:
    canvas.sky()
    rng = canvas.rng(10)
    far_skyline(canvas, rng)
    ground(canvas)
    buildings = [(side, b) for side in (-1.0, 1.0) for b in plan_buildings(rng)]
    buildings.sort(key=lambda item: -item[1][0])
    lit = canvas.look.windows
    for side, (z0, z1, height, tone) in buildings:
        building(canvas, side, z0, z1, height, tone, lit, rng)
    lamps(canvas)
    for sign in sorted(signs, key=lambda s: -s.corners[:, 2].mean()):
        neon_sign(canvas, sign)


def shade(canvas: Canvas, colour: tuple, z: float) -> tuple:
    """A surface colour under the ambient light, fading into the distance."""
    return mix(canvas.look.lit(colour), canvas.look.sky[2], canvas.look.haze(z) * 0.8)


def plan_buildings(rng: np.random.Generator) -> list[tuple[float, float, float, tuple]]:
    out, z = [], NEAR_Z - 4.0
    while z < FAR_Z:
        length = float(rng.uniform(6.0, 16.0))
        height = float(rng.uniform(9.0, 34.0))
        base = int(rng.integers(38, 88))
        tone = (base + int(rng.integers(-8, 10)), base + int(rng.integers(-6, 6)), base + int(rng.integers(0, 18)))
        out.append((z, z + length, height, tone))
        z += length
    return out


def far_skyline(canvas: Canvas, rng: np.random.Generator) -> None:
    """The buildings closing the end of the street."""
    x = -40.0
    while x < 40.0:
        width = float(rng.uniform(5.0, 14.0))
        height = float(rng.uniform(20.0, 70.0))
        tone = shade(canvas, (50, 52, 64), FAR_Z)
        canvas.quad(
            np.array([[x, 0, FAR_Z], [x + width, 0, FAR_Z], [x + width, height, FAR_Z], [x, height, FAR_Z]]), tone
        )
        for wy in np.arange(4.0, height - 2.0, FLOOR):
            for wx in np.arange(x + 1.0, x + width - 1.0, 2.5):
                if rng.random() < canvas.look.windows * 0.8:
                    quad = np.array(
                        [[wx, wy, FAR_Z], [wx + 1.2, wy, FAR_Z], [wx + 1.2, wy + 1.6, FAR_Z], [wx, wy + 1.6, FAR_Z]]
                    )
                    canvas.quad(quad, mix((255, 200, 130), tone, 0.45))
        x += width


def ground(canvas: Canvas) -> None:
    look = canvas.look
    wet = look.wet > 0
    road = (34, 36, 44) if look.night else (78, 78, 84)
    walk = (58, 58, 64) if look.night else (130, 126, 120)
    if wet:
        road, walk = mix(road, (10, 12, 18), 0.45), mix(walk, (14, 16, 22), 0.45)
    z0, z1 = NEAR_Z, FAR_Z
    canvas.quad(np.array([[-60, 0, z0], [60, 0, z0], [60, 0, z1], [-60, 0, z1]]), canvas.look.lit(walk))
    canvas.quad(np.array([[-ROAD_X, 0, z0], [ROAD_X, 0, z0], [ROAD_X, 0, z1], [-ROAD_X, 0, z1]]), canvas.look.lit(road))
    kerb = canvas.look.lit(mix(walk, (200, 200, 200), 0.25))
    for side in (-1.0, 1.0):
        x = side * ROAD_X
        canvas.quad(
            np.array([[x - 0.12, 0.0, z0], [x + 0.12, 0.0, z0], [x + 0.12, 0.0, z1], [x - 0.12, 0.0, z1]]), kerb
        )
    paint = canvas.look.lit((170, 168, 160) if not wet else (120, 120, 118))
    for z in np.arange(2.0, z1, 9.0):
        canvas.quad(np.array([[-0.1, 0, z], [0.1, 0, z], [0.1, 0, z + 4.0], [-0.1, 0, z + 4.0]]), paint)
    for x in np.arange(-ROAD_X + 0.5, ROAD_X - 0.4, 1.1):  # a zebra crossing
        canvas.quad(np.array([[x, 0, 14.0], [x + 0.6, 0, 14.0], [x + 0.6, 0, 17.5], [x, 0, 17.5]]), paint)
    if wet:
        puddles(canvas)


def puddles(canvas: Canvas) -> None:
    """Dark glossy patches, so the reflections break up like a real wet street."""
    rng = canvas.rng(11)
    for _ in range(40):
        x, z = float(rng.uniform(-FACADE_X, FACADE_X)), float(rng.uniform(2.0, 50.0))
        w, d = float(rng.uniform(0.6, 2.5)), float(rng.uniform(0.6, 3.0))
        ring_pts = np.array([[x + w * np.cos(a), 0.0, z + d * np.sin(a)] for a in np.linspace(0, 2 * np.pi, 14)])
        canvas.quad(ring_pts, canvas.look.lit((12, 14, 20)))


def building(
    canvas: Canvas, side: float, z0: float, z1: float, height: float, tone: tuple, lit: float, rng: np.random.Generator
) -> None:
    x = side * FACADE_X
    outer = side * (FACADE_X + 14.0)
    zc = max(z0, NEAR_Z)
    if z1 <= NEAR_Z:
        return
    front = shade(canvas, mix(tone, (0, 0, 0), 0.35), zc)
    canvas.quad(np.array([[x, 0, zc], [outer, 0, zc], [outer, height, zc], [x, height, zc]]), front)
    face = shade(canvas, tone, (zc + z1) / 2)
    canvas.quad(np.array([[x, 0, zc], [x, 0, z1], [x, height, z1], [x, height, zc]]), face)
    cornice = shade(canvas, mix(tone, (200, 200, 200), 0.2), (zc + z1) / 2)
    canvas.quad(np.array([[x, height - 0.5, zc], [x, height - 0.5, z1], [x, height, z1], [x, height, zc]]), cornice)
    windows(canvas, x, zc, z1, height, tone, lit, rng)
    shopfront(canvas, x, zc, z1, rng)


def windows(
    canvas: Canvas, x: float, z0: float, z1: float, height: float, tone: tuple, lit: float, rng: np.random.Generator
) -> None:
    warm = [(255, 206, 140), (255, 232, 180), (190, 220, 255), (255, 180, 120)]
    dark = shade(canvas, mix(tone, (10, 14, 26), 0.6), (z0 + z1) / 2)
    px_per_m = canvas.lens.px_per_m((z0 + z1) / 2)
    if px_per_m * 1.2 < 1.0:
        return
    unlit: list[np.ndarray] = []
    for wy in np.arange(FLOOR + 1.0, height - 1.5, FLOOR):
        for wz in np.arange(z0 + 0.8, z1 - 1.4, 2.3):
            quad = np.array([[x, wy, wz], [x, wy, wz + 1.3], [x, wy + 1.7, wz + 1.3], [x, wy + 1.7, wz]])
            if rng.random() < lit:
                colour = mix(warm[int(rng.integers(len(warm)))], dark, float(rng.uniform(0.35, 0.75)))
                canvas.light_quad(quad, colour)
            else:
                unlit.append(canvas.lens.project(quad)[0])
    draw.polys(canvas.base, unlit, dark)


def shopfront(canvas: Canvas, x: float, z0: float, z1: float, rng: np.random.Generator) -> None:
    """Lit ground-floor shop windows: the street's own light at night."""
    if z1 - z0 < 3.0:
        return
    look = canvas.look
    glow = [(255, 200, 140), (240, 225, 205), (180, 210, 245), (255, 170, 130)][int(rng.integers(4))]
    glow = mix(glow, (40, 30, 36), float(rng.uniform(0.35, 0.7)))
    frame = shade(canvas, (24, 22, 26), z0)
    canvas.quad(np.array([[x, 0.0, z0], [x, 0.0, z1], [x, 3.0, z1], [x, 3.0, z0]]), frame)
    for za in np.arange(z0 + 0.6, z1 - 1.8, 2.6):
        quad = np.array([[x, 0.45, za], [x, 0.45, za + 2.0], [x, 2.4, za + 2.0], [x, 2.4, za]])
        if look.night or look.time == "sunset":
            canvas.light_quad(quad, glow)
        else:
            canvas.quad(quad, look.lit((60, 70, 84)))
    za, zb = z0 + 0.6, z1 - 0.6
    awning = look.lit([(150, 30, 40), (30, 60, 110), (60, 60, 60), (140, 100, 40)][int(rng.integers(4))])
    side = np.sign(x)
    canvas.quad(np.array([[x, 2.9, za], [x, 2.9, zb], [x - side * 1.1, 2.5, zb], [x - side * 1.1, 2.5, za]]), awning)


def lamps(canvas: Canvas) -> None:
    pole = canvas.look.lit((40, 42, 46))
    for z in np.arange(6.0, 120.0, 16.0):
        for side in (-1.0, 1.0):
            x = side * (ROAD_X + 0.35)
            a, _ = canvas.lens.project(np.array([[x, 0.0, z], [x, 5.2, z]]))
            width = max(1, round(0.14 * canvas.lens.px_per_m(z)))
            draw.line(canvas.base, a[0], a[1], pole, width)
            arm = np.array([[x, 5.2, z], [x - side * 1.2, 5.4, z]])
            b, _ = canvas.lens.project(arm)
            draw.line(canvas.base, b[0], b[1], pole, width)
            head = np.array(
                [
                    [x - side * 1.0, 5.3, z - 0.1],
                    [x - side * 1.5, 5.3, z - 0.1],
                    [x - side * 1.5, 5.1, z + 0.1],
                    [x - side * 1.0, 5.1, z + 0.1],
                ]
            )
            lamp = (255, 220, 170) if canvas.look.warm_lights or not canvas.look.night else (220, 235, 255)
            if canvas.look.night or canvas.look.time in ("dusk", "sunset"):
                canvas.light_quad(head, lamp)
                c, _ = canvas.lens.project(np.array([x - side * 1.25, 5.2, z]))
                draw.glow(canvas.emissive, c, 0.8 * canvas.lens.px_per_m(z), lamp, 0.7)


def neon_sign(canvas: Canvas, sign: Sign) -> None:
    """A dark panel with a glowing border and glowing glyph strokes."""
    c = sign.corners
    z = float(c[:, 2].mean())
    flick = bool(sign.flickers)
    canvas.quad(c, shade(canvas, (18, 16, 22), z))
    border = sign.colour
    pts, _ = canvas.lens.project(c)
    width = max(1, round(0.09 * canvas.lens.px_per_m(z)))
    closed = np.concatenate([pts, pts[:1]])
    segs = np.stack([closed[:-1], closed[1:]], 1)
    for layer in (canvas.base, canvas.flicker_layer("emissive") if flick else canvas.emissive):
        draw.lines(layer, segs, border, width)
    mirrored = c * np.array([1.0, -1.0, 1.0])
    mp, _ = canvas.lens.project(mirrored)
    draw.poly(canvas.flicker_layer("mirror") if flick else canvas.mirror, mp, mix(border, (0, 0, 0), 0.3))
    glyphs(canvas, sign, width, flick)


def glyphs(canvas: Canvas, sign: Sign, width: int, flick: bool) -> None:
    """Character-like strokes laid out along the sign's long side."""
    rng = np.random.default_rng(sign.glyph_seed)
    c = sign.corners
    origin, along, up = c[0], c[1] - c[0], c[3] - c[0]
    vertical = np.linalg.norm(up) > np.linalg.norm(along)
    long_axis, short_axis = (up, along) if vertical else (along, up)
    n = max(2, int(np.linalg.norm(long_axis) / max(np.linalg.norm(short_axis), 0.3)))
    text = mix(sign.colour, (255, 255, 255), 0.55)
    segs = []
    for k in range(n):
        cell0 = origin + long_axis * (k + 0.18) / n + short_axis * 0.2
        for _ in range(int(rng.integers(2, 5))):
            a, b = rng.uniform(0, 1, 2), rng.uniform(0, 1, 2)
            if rng.random() < 0.5:
                b[1] = a[1]
            else:
                b[0] = a[0]
            p = cell0 + long_axis * (a[0] * 0.64 / n) + short_axis * (a[1] * 0.6)
            q = cell0 + long_axis * (b[0] * 0.64 / n) + short_axis * (b[1] * 0.6)
            segs.append([p, q])
    pts, _ = canvas.lens.project(np.array(segs))
    for layer in (canvas.base, canvas.flicker_layer("emissive") if flick else canvas.emissive):
        draw.lines(layer, pts, text, width)
