"""Draw a captioned clip with the animatic renderer's palette and anti-aliased primitives.

One object of one colour moves across a setting at a time of day. Backgrounds come from the
renderer's sky palette (``nodes.render.look.TIMES``); shapes are drawn with
``nodes.render.draw`` at sub-pixel precision, so slow motion glides. Everything is scaled
from a 64-pixel design, so any size from 16 to 128 works.
"""

from __future__ import annotations

import math

import numpy as np

from nodes.render import draw
from nodes.render.look import NAMED_COLOURS, TIMES, mix

from .grammar import Composition

GROUND = {"city": (96, 96, 104), "field": (70, 140, 60), "beach": (222, 200, 150)}
HORIZON = 0.55  # ground starts at this fraction of the height
STEP = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "up": (0.0, -1.0), "down": (0.0, 1.0)}


def background(comp: Composition, size: int) -> np.ndarray:
    """Sky gradient and ground of the setting, lit by the time of day."""
    zenith, middle, horizon = (np.array(c, np.float32) for c in TIMES[comp.time]["sky"])
    light = 1.0 if comp.time == "day" else 0.45
    img = np.zeros((size, size, 3), np.float32)
    h0 = round(size * HORIZON)
    for y in range(h0):
        t = y / max(1, h0 - 1)
        img[y] = (
            zenith * (1 - t) + middle * t if t < 0.6 else middle * (1 - (t - 0.6) / 0.4) + horizon * (t - 0.6) / 0.4
        )
    img[h0:] = np.array(GROUND[comp.setting], np.float32) * light
    out = np.clip(img, 0, 255).astype(np.uint8)
    s = size / 64.0
    if comp.setting == "city":  # a row of buildings on the horizon
        shade = (40, 40, 52) if comp.time == "day" else (18, 18, 28)
        for k, (x, w, h) in enumerate(((2, 9, 14), (13, 7, 20), (22, 10, 11), (35, 8, 17), (46, 11, 13), (58, 6, 19))):
            draw.poly(out, np.array([[x, h0 / s - h], [x + w, h0 / s - h], [x + w, h0 / s], [x, h0 / s]]) * s, shade)
            if comp.time == "night" and k % 2 == 0:
                draw.circle(out, ((x + w / 2) * s, (h0 / s - h + 4) * s), 1.0 * s, (230, 200, 90))
    elif comp.setting == "beach":  # the sea between sky and sand
        sea = (40, 110, 170) if comp.time == "day" else (16, 40, 70)
        draw.poly(out, np.array([[0, h0], [size, h0], [size, h0 + 6 * s], [0, h0 + 6 * s]], np.float64), sea)
    else:  # a field: two darker furrows
        furrow = tuple(int(c * 0.75 * light) for c in GROUND["field"])
        for y in (h0 + 8 * s, h0 + 18 * s):
            draw.line(out, (0, y), (size, y), furrow, max(1, round(s)))
    return out


def object_colour(comp: Composition) -> tuple[int, int, int]:
    base = NAMED_COLOURS[comp.colour]
    return base if comp.time == "day" else mix(base, (0, 0, 0), 0.3)


def draw_object(img: np.ndarray, comp: Composition, x: float, y: float, scale: float, phase: float) -> None:
    """The object centred at (x, y) pixels, ``scale`` × its 64-pixel design size."""
    c = object_colour(comp)
    dark = mix(c, (0, 0, 0), 0.55)
    s = scale
    if comp.object == "car":
        face = -1.0 if comp.motion == "left" else 1.0
        draw.poly(
            img,
            np.array([[x - 9 * s, y - 2 * s], [x + 9 * s, y - 2 * s], [x + 9 * s, y + 4 * s], [x - 9 * s, y + 4 * s]]),
            c,
        )
        cab = np.array([[-5, -2], [-3, -7], [4, -7], [6, -2]], np.float64)
        cab[:, 0] *= face
        draw.poly(img, cab * s + (x, y), c)
        draw.poly(img, np.array([[-2, -3], [-1.5, -6], [3, -6], [4.5, -3]]) * (face, 1) * s + (x, y), (150, 190, 215))
        for wx in (-5.5, 5.5):
            draw.circle(img, (x + wx * s, y + 4 * s), 2.6 * s, (25, 25, 25))
    elif comp.object == "ball":
        draw.circle(img, (x, y), 6.5 * s, c)
        draw.circle(img, (x - 2.2 * s, y - 2.2 * s), 1.8 * s, mix(c, (255, 255, 255), 0.55))
        draw.line(img, (x - 6 * s, y + math.sin(phase) * 2 * s), (x + 6 * s, y - math.sin(phase) * 2 * s), dark)
    elif comp.object == "bird":
        flap = math.sin(phase * 2.0) * 5.0
        draw.ellipse(img, (x, y), (6 * s, 3 * s), 0.0, c)
        for side in (-1, 1):
            wing = np.array([[0, 0], [side * 7, -flap - 1], [side * 3, 1]], np.float64)
            draw.poly(img, wing * s + (x, y - 1 * s), dark)
        draw.circle(img, (x + 6 * s, y - 2 * s), 2.4 * s, c)
    else:  # boat: a hull and a white sail
        draw.poly(img, np.array([[-9, 0], [9, 0], [6, 5], [-6, 5]], np.float64) * s + (x, y), c)
        draw.line(img, (x, y), (x, y - 12 * s), (60, 50, 40), max(1, round(s)))
        draw.poly(img, np.array([[1, -11], [1, -1], [8, -1]], np.float64) * s + (x, y), (240, 240, 235))


def render_clip(comp: Composition, rng: np.random.Generator, size: int = 64, frames: int = 16) -> np.ndarray:
    """One clip (frames × size × size × 3 uint8). ``rng`` varies start, speed and size, so that
    the same caption gives many different clips."""
    s = size / 64.0
    scale = s * rng.uniform(0.85, 1.15)
    dx, dy = STEP[comp.motion]
    travel = rng.uniform(26.0, 34.0) * s  # pixels over the clip
    margin = 12.0 * s
    along = size / 2 - travel / 2  # start so that the path is centred, then jitter across
    if dx:
        x0 = size / 2 - dx * travel / 2 + rng.uniform(-4, 4) * s
        y0 = rng.uniform(size * 0.35, size * 0.75)
    else:
        x0 = rng.uniform(margin, size - margin)
        y0 = size / 2 - dy * travel / 2 + rng.uniform(-4, 4) * s
    del along
    phase0 = rng.uniform(0, 2 * math.pi)
    back = background(comp, size)
    out = np.empty((frames, size, size, 3), np.uint8)
    for k in range(frames):
        t = k / max(1, frames - 1)
        img = back.copy()
        draw_object(img, comp, x0 + dx * travel * t, y0 + dy * travel * t, scale, phase0 + k * 0.9)
        out[k] = img
    return out
