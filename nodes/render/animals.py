"""Animals: four-legged walkers with a gait, and birds with flapping wings.

A quadruped is a 3D skeleton in its body frame: a torso between hips and shoulders, four
two-bone legs driven by the same gait as people (lateral-sequence walk, so each foot's
contact is a footstep), a neck and head that lower when it stalks or grazes, and a tail.
Species add a mane, stripes, spots, a trunk or horns.
"""

from __future__ import annotations

import numpy as np

from . import draw
from .gait import QUADRUPED_CONTACTS, feet_batch, lift_height, stride_length
from .lens import NEAR, Lens
from .look import mix
from .plan import Placed, leg_length

UP = np.array([0.0, 1.0, 0.0])
FLIP = np.array([1.0, -1.0, 1.0])
# Bone names per leg: (attach fore/aft as a fraction of length, knee bend direction).
LEGS = {
    "left_hind": (-0.36, -1.0, -1),
    "right_hind": (-0.36, -1.0, 1),
    "left_front": (0.3, -0.6, -1),
    "right_front": (0.3, -0.6, 1),
}


def animal_colours(shade, look: dict) -> dict:
    coat = look.get("coat") or look.get("colour") or (140, 105, 70)
    out = {
        "coat": shade(coat),
        "belly": shade(look.get("belly", coat)),
        "far": shade(mix(coat, (0, 0, 0), 0.3)),
        "dark": shade((25, 20, 18)),
        "eye": shade((15, 12, 10)),
        "rim": shade(mix(coat, (255, 235, 190), 0.45), 0.3),
    }
    for key in ("mane", "stripes", "spots"):
        if look.get(key):
            out[key] = shade(look[key])
    return out


def frame_axes(placed: Placed, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vel = np.array(placed.route.velocity, np.float64) * np.array([1.0, 0.0, 1.0])
    n = float(np.linalg.norm(vel))
    if n < 1e-6:  # standing still: side-on, facing toward the middle of the view
        vel = np.array([-np.sign(pos[0]) or 1.0, 0.0, -0.15])
        n = float(np.linalg.norm(vel))
    fwd = vel / n
    return fwd, np.array([fwd[2], 0.0, -fwd[0]])


def skeleton(placed: Placed, pos: np.ndarray, t: float) -> dict[str, np.ndarray]:
    """World points of a quadruped at time ``t``."""
    actor, look = placed.actor, placed.actor.look
    shoulder = actor.height / 1.3  # the cast sizes an animal by its head height, 1.3 × the shoulder
    length = look["length"] * shoulder / look["shoulder"]
    fwd, right = frame_axes(placed, pos)
    leg = leg_length(actor)
    gait = actor.motion.gait
    stalking = gait == "stalk"
    grazing = gait == "graze"
    pts: dict[str, np.ndarray] = {}
    if actor.motion.legged:
        stride = stride_length(gait, leg)
        phase = np.array([placed.phase(t)])
        feet = {
            k: feet_batch(phase, off, np.array([stride]), np.array([lift_height(gait, leg)]))
            for k, off in QUADRUPED_CONTACTS.items()
        }
    else:
        feet = {k: (np.array([0.04 * LEGS[k][1]]), np.array([0.0])) for k in LEGS}
    body_h = shoulder * (0.78 if stalking else 0.92)
    for name, (along, _, side) in LEGS.items():
        attach = pos + fwd * along * length + right * side * 0.11 * shoulder + UP * body_h
        fwd_off, lift = float(feet[name][0][0]), float(feet[name][1][0])
        foot = pos + fwd * (along * length + fwd_off) + right * side * 0.11 * shoulder + UP * lift
        pts[f"{name}_top"], pts[f"{name}_foot"] = attach, foot
        pts[f"{name}_knee"] = knee(attach, foot, fwd * LEGS[name][1], 0.92 * shoulder * 0.53)
    bob = 0.02 * shoulder * np.sin(2 * np.pi * placed.phase(t) * 2) if actor.motion.legged else 0.0
    pts["rear"] = pos + fwd * (-0.42 * length) + UP * (body_h + 0.06 * shoulder + bob)
    pts["chest"] = pos + fwd * (0.33 * length) + UP * (body_h + 0.08 * shoulder + bob)
    neck_len = look.get("neck", 0.0) * shoulder
    if grazing:
        nod = 0.04 * shoulder * np.sin(2 * np.pi * 0.7 * t + actor.phase * 6)
        pts["head"] = pos + fwd * (0.62 * length) + UP * (0.25 * shoulder + nod)
    elif stalking:
        pts["head"] = pos + fwd * (0.6 * length) + UP * (body_h + 0.02 * shoulder)
    else:
        pts["head"] = pos + fwd * (0.55 * length) + UP * (body_h + 0.3 * shoulder + neck_len)
    pts["muzzle"] = pts["head"] + fwd * 0.2 * shoulder - UP * 0.05 * shoulder
    sway = 0.25 * np.sin(2 * np.pi * 0.5 * t + actor.phase * 6)
    pts["tail_mid"] = pts["rear"] - fwd * 0.3 * length + UP * 0.05 * shoulder + right * sway * 0.2 * shoulder
    pts["tail_tip"] = pts["tail_mid"] - fwd * 0.12 * length - UP * 0.35 * shoulder + right * sway * 0.3 * shoulder
    pts["fwd"], pts["right"], pts["size"] = fwd, right, np.array([shoulder, length])
    return pts


def knee(top: np.ndarray, foot: np.ndarray, bend_dir: np.ndarray, half: float) -> np.ndarray:
    d = foot - top
    dist = float(np.linalg.norm(d))
    mid = (top + foot) / 2.0
    if dist >= 2 * half or dist < 1e-6:
        return mid
    along = d / dist
    bend = bend_dir - along * float(bend_dir @ along)
    nb = float(np.linalg.norm(bend))
    return mid + (bend / nb if nb > 1e-6 else bend_dir) * np.sqrt(half * half - dist * dist / 4.0)


def draw_quadruped(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    if pos[2] < NEAR + 0.3:
        return
    sk = skeleton(placed, pos, t)
    shoulder = float(sk["size"][0])
    keys = [k for k in sk if k not in ("fwd", "right", "size")]
    world = np.array([sk[k] for k in keys])
    pts, _ = lens.project(world * FLIP if mirror else world)
    p = dict(zip(keys, pts))
    scale = lens.px_per_m(float(pos[2]))
    if shoulder * scale < 1.5:
        return
    look = placed.actor.look
    cam = np.array([0.0, lens.height, 0.0])
    near_side = 1 if float(sk["right"] @ (cam - pos)) > 0 else -1
    for name, (_, _, side) in LEGS.items():
        if side != near_side:
            leg(img, p, name, shoulder * scale, c["far"], c["dark"])
    size = shoulder * scale
    if not mirror:
        shadow(img, lens.point(pos[0], 0.0, pos[2]), (0.5 * float(sk["size"][1]) * scale, 0.08 * size))
    tail = np.array([p["rear"], p["tail_mid"], p["tail_tip"]])
    draw.lines(img, np.stack([tail[:-1], tail[1:]], 1), c["coat"], max(1, int(0.05 * size)))
    if look.get("tuft"):
        draw.circle(img, p["tail_tip"], 0.06 * size, c.get("mane", c["dark"]))
    body(img, p, size, c, mirror)
    markings(img, p, size, c, look)
    for name, (_, _, side) in LEGS.items():
        if side == near_side:
            leg(img, p, name, shoulder * scale, c["coat"], c["dark"])
    head(img, p, shoulder * scale, c, look, mirror)


def body(img: np.ndarray, p: dict, size: float, c: dict, mirror: bool) -> None:
    """Rump, sagging belly and deep chest, so the torso reads as an animal and not a sausage."""
    down = np.array([0.0, -1.0 if mirror else 1.0]) * size
    rear, chest = p["rear"], p["chest"]
    belly = rear + (chest - rear) * 0.55 + down * 0.12
    draw.capsule(img, rear + down * 0.08, belly, 0.2 * size, 0.22 * size, c["belly"])
    draw.capsule(img, belly, chest + down * 0.14, 0.22 * size, 0.22 * size, c["belly"])
    draw.capsule(img, rear, chest, 0.21 * size, 0.25 * size, c["coat"])
    draw.circle(img, rear + down * 0.02, 0.24 * size, c["coat"])
    draw.circle(img, chest + down * 0.06, 0.27 * size, c["coat"])
    if "rim" in c:
        back = np.array([rear - down * 0.2, chest - down * 0.23])
        draw.line(img, back[0], back[1], c["rim"], max(1, int(0.03 * size)))


def shadow(img: np.ndarray, centre: tuple, axes: tuple, strength: float = 0.55) -> None:
    """Darken an ellipse of the ground under a standing thing (only its bounding box is touched)."""
    ax, ay = max(1.0, axes[0]), max(1.0, axes[1])
    h, w = img.shape[:2]
    x0, y0 = int(max(0, centre[0] - ax - 1)), int(max(0, centre[1] - ay - 1))
    x1, y1 = int(min(w, centre[0] + ax + 2)), int(min(h, centre[1] + ay + 2))
    if x1 <= x0 or y1 <= y0:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    draw.ellipse(mask, (centre[0] - x0, centre[1] - y0), (ax, ay), 0.0, (int(255 * strength),))
    roi = img[y0:y1, x0:x1]
    roi -= (roi.astype(np.uint16) * mask[..., None] // 255).astype(np.uint8)


def leg(img: np.ndarray, p: dict, name: str, size: float, colour: tuple, paw: tuple) -> None:
    draw.capsule(img, p[f"{name}_top"], p[f"{name}_knee"], 0.15 * size, 0.085 * size, colour)
    draw.capsule(img, p[f"{name}_knee"], p[f"{name}_foot"], 0.085 * size, 0.07 * size, colour)
    draw.ellipse(img, tuple(p[f"{name}_foot"]), (0.1 * size, 0.055 * size), 0.0, mix(colour, paw, 0.25))


def markings(img: np.ndarray, p: dict, size: float, c: dict, look: dict) -> None:
    rear, chest = p["rear"], p["chest"]
    if "stripes" in c:
        for u in np.linspace(0.1, 0.85, 7):
            mid = rear + (chest - rear) * u
            draw.line(
                img, mid + [0, -0.22 * size], mid + [0.04 * size, 0.1 * size], c["stripes"], max(1, int(0.05 * size))
            )
    if "spots" in c:
        for k, u in enumerate(np.linspace(0.1, 0.9, 9)):
            mid = rear + (chest - rear) * u + [0.0, (k % 3 - 1) * 0.09 * size]
            draw.circle(img, mid, 0.035 * size, c["spots"])


def head(img: np.ndarray, p: dict, size: float, c: dict, look: dict, mirror: bool) -> None:
    if look.get("neck"):
        draw.capsule(img, p["chest"], p["head"], 0.12 * size, 0.07 * size, c["coat"])
    else:
        draw.capsule(img, p["chest"], p["head"], 0.2 * size, 0.15 * size, c["coat"])
    if "mane" in c:
        angles = np.linspace(0, 2 * np.pi, 19)[:-1]
        radii = np.where(np.arange(18) % 2 == 0, 0.36, 0.27) * size
        centre = p["head"] + (p["chest"] - p["head"]) * 0.22
        draw.poly(img, centre + np.stack([np.cos(angles) * radii, np.sin(angles) * radii * 1.1], 1), c["mane"])
    draw.circle(img, p["head"], 0.17 * size, c["coat"])
    draw.capsule(img, p["head"], p["muzzle"], 0.12 * size, 0.08 * size, c["belly"])
    draw.circle(img, p["muzzle"], 0.035 * size, c["dark"])
    ear = p["head"] + (p["head"] - p["muzzle"]) * 0.45 + [0, -0.14 * size * (-1 if mirror else 1)]
    draw.circle(img, ear, 0.055 * size, c["coat"])
    if look.get("horns"):
        draw.line(
            img, ear, ear + [-(p["muzzle"][0] - p["head"][0]) * 0.3, -0.3 * size], c["dark"], max(1, int(0.03 * size))
        )
    if look.get("trunk"):
        draw.capsule(img, p["muzzle"], p["muzzle"] + [0, 0.5 * size], 0.07 * size, 0.04 * size, c["coat"])
    if not mirror:
        eye = p["head"] + (p["muzzle"] - p["head"]) * 0.35 + [0, -0.05 * size]
        draw.circle(img, eye, 0.025 * size, c["eye"])


def draw_bird(
    img: np.ndarray, lens: Lens, placed: Placed, pos: np.ndarray, t: float, c: dict, mirror: bool = False
) -> None:
    """A bird in flight: body and two wings flapping at a few beats per second."""
    if pos[2] < NEAR + 0.5:
        return
    centre = np.array(lens.point(*pos))
    scale = lens.px_per_m(float(pos[2]))
    span = placed.actor.look.get("span", 1.0) * scale
    if span < 1.0:
        return
    flap = np.sin(2 * np.pi * 3.0 * t + placed.actor.phase * 6.28)
    direction = np.sign(placed.route.velocity[0]) or 1.0
    tip_y = -0.35 * span * flap
    for side in (-1.0, 1.0):
        elbow = centre + [side * 0.25 * span, tip_y * 0.4 - 0.05 * span]
        tip = centre + [side * 0.5 * span, tip_y]
        draw.poly(
            img,
            np.array([centre + [0, -0.03 * span], elbow, tip, centre + [side * 0.1 * span, 0.05 * span]]),
            c["coat"],
        )
    draw.ellipse(img, tuple(centre), (0.16 * span, 0.05 * span), 0.0, c["coat"])
    draw.circle(img, centre + [direction * 0.16 * span, -0.02 * span], 0.05 * span, c["coat"])
