"""Background painters by setting, and the generic fallback for settings without their own."""

from __future__ import annotations

import numpy as np

from . import draw
from .city import paint_city
from .landscapes import paint_beach, paint_forest, paint_mountain, paint_savanna
from .lights import Sign
from .look import mix
from .places import (
    paint_bridge,
    paint_desert,
    paint_farm,
    paint_lake,
    paint_market,
    paint_park,
    paint_sky,
    paint_snowfield,
    paint_space,
    paint_underwater,
)
from .skyline import paint_skyline
from .stage import Canvas, Painter


def paint_generic(canvas: Canvas, signs: list[Sign]) -> None:
    """Sky over an open plain with a faint perspective grid: a neutral stage for any scene."""
    canvas.sky()
    look = canvas.look
    near, far = look.lit((96, 104, 92)), mix(look.lit((120, 126, 118)), look.sky[2], 0.5)
    for z0 in np.geomspace(0.8, 400.0, 60)[:-1]:
        z1 = z0 * 1.12
        colour = mix(near, far, min(1.0, np.log(z0 / 0.8) / np.log(500.0)))
        canvas.quad(np.array([[-900, 0, z0], [900, 0, z0], [900, 0, z1], [-900, 0, z1]]), colour)
    grid = mix(near, (0, 0, 0), 0.25)
    for x in np.arange(-40.0, 41.0, 4.0):
        canvas.quad(np.array([[x - 0.04, 0, 1.0], [x + 0.04, 0, 1.0], [x + 0.04, 0, 200], [x - 0.04, 0, 200]]), grid)


def paint_interior(canvas: Canvas, signs: list[Sign]) -> None:
    """A room: back wall with a window on the time of day, side walls, wooden floor, a glowing lamp."""
    look = canvas.look
    lit = look.lit
    wall, side, floor = lit((176, 160, 140)), lit((150, 134, 116)), lit((120, 84, 54))
    w, d, h = 4.5, 9.0, 3.2
    canvas.base[:] = lit((200, 196, 190))
    canvas.quad(np.array([[-w, 0, d], [w, 0, d], [w, h, d], [-w, h, d]]), wall)
    for sx in (-1.0, 1.0):
        canvas.quad(np.array([[sx * w, 0, 0.3], [sx * w, 0, d], [sx * w, h, d], [sx * w, h, 0.3]]), side)
    canvas.quad(np.array([[-w, 0, 0.3], [w, 0, 0.3], [w, 0, d], [-w, 0, d]]), floor)
    canvas.quad(np.array([[-w, h, 0.3], [w, h, 0.3], [w, h, d], [-w, h, d]]), lit((215, 210, 204)))
    seam = mix(floor, (0, 0, 0), 0.3)
    for x in np.arange(-w, w, 0.5):
        canvas.quad(np.array([[x, 0, 0.3], [x + 0.03, 0, 0.3], [x + 0.03, 0, d], [x, 0, d]]), seam)
    sky = look.sky
    canvas.quad(np.array([[-1.6, 0.9, d], [1.6, 0.9, d], [1.6, 2.5, d], [-1.6, 2.5, d]]), lit((70, 60, 50)))
    canvas.quad(np.array([[-1.5, 1.0, d], [0.0, 1.0, d], [0.0, 2.4, d], [-1.5, 2.4, d]]), mix(sky[2], sky[1], 0.3))
    canvas.quad(np.array([[0.05, 1.0, d], [1.5, 1.0, d], [1.5, 2.4, d], [0.05, 2.4, d]]), mix(sky[2], sky[1], 0.3))
    shade = np.array([[2.6, 1.5, d - 0.6], [3.4, 1.5, d - 0.6], [3.2, 2.0, d - 0.6], [2.8, 2.0, d - 0.6]])
    canvas.light_quad(shade, (255, 210, 150))
    post = canvas.lens.project(np.array([[3.0, 0.0, d - 0.6], [3.0, 1.5, d - 0.6]]))[0]
    draw.line(canvas.base, post[0], post[1], lit((40, 36, 32)), max(1, int(canvas.px * 2)))
    canvas.ground_row = canvas.lens.cy


PAINTERS: dict[str, Painter] = {
    "city_street": paint_city,
    "savanna": paint_savanna,
    "skyline": paint_skyline,
    "beach": paint_beach,
    "forest": paint_forest,
    "mountain": paint_mountain,
    "interior": paint_interior,
    "desert": paint_desert,
    "snowfield": paint_snowfield,
    "lake": paint_lake,
    "park": paint_park,
    "farm": paint_farm,
    "bridge": paint_bridge,
    "market": paint_market,
    "underwater": paint_underwater,
    "sky": paint_sky,
    "space": paint_space,
    "generic": paint_generic,
}


def painter_for(setting: str) -> Painter:
    return PAINTERS.get(setting, paint_generic)
