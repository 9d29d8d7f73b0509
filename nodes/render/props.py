"""Things that are neither people, animals nor vehicles: plants, lamps and generic labelled shapes.

An entity whose type the renderer does not know still appears: as a rounded box with its
label written on it, moving by its verb like anything else.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import draw
from .lens import NEAR, Lens
from .look import mix
from .plan import Placed


def prop_colours(shade, look: dict) -> dict:
    colour = look.get("colour", (170, 150, 200))
    return {
        "main": shade(colour),
        "edge": shade(mix(colour, (0, 0, 0), 0.45)),
        "light": shade(colour, 1.0),
        "text": shade((250, 250, 250), 1.0),
        "trunk": shade((80, 58, 40)),
        "leaf": shade(mix(colour, (20, 60, 25), 0.3)),
    }


def draw_plant(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    """A tree (trunk and a swaying canopy), a palm, or a bush for the small ones."""
    if pos[2] < NEAR + 0.5:
        return
    height = placed.actor.height
    scale = lens.px_per_m(float(pos[2]))
    if height * scale < 2:
        return
    base = np.array(lens.point(*pos))
    sway = 0.02 * height * scale * np.sin(2 * np.pi * 0.3 * t + placed.actor.phase * 6.0)
    top = base + [sway, -height * scale]
    if height < 2.0:
        draw.ellipse(
            img, tuple(base + [0, -0.4 * height * scale]), (0.6 * height * scale, 0.45 * height * scale), 0, c["leaf"]
        )
        return
    draw.capsule(img, base, base + (top - base) * 0.7, 0.03 * height * scale, 0.018 * height * scale, c["trunk"])
    if placed.actor.look.get("species") == "palm":
        for a in np.linspace(-2.6, -0.5, 6):
            tip = top + [np.cos(a) * 0.35 * height * scale, np.sin(a) * -0.12 * height * scale + 0.1 * height * scale]
            draw.capsule(img, top, tip, 0.02 * height * scale, 0.005 * height * scale, c["leaf"])
        return
    for dx, dy, r in ((0.0, 0.0, 0.28), (-0.18, 0.08, 0.2), (0.18, 0.08, 0.2), (0.0, -0.12, 0.2)):
        draw.circle(
            img, top + [dx * height * scale, dy * height * scale + 0.1 * height * scale], r * height * scale, c["leaf"]
        )


def draw_light(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    """A lantern or lamp: a bright core in a soft glow, with a gentle flicker."""
    if pos[2] < NEAR + 0.5 or mirror:
        return
    centre = lens.point(*pos)
    scale = lens.px_per_m(float(pos[2]))
    level = 0.85 + 0.15 * np.sin(2 * np.pi * 1.7 * t + placed.actor.phase * 6.0)
    draw.glow(img, centre, 1.2 * scale, c["light"], 0.6 * level)
    draw.circle(img, centre, 0.12 * scale, mix(c["light"], (255, 255, 255), 0.5))


def draw_generic(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    """The fallback for unknown things: a rounded box with the entity's label on it."""
    if pos[2] < NEAR + 0.5:
        return
    scale = lens.px_per_m(float(pos[2]))
    w, h = placed.actor.width * scale, placed.actor.height * scale
    if w < 3:
        return
    x, y = lens.point(pos[0], -pos[1] if mirror else pos[1], pos[2])
    top = y + h if mirror else y - h
    y0, y1 = min(top, y), max(top, y)
    r = min(w, h) * 0.18
    corners = [(x - w / 2 + r, y0 + r), (x + w / 2 - r, y0 + r), (x + w / 2 - r, y1 - r), (x - w / 2 + r, y1 - r)]
    arcs = []
    for k, (cx, cy) in enumerate(corners):
        a = np.linspace(np.pi + k * np.pi / 2, np.pi + (k + 1) * np.pi / 2, 5)
        arcs.append(np.stack([cx + r * np.cos(a), cy + r * np.sin(a)], 1))
    outline = np.concatenate(arcs)
    draw.poly(img, outline, c["main"])
    cv2.polylines(img, [draw.fixed(outline)], True, c["edge"], max(1, int(0.04 * scale)), draw.AA, draw.SHIFT)
    if mirror:
        return
    label = placed.actor.name[:14]
    font = cv2.FONT_HERSHEY_SIMPLEX
    size = max(0.3, min(2.5, 0.9 * w / max(1, len(label)) / 18.0))
    thick = max(1, int(size * 1.6))
    (tw, th), _ = cv2.getTextSize(label, font, size, thick)
    cv2.putText(
        img, label, (int(x - tw / 2), int((y0 + y1) / 2 + th / 2)), font, size, c["edge"], thick + 1, cv2.LINE_AA
    )
    cv2.putText(img, label, (int(x - tw / 2), int((y0 + y1) / 2 + th / 2)), font, size, c["text"], thick, cv2.LINE_AA)
