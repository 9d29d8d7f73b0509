"""Objects by silhouette: kites, balloons, balls, umbrellas, boats, bags and boxes.

An entity that is neither a person, an animal nor a car is drawn by the shape its word names
(``SHAPES``); a word with no shape of its own falls back to a labelled rounded box, and the
render plan says so in its warnings. A held or flown thing carries a ``tether`` (the vector from
it to its holder's hand), drawn as a string or a handle.
"""

from __future__ import annotations

import numpy as np

from . import draw
from .lens import NEAR, Lens
from .look import mix
from .plan import Placed
from .props import draw_generic
from .shapes import SHAPES, shape_of  # noqa: F401  (re-exported for callers that draw)


def thing_colours(shade, look: dict) -> dict:
    colour = look.get("colour", (170, 150, 200))
    return {
        "main": shade(colour),
        "edge": shade(mix(colour, (0, 0, 0), 0.45)),
        "light": shade(mix(colour, (255, 255, 255), 0.35)),
        "glow": shade(colour, 1.0),
        "string": shade((235, 235, 235)),
        "text": shade((250, 250, 250), 1.0),
        "trunk": shade((80, 58, 40)),
        "leaf": shade(mix(colour, (20, 60, 25), 0.3)),
    }


def draw_thing(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    """Draw by silhouette: the shape its word names, else the labelled box."""
    shape = placed.actor.look.get("shape")
    painter = PAINTERS.get(shape or "")
    if painter is None:
        draw_generic(img, lens, placed, pos, t, c, mirror)
        return
    if pos[2] < NEAR + 0.3 or mirror:
        return
    scale = lens.px_per_m(float(pos[2]))
    h, w = placed.actor.height * scale, placed.actor.width * scale
    if max(h, w) < 2:
        return
    x, y = lens.point(pos[0], pos[1], pos[2])  # the bottom centre
    if placed.tether is not None:
        hand = pos + np.asarray(placed.tether)
        hx, hy = lens.point(*hand)
        anchor = (x, y - 0.1 * h) if shape == "kite" else (x, y)
        draw.line(img, anchor, (hx, hy), c["string"], 1)
    painter(img, x, y, w, h, c, t + placed.actor.phase * 3.0)


def _kite(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    top, bottom = (x, y - h), (x, y)
    left, right = (x - w / 2, y - 0.62 * h), (x + w / 2, y - 0.62 * h)
    draw.poly(img, np.array([top, right, bottom, left]), c["main"])
    draw.poly(img, np.array([top, right, (x, y - 0.62 * h)]), c["light"])
    draw.line(img, top, bottom, c["edge"], max(1, int(w / 30)))
    draw.line(img, left, right, c["edge"], max(1, int(w / 30)))
    sway = np.sin(2 * np.pi * 0.8 * t + np.arange(6) * 0.9) * 0.15 * w
    tail = np.stack([x + sway, y + np.arange(6) * 0.22 * h], 1)
    draw.lines(img, np.stack([tail[:-1], tail[1:]], 1), c["edge"], max(1, int(w / 25)))
    for k in (1, 3, 5):
        draw.circle(img, tail[k], max(1.0, 0.06 * w), c["main"])


def _balloon(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.ellipse(img, (x, y - 0.6 * h), (w / 2, 0.42 * h), 0.0, c["main"])
    draw.ellipse(img, (x - 0.15 * w, y - 0.72 * h), (0.12 * w, 0.12 * h), 0.0, c["light"])
    draw.poly(img, np.array([(x - 0.08 * w, y - 0.16 * h), (x + 0.08 * w, y - 0.16 * h), (x, y - 0.22 * h)]), c["edge"])
    if h > 60:  # a hot-air balloon's basket
        draw.poly(
            img,
            np.array([(x - 0.1 * w, y - 0.08 * h), (x + 0.1 * w, y - 0.08 * h), (x + 0.08 * w, y), (x - 0.08 * w, y)]),
            c["trunk"],
        )


def _ball(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.circle(img, (x, y - h / 2), w / 2, c["main"])
    draw.circle(img, (x - 0.15 * w, y - 0.65 * h), 0.15 * w, c["light"])


def _umbrella(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    a = np.linspace(np.pi, 2 * np.pi, 16)
    dome = np.stack([x + w / 2 * np.cos(a), y - 0.75 * h + 0.3 * h * np.sin(a)], 1)
    draw.poly(img, dome, c["main"])
    draw.line(img, (x, y - 0.75 * h), (x, y), c["edge"], max(1, int(w / 25)))


def _boat(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    hull = np.array([(x - w / 2, y - 0.28 * h), (x + w / 2, y - 0.28 * h), (x + 0.36 * w, y), (x - 0.36 * w, y)])
    draw.poly(img, hull, c["main"])
    draw.line(img, (x, y - 0.28 * h), (x, y - h), c["edge"], max(1, int(w / 60)))
    draw.poly(img, np.array([(x, y - h), (x + 0.34 * w, y - 0.34 * h), (x, y - 0.34 * h)]), c["string"])


def _bag(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.poly(
        img, np.array([(x - w / 2, y - 0.8 * h), (x + w / 2, y - 0.8 * h), (x + w / 2, y), (x - w / 2, y)]), c["main"]
    )
    draw.ring(img, (x, y - 0.8 * h), (0.25 * w, 0.2 * h), c["edge"], max(1, int(w / 12)))


def _box(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.poly(img, np.array([(x - w / 2, y - h), (x + w / 2, y - h), (x + w / 2, y), (x - w / 2, y)]), c["main"])
    draw.poly(
        img,
        np.array([(x - w / 2, y - h), (x + w / 2, y - h), (x + 0.4 * w, y - 1.15 * h), (x - 0.4 * w, y - 1.15 * h)]),
        c["light"],
    )


def _rock(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.ellipse(img, (x, y - 0.4 * h), (w / 2, 0.5 * h), 0.0, c["main"])
    draw.ellipse(img, (x - 0.1 * w, y - 0.6 * h), (0.25 * w, 0.2 * h), 0.0, c["light"])


def _lantern(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.glow(img, (x, y - h / 2), 2.5 * w, c["glow"], 0.5)
    draw.ellipse(img, (x, y - h / 2), (w / 2, h / 2), 0.0, c["glow"])


def _flag(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.line(img, (x - w / 2, y), (x - w / 2, y - h), c["edge"], max(1, int(w / 20)))
    wave = 0.05 * h * np.sin(2 * np.pi * 0.7 * t)
    draw.poly(
        img,
        np.array(
            [(x - w / 2, y - h), (x + w / 2, y - h + wave), (x + w / 2, y - 0.6 * h + wave), (x - w / 2, y - 0.6 * h)]
        ),
        c["main"],
    )


def _bench(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.poly(
        img,
        np.array(
            [(x - w / 2, y - 0.55 * h), (x + w / 2, y - 0.55 * h), (x + w / 2, y - 0.42 * h), (x - w / 2, y - 0.42 * h)]
        ),
        c["main"],
    )
    draw.poly(
        img,
        np.array([(x - w / 2, y - h), (x + w / 2, y - h), (x + w / 2, y - 0.8 * h), (x - w / 2, y - 0.8 * h)]),
        c["main"],
    )
    for dx in (-0.42, 0.42):
        draw.line(img, (x + dx * w, y - 0.42 * h), (x + dx * w, y), c["edge"], max(1, int(w / 30)))


def _held(img: np.ndarray, x: float, y: float, w: float, h: float, c: dict, t: float) -> None:
    draw.poly(img, np.array([(x - w / 2, y - h), (x + w / 2, y - h), (x + w / 2, y), (x - w / 2, y)]), c["main"])


PAINTERS = {
    "kite": _kite,
    "balloon": _balloon,
    "ball": _ball,
    "umbrella": _umbrella,
    "boat": _boat,
    "bag": _bag,
    "box": _box,
    "rock": _rock,
    "lantern": _lantern,
    "flag": _flag,
    "bench": _bench,
    "held": _held,
}
