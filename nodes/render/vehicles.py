"""Vehicles: cars on the ground and flying cars with glowing thrusters and light trails.

Drawn from the side when they cross the view and head-on (headlights) or from behind
(tail lights) when they drive along it; sized by the lens at their distance.
"""

from __future__ import annotations

import numpy as np

from . import draw
from .lens import NEAR, Lens
from .look import Look, mix
from .plan import Placed

FLIP = np.array([1.0, -1.0, 1.0])


def vehicle_colours(shade, look: dict, scene: Look) -> dict:
    body = look.get("body", (180, 30, 36))
    lights_on = scene.night or scene.time in ("dusk", "sunset") or scene.rain > 0
    return {
        "body": shade(body),
        "roof": shade(mix(body, (0, 0, 0), 0.25)),
        "shade": shade(mix(body, (0, 0, 0), 0.5)),
        "glass": shade((40, 55, 75), 0.2),
        "wheel": shade((18, 18, 20)),
        "hub": shade((120, 120, 125)),
        "head": shade((255, 245, 220), 1.0),
        "tail": shade((255, 30, 30), 1.0),
        "glow": shade(look.get("glow", (60, 220, 255)), 1.0),
        "lights_on": lights_on,
        "hull": shade(body, 0.35),
        "canopy": shade(mix((60, 80, 110), scene.sky[2], 0.4), 0.4),
    }


def draw_car(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    if pos[2] < NEAR + 1.0:
        return
    look = placed.actor.look
    scale = lens.px_per_m(float(pos[2]))
    length, tall = look["length"] * scale, look["tall"] * scale
    if length < 2:
        return
    x, y = lens.point(pos[0], -pos[1] if mirror else pos[1], pos[2])
    up = 1.0 if mirror else -1.0  # screen direction of "up"
    vx, vz = placed.route.velocity[0], placed.route.velocity[2]
    if abs(vx) >= abs(vz):
        car_side(img, x, y, up, length, tall, np.sign(vx) or 1.0, c, look, mirror)
    else:
        car_end(img, x, y, up, 1.8 * scale, tall, vz < 0, c, mirror)


def car_side(
    img: np.ndarray,
    x: float,
    y: float,
    up: float,
    length: float,
    tall: float,
    facing: float,
    c: dict,
    look: dict,
    mirror: bool,
) -> None:
    half = length / 2
    sill, belt = y + up * 0.18 * tall, y + up * 0.58 * tall
    draw.poly(
        img,
        np.array(
            [
                [x - half, sill],
                [x + half, sill],
                [x + half, belt + up * -0.05 * tall],
                [x + half * 0.92, belt],
                [x - half * 0.95, belt],
            ]
        ),
        c["body"],
    )
    roof_h = y + up * (0.97 if look.get("big") else 1.0) * tall
    back, front = (x - half * 0.55, x + half * 0.3) if facing > 0 else (x - half * 0.3, x + half * 0.55)
    if look.get("big"):
        back, front = x - half * 0.97, x + half * 0.97
    cabin = np.array(
        [[back - 0.05 * length, belt], [front + 0.08 * length, belt], [front, roof_h], [back + 0.04 * length, roof_h]]
    )
    draw.poly(img, cabin, c["roof"])
    inset = 0.06 * tall
    draw.poly(
        img,
        cabin + np.array([[inset, up * inset], [-inset, up * inset], [-inset, -up * inset], [inset, -up * inset]]),
        c["glass"],
    )
    for wx in (x - half * 0.62, x + half * 0.62):
        draw.circle(img, (wx, sill), 0.2 * tall, c["wheel"])
        draw.circle(img, (wx, sill), 0.09 * tall, c["hub"])
    if c["lights_on"] and not mirror:
        nose, tail_x = x + facing * half, x - facing * half
        draw.glow(img, (nose, y + up * 0.42 * tall), 0.6 * tall, c["head"], 0.8)
        draw.glow(img, (tail_x, y + up * 0.42 * tall), 0.35 * tall, c["tail"], 0.8)


def car_end(
    img: np.ndarray, x: float, y: float, up: float, width: float, tall: float, front: bool, c: dict, mirror: bool
) -> None:
    half = width / 2
    draw.poly(
        img,
        np.array(
            [
                [x - half, y + up * 0.15 * tall],
                [x + half, y + up * 0.15 * tall],
                [x + half, y + up * 0.6 * tall],
                [x - half, y + up * 0.6 * tall],
            ]
        ),
        c["body"],
    )
    draw.poly(
        img,
        np.array(
            [
                [x - half * 0.85, y + up * 0.6 * tall],
                [x + half * 0.85, y + up * 0.6 * tall],
                [x + half * 0.7, y + up * tall],
                [x - half * 0.7, y + up * tall],
            ]
        ),
        c["glass"],
    )
    for sx in (-1.0, 1.0):
        draw.poly(
            img,
            np.array(
                [
                    [x + sx * half * 0.95, y],
                    [x + sx * half * 0.6, y],
                    [x + sx * half * 0.6, y + up * 0.2 * tall],
                    [x + sx * half * 0.95, y + up * 0.2 * tall],
                ]
            ),
            c["wheel"],
        )
        lamp = (x + sx * half * 0.72, y + up * 0.42 * tall)
        colour = c["head"] if front else c["tail"]
        draw.circle(img, lamp, 0.08 * width, colour)
        if c["lights_on"] and not mirror:
            draw.glow(img, lamp, 0.5 * width if front else 0.3 * width, colour, 0.8)


def draw_flying_car(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    """A sleek hover car: body, canopy, a glowing thruster underneath and a light trail behind."""
    if pos[2] < NEAR + 1.0:
        return
    look = placed.actor.look
    scale = lens.px_per_m(float(pos[2]))
    length, tall = look["length"] * scale, look["tall"] * scale
    if length < 1.5:
        return
    x, y = lens.point(pos[0], -pos[1] if mirror else pos[1], pos[2])
    up = 1.0 if mirror else -1.0
    facing = np.sign(placed.route.velocity[0]) or 1.0
    mid = y + up * 0.45 * tall
    if not mirror:
        trail = np.array([[x - facing * length * k, mid + up * 0.05 * tall] for k in (0.45, 1.0, 1.8, 2.8)])
        for k in range(3):
            draw.line(
                img,
                trail[k],
                trail[k + 1],
                mix(c["glow"], (0, 0, 0), 0.35 + 0.22 * k),
                max(1, int(0.18 * tall * (1 - 0.3 * k))),
            )
    draw.glow(img, (x, y + up * 0.05 * tall), 0.8 * length, c["glow"], 0.35)
    f, u = facing * length, up * tall  # shape in units of length (along) and height (up)

    def at(a: float, b: float) -> tuple[float, float]:
        return x + a * f, y + b * u

    body = np.array([at(-0.5, 0.6), at(-0.47, 0.18), at(0.3, 0.1), at(0.5, 0.32), at(0.36, 0.55), at(-0.1, 0.68)])
    draw.poly(img, body, c["hull"])
    draw.ellipse(img, at(0.04, 0.66), (0.2 * length, 0.26 * tall), 0.0, c["canopy"])
    draw.line(img, at(-0.46, 0.38), at(0.42, 0.34), c["glow"], max(1, int(0.07 * tall)))
    draw.ellipse(img, at(0.0, 0.1), (0.3 * length, 0.07 * tall + 0.4), 0.0, c["glow"])
    if not mirror:
        draw.glow(img, at(0.5, 0.35), 0.3 * length, c["head"], 0.7)
        draw.circle(img, at(-0.49, 0.45), 0.06 * tall + 0.5, c["tail"])
