"""People: articulated figures in 3D, projected through the frame's lens and dressed.

Skeletons for every person in a frame are built at once (numpy over people × joints) in
each walker's body frame (forward, up, right) from the gait's foot positions, with knees
placed by two-bone inverse kinematics, then projected, so the same figure reads in profile,
three-quarter or front view. Clothing slots (jacket, top, dress, trousers, boots,
sunglasses, hat, umbrella) take the colours of the scene's attributes. Distant figures are
drawn with fewer strokes (level of detail), which keeps crowds cheap.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import draw
from .gait import GAITS, feet_batch
from .lens import NEAR, Lens
from .look import mix
from .plan import Placed, leg_length

UP = np.array([0.0, 1.0, 0.0])
JOINTS = (
    "root",
    "hip",
    "chest",
    "neck",
    "head",
    "hip_l",
    "knee_l",
    "ankle_l",
    "toe_l",
    "hip_r",
    "knee_r",
    "ankle_r",
    "toe_r",
    "sh_l",
    "el_l",
    "ha_l",
    "sh_r",
    "el_r",
    "ha_r",
)
J = {name: i for i, name in enumerate(JOINTS)}
FLIP = np.array([1.0, -1.0, 1.0])
# Per gait: crouch (hip height factor), forward lean, arm swing, elbow bend.
STYLE = {"walk": (1.0, 0.02, 0.45, 0.35), "run": (1.0, 0.12, 0.9, 1.4), "stalk": (0.93, 0.1, 0.25, 0.6)}
FULL_DETAIL_PX = 70.0  # main characters get shaped limbs, face and clothing above this height
FULL_DETAIL_MEMBER_PX = 170.0  # crowd members only when they pass really close
TINY_PX = 18.0


class Poses:
    """World joints (N, J, 3) and body axes of a frame's people."""

    def __init__(self, placed: list[Placed], pos: np.ndarray, t: float) -> None:
        n = len(placed)
        self.placed = placed
        heights = np.array([p.actor.height for p in placed])
        s = heights / 1.7
        leg = np.array([leg_length(p.actor) for p in placed])
        legged = np.array([p.actor.motion.legged for p in placed])
        gaits = [p.actor.motion.gait if p.actor.motion.legged else "walk" for p in placed]
        crouch, lean, swing, bend = (np.array([STYLE.get(g, STYLE["walk"])[k] for g in gaits]) for k in range(4))
        stride = np.array([GAITS.get(g, GAITS["walk"])[0] for g in gaits]) * leg
        lift = np.array([GAITS.get(g, GAITS["walk"])[1] for g in gaits]) * leg
        phase = np.array([p.phase(t) for p in placed])
        fwd, right = body_axes(placed, pos)
        fl, ll = feet_batch(phase, 0.0, stride, lift)
        fr, lr = feet_batch(phase, 0.5, stride, lift)
        fl, fr = np.where(legged, fl, 0.06 * s), np.where(legged, fr, -0.06 * s)
        ll, lr = np.where(legged, ll, 0.0), np.where(legged, lr, 0.0)
        reach = np.maximum(np.where(ll == 0, np.abs(fl), 0.0), np.where(lr == 0, np.abs(fr), 0.0))
        reach = np.where((ll > 0) & (lr > 0), stride / 4.0, reach)
        hip_h = np.sqrt(np.maximum(leg**2 - reach**2, 0.25 * leg**2)) * crouch
        w = np.empty((n, len(JOINTS), 3))
        col = lambda a: a[:, None]
        up = UP[None, :]
        w[:, J["root"]] = pos
        w[:, J["hip"]] = pos + up * col(hip_h)
        w[:, J["chest"]] = w[:, J["hip"]] + up * col(0.52 * s) + fwd * col(lean * 0.52 * s)
        w[:, J["neck"]] = w[:, J["chest"]] + up * col(0.08 * s) + fwd * col(lean * 0.08 * s)
        w[:, J["head"]] = w[:, J["neck"]] + up * col(0.12 * s) + fwd * col(0.02 * s)
        for side, sgn, f, lf, other in (("l", -1.0, fl, ll, fr), ("r", 1.0, fr, lr, fl)):
            offset = right * col(sgn * 0.09 * s)
            hip = w[:, J["hip"]] + offset
            ankle = pos + fwd * col(f) + up * col(lf + 0.07 * s) + offset
            w[:, J[f"hip_{side}"]] = hip
            w[:, J[f"ankle_{side}"]] = ankle
            w[:, J[f"knee_{side}"]] = knees(hip, ankle, fwd, leg / 2.0)
            w[:, J[f"toe_{side}"]] = ankle + fwd * col(0.16 * s) - up * col(0.05 * s)
            shoulder = w[:, J["chest"]] + right * col(sgn * 0.19 * s) - up * col(0.03 * s)
            angle = np.where(legged, swing * other / np.maximum(stride / 4.0, 1e-6), 0.05 * sgn)
            arm = -up * col(np.cos(angle)) + fwd * col(np.sin(angle))
            elbow = shoulder + arm * col(0.29 * s) + right * col(sgn * 0.02 * s)
            fore = -up * col(np.cos(angle + bend)) + fwd * col(np.sin(angle + bend))
            w[:, J[f"sh_{side}"]], w[:, J[f"el_{side}"]] = shoulder, elbow
            w[:, J[f"ha_{side}"]] = elbow + fore * col(0.26 * s)
        self.world, self.fwd, self.right, self.scale = w, fwd, right, s
        self._screen: dict[bool, np.ndarray] = {}

    def screen(self, lens: Lens, mirror: bool) -> np.ndarray:
        """All joints projected at once (N, J, 2); mirrored in the ground for reflections."""
        if mirror not in self._screen:
            self._screen[mirror] = lens.project(self.world * FLIP if mirror else self.world)[0]
        return self._screen[mirror]


def body_axes(placed: list[Placed], pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward and right unit vectors; standing people turn three-quarters toward the camera."""
    vel = np.array([p.route.velocity for p in placed], np.float64)
    flat = vel * np.array([1.0, 0.0, 1.0])
    n = np.linalg.norm(flat, axis=1)
    still = n < 1e-6
    if still.any():
        side = np.array([1.0 if sum(map(ord, p.actor.id)) % 2 else -1.0 for p in placed])
        to_cam = -pos * np.array([1.0, 0.0, 1.0])
        to_cam /= np.maximum(np.linalg.norm(to_cam, axis=1), 1e-6)[:, None]
        turned = to_cam + np.stack([side * 0.9, np.zeros_like(side), np.zeros_like(side)], 1)
        flat = np.where(still[:, None], turned, flat)
        n = np.linalg.norm(flat, axis=1)
    fwd = flat / n[:, None]
    return fwd, np.stack([fwd[:, 2], np.zeros(len(fwd)), -fwd[:, 0]], 1)


def knees(hip: np.ndarray, ankle: np.ndarray, fwd: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Two-bone IK for equal thigh and shin: the knee bends toward the walking direction."""
    d = ankle - hip
    dist = np.maximum(np.linalg.norm(d, axis=1), 1e-6)
    along = d / dist[:, None]
    bend = fwd - along * np.sum(fwd * along, axis=1)[:, None]
    bend /= np.maximum(np.linalg.norm(bend, axis=1), 1e-6)[:, None]
    out = np.sqrt(np.maximum(half**2 - dist**2 / 4.0, 0.0))
    return (hip + ankle) / 2.0 + bend * out[:, None]


def draw_person(img: np.ndarray, lens: Lens, poses: Poses, k: int, colours: dict, mirror: bool = False) -> None:
    """Draw person ``k`` of ``poses``; ``mirror`` draws its reflection in a wet ground."""
    world = poses.world[k]
    z = float(world[0, 2])
    if z < NEAR + 0.2:
        return
    pts = poses.screen(lens, mirror)[k]
    scale = lens.px_per_m(z)
    look = poses.placed[k].actor.look
    height_px = poses.placed[k].actor.height * scale
    if height_px < 2.0:
        return
    member = poses.placed[k].actor.role == "member"
    if height_px < TINY_PX:
        tiny_person(img, pts, scale, colours, look, mirror)
    elif height_px < (FULL_DETAIL_MEMBER_PX if member else FULL_DETAIL_PX) or mirror:
        simple_person(img, pts, scale, colours, look, mirror)
    else:
        full_person(img, lens, pts, world, poses.fwd[k], poses.right[k], scale, colours, look)


def tiny_person(img: np.ndarray, p: np.ndarray, scale: float, c: dict, look: dict, mirror: bool) -> None:
    """A distant figure: legs, body and head in four strokes."""
    t = max(1, round(0.1 * scale))
    draw.lines(img, np.array([[p[J["ankle_l"]], p[J["hip"]]], [p[J["ankle_r"]], p[J["hip"]]]]), c["legs"], t)
    draw.line(img, p[J["hip"]], p[J["neck"]], c.get("outer", c["body"]), max(1, round(0.3 * scale)))
    draw.circle(img, p[J["head"]], max(0.6, 0.1 * scale), c["skin"])
    if look.get("carry") == "umbrella" and not mirror:
        umbrella(img, p, scale, c)


LEG_CHAINS = (
    np.array([J["hip_l"], J["knee_l"], J["ankle_l"], J["toe_l"]]),
    np.array([J["hip_r"], J["knee_r"], J["ankle_r"], J["toe_r"]]),
)
ARM_CHAINS = (np.array([J["sh_l"], J["el_l"], J["ha_l"]]), np.array([J["sh_r"], J["el_r"], J["ha_r"]]))


def simple_person(img: np.ndarray, p: np.ndarray, scale: float, c: dict, look: dict, mirror: bool) -> None:
    """A mid-distance figure: jointed legs and arms as strokes, a solid body, a head with hair."""
    q = draw.fixed(p)
    aa, sh = draw.AA, draw.SHIFT
    cv2.polylines(img, [q[LEG_CHAINS[0]], q[LEG_CHAINS[1]]], False, c["legs"], max(1, int(0.12 * scale + 0.5)), aa, sh)
    if look.get("dress") is not None:
        hip, ankles = p[J["hip"]], (p[J["ankle_l"]] + p[J["ankle_r"]]) / 2
        hem = ankles * 0.75 + hip * 0.25
        spread = abs(p[J["ankle_l"], 0] - p[J["ankle_r"], 0]) * 0.5 + 0.2 * scale
        waist = 0.13 * scale
        draw.poly(
            img,
            np.array(
                [
                    [hip[0] - waist, hip[1] - waist],
                    [hip[0] + waist, hip[1] - waist],
                    [hem[0] + spread, hem[1]],
                    [hem[0] - spread, hem[1]],
                ]
            ),
            c["dress"],
        )
    body = c.get("outer", c["body"])
    h, n = q[J["hip"]], q[J["neck"]]
    cv2.line(img, (int(h[0]), int(h[1])), (int(n[0]), int(n[1])), body, max(1, int(0.3 * scale + 0.5)), aa, sh)
    cv2.polylines(img, [q[ARM_CHAINS[0]], q[ARM_CHAINS[1]]], False, body, max(1, int(0.09 * scale + 0.5)), aa, sh)
    hd = q[J["head"]]
    r = int(0.1 * scale * draw.ONE)
    cv2.circle(img, (int(hd[0]), int(hd[1])), r, c["hair"], -1, aa, sh)
    dy = int(0.02 * scale * draw.ONE) * (-1 if mirror else 1)
    cv2.circle(img, (int(hd[0]), int(hd[1]) + dy), int(r * 0.85), c["skin"], -1, aa, sh)
    if look.get("carry") == "umbrella" and not mirror:
        umbrella(img, p, scale, c)


def full_person(
    img: np.ndarray,
    lens: Lens,
    p: np.ndarray,
    w: np.ndarray,
    fwd: np.ndarray,
    right: np.ndarray,
    scale: float,
    c: dict,
    look: dict,
) -> None:
    """A near figure with shaped limbs, torso, open jacket, dress, face and accessories."""
    to_cam = np.array([0.0, lens.height, 0.0]) - w[J["hip"]]
    near, far = ("r", "l") if float(right @ to_cam) > 0 else ("l", "r")
    facing = float(fwd @ to_cam) / max(float(np.linalg.norm(to_cam)), 1e-6)
    limb_arm(img, p, far, scale, c)
    limb_leg(img, p, far, scale, c, look)
    limb_leg(img, p, near, scale, c, look)
    if look.get("dress") is not None:
        dress(img, lens, w, fwd, right, c, look)
    torso(img, lens, p, w, fwd, right, scale, c, facing)
    limb_arm(img, p, near, scale, c)
    head(img, lens, w, fwd, right, scale, c, look)
    if look.get("carry") == "umbrella":
        umbrella(img, p, scale, c)


def limb_leg(img: np.ndarray, p: np.ndarray, side: str, scale: float, c: dict, look: dict) -> None:
    hip, kn, ankle, toe = (p[J[f"{n}_{side}"]] for n in ("hip", "knee", "ankle", "toe"))
    r = 0.065 * scale
    draw.capsule(img, hip, kn, r * 1.15, r, c["legs"])
    draw.capsule(img, kn, ankle, r, r * 0.7, c["legs"])
    if look.get("boots"):
        top = kn + (ankle - kn) * 0.25
        draw.capsule(img, top, ankle, r * 1.05, r * 0.85, c["feet"])
    draw.capsule(img, ankle, toe, r * 0.8, r * 0.55, c["feet"])
    if look.get("boots"):  # leather catches the street light
        draw.line(img, top + (toe - ankle) * 0.35, ankle + (toe - ankle) * 0.5, c["shine"], max(1, int(r * 0.3)))


def limb_arm(img: np.ndarray, p: np.ndarray, side: str, scale: float, c: dict) -> None:
    r = 0.05 * scale
    sleeve = c.get("outer", c["body"])
    draw.capsule(img, p[J[f"sh_{side}"]], p[J[f"el_{side}"]], r * 1.25, r * 1.05, sleeve)
    draw.capsule(img, p[J[f"el_{side}"]], p[J[f"ha_{side}"]], r * 1.05, r * 0.85, sleeve)
    draw.circle(img, p[J[f"ha_{side}"]], r * 0.95, c["skin"])


def hull(lens: Lens, world: np.ndarray) -> np.ndarray:
    pts, _ = lens.project(world)
    return cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2)


def box_points(
    a: np.ndarray, b: np.ndarray, right: np.ndarray, fwd: np.ndarray, wa: float, wb: float, depth: float
) -> np.ndarray:
    sx = np.array([-1, -1, 1, 1])[:, None]
    sz = np.array([-1, 1, -1, 1])[:, None]
    ring_a = a + right * sx * wa + fwd * sz * depth
    ring_b = b + right * sx * wb + fwd * sz * depth
    return np.concatenate([ring_a, ring_b])


def torso(
    img: np.ndarray,
    lens: Lens,
    p: np.ndarray,
    w: np.ndarray,
    fwd: np.ndarray,
    right: np.ndarray,
    scale: float,
    c: dict,
    facing: float,
) -> None:
    s = float(np.linalg.norm(w[J["chest"]] - w[J["hip"]])) / 0.52  # body scale: 1 for a 1.7 m adult
    jacket = "outer" in c
    waist = w[J["hip"]] + (w[J["chest"]] - w[J["hip"]]) * (0.02 if jacket else 0.25)
    shoulders = w[J["chest"]] + (w[J["neck"]] - w[J["chest"]]) * 0.2
    pts = hull(lens, box_points(waist, shoulders, right, fwd, 0.15 * s, 0.19 * s, 0.1 * s))
    draw.poly(img, pts, c["outer"] if jacket else c["body"])
    if jacket and facing > 0.15:  # the open jacket shows what is under it
        front = fwd * 0.105 * s
        strip = np.array(
            [
                waist + front - right * 0.03 * s,
                waist + front + right * 0.03 * s,
                shoulders + front + right * 0.065 * s,
                shoulders + front - right * 0.065 * s,
            ]
        )
        draw.poly(img, lens.project(strip)[0], c["body"])
    if "rim" in c:
        cv2.polylines(img, [draw.fixed(pts)], True, c["rim"], 1, draw.AA, draw.SHIFT)
    draw.capsule(img, (p[J["chest"]] + p[J["neck"]]) / 2, p[J["neck"]], 0.045 * scale, 0.04 * scale, c["skin"])


def dress(img: np.ndarray, lens: Lens, w: np.ndarray, fwd: np.ndarray, right: np.ndarray, c: dict, look: dict) -> None:
    """A skirt from the waist to the hem, swinging with the legs."""
    s = float(np.linalg.norm(w[J["chest"]] - w[J["hip"]])) / 0.52
    waist = w[J["hip"]] + UP * 0.14 * s
    low = min(w[J["ankle_l"]][1], w[J["ankle_r"]][1]) - 0.04 * s
    hem_y = waist[1] - (waist[1] - low) * look.get("dress_length", 0.9)
    ankles = (w[J["ankle_l"]] + w[J["ankle_r"]]) / 2.0
    spread = abs(float((w[J["ankle_l"]] - w[J["ankle_r"]]) @ fwd))
    hem = np.array([ankles[0], hem_y, ankles[2]])
    world = np.concatenate(
        [
            box_points(waist, waist, right, fwd, 0.14 * s, 0.14 * s, 0.1 * s)[:4],
            box_points(hem, hem, right, fwd, 0.18 * s, 0.18 * s, 0.1 * s + spread * 0.5)[:4],
        ]
    )
    pts = hull(lens, world)
    draw.poly(img, pts, c["dress"])
    if "dress_rim" in c:
        cv2.polylines(img, [draw.fixed(pts)], True, c["dress_rim"], 1, draw.AA, draw.SHIFT)


MOUTH = (52, 18, 24)  # the inside of an open mouth


def head(
    img: np.ndarray, lens: Lens, w: np.ndarray, fwd: np.ndarray, right: np.ndarray, scale: float, c: dict, look: dict
) -> None:
    r = 0.105 * scale
    centre = w[J["head"]]
    spots = np.array(
        [
            centre - fwd * 0.03,
            centre - fwd * 0.06 - UP * 0.24,
            centre + fwd * 0.02 - UP * 0.012,
            centre + UP * 0.06 - fwd * 0.01,
        ]
    )
    back, nape, face, top = lens.project(spots)[0]
    if look.get("hair_long"):
        draw.capsule(img, back, nape, r, r * 0.8, c["hair"])
    draw.circle(img, back, r * 1.04, c["hair"])
    draw.circle(img, face, r * 0.92, c["skin"])
    draw.ellipse(img, top, (r * 0.95, r * 0.55), 0.0, c["hair"])
    if "hat" in c:
        draw.ellipse(img, top, (r * 1.25, r * 0.7), 0.0, c["hat"])
    to_cam = np.array([0.0, lens.height, 0.0]) - centre
    if "glasses" in c:
        for sgn in (-1.0, 1.0):
            spot = centre + fwd * 0.085 + UP * 0.012 + right * sgn * 0.042
            if float((spot - centre) @ to_cam) > 0:
                q = lens.project(spot)[0]
                draw.ellipse(img, q, (r * 0.34, r * 0.23), 0.0, c["glasses"])
                draw.circle(img, q + np.array([-0.12, -0.08]) * r, r * 0.08, c["glint"])
    if "lips" in c:
        spot = centre + fwd * 0.095 - UP * 0.055
        if float((spot - centre) @ to_cam) > 0:
            draw.ellipse(img, lens.project(spot)[0], (r * 0.2, r * 0.09), 0.0, c["lips"])
    if "mouth" in c:  # a talking figure: the mouth opens with the viseme (see nodes/audio/visemes.py)
        spot = centre + fwd * 0.095 - UP * 0.055
        if float((spot - centre) @ to_cam) > 0:
            opening = float(np.clip(c["mouth"], 0.0, 1.0))
            draw.ellipse(img, lens.project(spot)[0], (r * 0.16, r * (0.025 + 0.16 * opening)), 0.0, MOUTH)


_DOME = np.concatenate(
    [
        np.stack([np.cos(np.linspace(np.pi, 2 * np.pi, 12)), 0.55 * np.sin(np.linspace(np.pi, 2 * np.pi, 12))], 1),
        np.stack([np.linspace(1.0, -1.0, 7), 0.05 * np.sin(np.linspace(0, 12, 7))], 1),
    ]
)


def umbrella(img: np.ndarray, p: np.ndarray, scale: float, c: dict) -> None:
    top = p[J["head"]] + np.array([0.0, -0.42 * scale])
    draw.line(img, p[J["ha_r"]], top, c["umbrella_stick"], max(1, int(0.025 * scale)))
    draw.poly(img, top + _DOME * (0.55 * scale), c["umbrella"])


def person_colours(shade, look: dict, key: tuple) -> dict:
    """Graded colours for every part; ``shade`` is the look's colour function."""
    c = {
        "skin": shade(look["skin"]),
        "hair": shade(look["hair"]),
        "body": shade(look["top"]),
        "legs": shade(look["legs"] if not look.get("dress") else look["feet"]),
        "feet": shade(look["feet"]),
        "umbrella": shade(look.get("carry_colour", (30, 30, 34))),
        "umbrella_stick": shade((60, 60, 60)),
    }
    rim_light = shade(key, 0.7)
    c["shine"] = mix(c["feet"], rim_light, 0.45)
    if look.get("outer") is not None:
        c["outer"] = shade(look["outer"])
        c["rim"] = mix(c["outer"], rim_light, 0.5)
    if look.get("dress") is not None:
        c["dress"] = shade(look["dress"])
        c["dress_rim"] = mix(c["dress"], rim_light, 0.35)
    if look.get("sunglasses") is not None:
        c["glasses"] = shade(look["sunglasses"])
        c["glint"] = shade((200, 220, 255), 0.8)
    if look.get("lips") is not None:
        c["lips"] = shade(look["lips"])
    if look.get("hat") is not None:
        c["hat"] = shade(look["hat"])
    return c
