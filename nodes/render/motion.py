"""Action verbs → how things move: gait, speed by class, heading from path prepositions.

A moving thing follows a straight :class:`Route` through the world, evaluated analytically
at any time (so any frame can be rendered on its own). Crowds and traffic use wrapping
routes that repeat off screen, so a 60 s shot never runs out of walkers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# verb → (gait, speed factor). Gaits: walk, run, stalk (legged); fly, drive, swim, float,
# fall (moving without legs); still, hover, graze, dance (staying put).
VERBS: dict[str, tuple[str, float]] = {
    **{v: ("walk", 1.0) for v in ("walk", "step", "pace", "march", "strut", "stride", "go", "head", "move", "cross")},
    **{v: ("walk", 0.75) for v in ("stroll", "wander", "amble", "saunter", "roam", "meander", "trudge")},
    **{v: ("run", 1.0) for v in ("run", "race", "rush", "dash", "charge", "chase", "flee", "gallop", "bolt")},
    **{v: ("run", 0.65) for v in ("jog", "trot", "hurry", "scurry")},
    "sprint": ("run", 1.35),
    **{v: ("stalk", 1.0) for v in ("stalk", "prowl", "hunt", "sneak", "creep", "slink", "crouch")},
    "crawl": ("stalk", 0.5),
    **{v: ("fly", 1.0) for v in ("fly", "soar", "zoom", "zip", "whiz", "streak", "swoop", "dart", "circle")},
    **{v: ("fly", 0.6) for v in ("glide", "flutter", "flit")},
    **{v: ("drive", 1.0) for v in ("drive", "speed", "pass", "travel", "cruise", "commute", "honk")},
    **{v: ("drive", 0.5) for v in ("ride", "roll", "crawl_along")},
    **{v: ("swim", 1.0) for v in ("swim", "dive", "paddle", "surf", "wade")},
    **{v: ("float", 1.0) for v in ("float", "drift", "bob", "sail", "levitate")},
    **{v: ("fall", 1.0) for v in ("fall", "drop", "tumble", "plunge", "descend", "rain", "pour")},
    **{v: ("still", 0.0) for v in ("stand", "sit", "wait", "watch", "look", "rest", "sleep", "lie", "pose", "stare")},
    **{v: ("still", 0.0) for v in ("glow", "shine", "reflect", "flicker", "illuminate", "light", "wear", "hold")},
    **{v: ("graze", 0.0) for v in ("graze", "eat", "drink", "feed", "sniff")},
    **{v: ("hover", 0.0) for v in ("hover", "hang", "loom")},
    **{v: ("dance", 0.0) for v in ("dance", "sway", "spin", "wave", "jump")},
}

LEGGED = ("walk", "run", "stalk")

# Base speed (m/s) per kind of actor and gait, before the verb's factor.
SPEEDS: dict[str, dict[str, float]] = {
    "person": {"walk": 1.4, "run": 4.2, "stalk": 0.7, "swim": 1.0, "float": 0.4, "fly": 3.0, "drive": 6.0},
    "quadruped": {"walk": 1.3, "run": 8.0, "stalk": 0.75, "swim": 1.0, "float": 0.4},
    "car": {"drive": 11.0, "float": 2.0},
    "flying_car": {"fly": 24.0, "drive": 24.0, "float": 3.0},
    "bird": {"fly": 9.0, "float": 2.0},
    "generic": {"walk": 1.2, "run": 3.0, "fly": 6.0, "drive": 8.0, "float": 0.5, "swim": 1.0, "stalk": 0.6},
}
DEFAULT_GAIT = {"person": "still", "quadruped": "still", "car": "drive", "flying_car": "fly", "bird": "fly"}
SPEED_WORDS = {"still": 0.0, "slow": 0.65, "walk": 1.0, "run": 1.0, "fast": 1.4}
FALL_ACCEL = 1.5  # m/s²: things that "fall" in prompts (leaves, petals, snow) fall with drag


@dataclass(frozen=True)
class Motion:
    verb: str | None
    gait: str
    speed: float  # metres per second along the heading
    heading: tuple[float, float, float]  # unit vector in world coordinates

    @property
    def legged(self) -> bool:
        return self.gait in LEGGED and self.speed > 0


def resolve_motion(kind: str, spec: dict[str, Any] | None, sign: float, setting: str) -> Motion:
    """The motion of an actor of ``kind`` from the scene's motion spec (any field may be missing)."""
    spec = spec or {}
    verb = (spec.get("verb") or "").lower() or None
    moves_as = (spec.get("gait_verb") or verb or "").lower()  # "flies a kite": moves as "stroll"
    gait, factor = VERBS.get(moves_as, (DEFAULT_GAIT.get(kind, "still"), 1.0))
    word = (spec.get("speed") or "").lower()
    if word == "run" and gait == "walk":
        gait = "run"
    table = SPEEDS.get(kind, SPEEDS["generic"])
    if gait in ("walk", "run", "stalk") and kind in ("car", "flying_car", "bird"):
        gait = DEFAULT_GAIT[kind]
    if gait == "fly" and kind == "car":
        gait = "drive"
    base = table.get(gait, 0.0)
    speed = 0.0 if word == "still" else base * factor * SPEED_WORDS.get(word, 1.0)
    if gait == "fall":
        speed = 0.0
    heading = resolve_heading(spec, sign, setting, gait)
    return Motion(verb, gait if speed > 0 or gait in ("fall",) else _resting(gait), speed, heading)


def _resting(gait: str) -> str:
    return gait if gait in ("still", "hover", "graze", "dance", "float", "fall") else "still"


def resolve_heading(spec: dict[str, Any], sign: float, setting: str, gait: str) -> tuple[float, float, float]:
    """Direction of travel from the direction word and the path preposition."""
    direction = (spec.get("direction") or "").lower()
    prep = (spec.get("path_prep") or "").lower()
    if direction in ("left", "west", "leftward"):
        sign = -1.0
    elif direction in ("right", "east", "rightward"):
        sign = 1.0
    lateral, depth = 1.0, -0.12
    if prep in ("down", "through") or direction in ("down", "forward"):
        lateral, depth = 0.78, -0.62
    elif prep in ("toward", "towards", "to") or direction in ("toward", "towards", "closer"):
        lateral, depth = 0.35, -0.94
    elif prep in ("up", "into", "away", "from") or direction in ("away", "back", "backward"):
        lateral, depth = 0.55, 0.83
    elif prep in ("along",):
        lateral, depth = 0.93, -0.35
    elif prep in ("across", "past", "by", "over", "around", "above", "beside"):
        lateral, depth = 1.0, -0.05
    if gait in ("drive", "fly", "swim", "float") and prep not in ("toward", "towards", "to", "up", "into"):
        lateral, depth = 1.0, -0.08 if gait == "fly" else 0.0
    vec = np.array([sign * lateral, 0.0, depth])
    vec /= np.linalg.norm(vec)
    return float(vec[0]), 0.0, float(vec[2])


@dataclass(frozen=True)
class Route:
    """A straight path: ``anchor`` at time ``t_anchor``, moving with ``velocity``.

    With ``wrap`` > 0 the position repeats every ``wrap`` metres around the anchor (used for
    crowds and traffic whose loop point is placed off screen). ``fall_period`` > 0 makes the
    thing fall under gravity from the anchor and start again every period. ``bob`` adds a
    vertical sway (floating, hovering, flying) of that amplitude.
    """

    anchor: tuple[float, float, float]
    velocity: tuple[float, float, float]
    t_anchor: float = 0.0
    wrap: float = 0.0
    fall_period: float = 0.0
    bob: float = 0.0
    bob_hz: float = 0.4
    bob_phase: float = 0.0

    def at(self, t: float | np.ndarray) -> np.ndarray:
        """Position(s) at time(s) ``t``: shape (3,) for a scalar, (N, 3) for an array."""
        t = np.asarray(t, np.float64)
        d = (t - self.t_anchor)[..., None]
        vel = np.asarray(self.velocity)
        speed = float(np.linalg.norm(vel))
        if self.wrap > 0 and speed > 0:
            s = speed * d
            s = (s + self.wrap / 2.0) % self.wrap - self.wrap / 2.0
            pos = np.asarray(self.anchor) + vel / speed * s
        else:
            pos = np.asarray(self.anchor) + vel * d
        if self.fall_period > 0:
            fd = d[..., 0] % self.fall_period
            pos[..., 1] = self.anchor[1] - 0.5 * FALL_ACCEL * fd * fd
        if self.bob:
            pos[..., 1] = pos[..., 1] + self.bob * np.sin(2 * np.pi * self.bob_hz * t + self.bob_phase)
        return pos


class RouteBatch:
    """Many routes evaluated at once (one frame's positions for every actor of a shot)."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self.anchor = np.array([r.anchor for r in routes], np.float64).reshape(-1, 3)
        self.velocity = np.array([r.velocity for r in routes], np.float64).reshape(-1, 3)
        self.t_anchor = np.array([r.t_anchor for r in routes], np.float64)
        self.wrap = np.array([r.wrap for r in routes], np.float64)
        self.speed = np.linalg.norm(self.velocity, axis=1)
        self.special = [i for i, r in enumerate(routes) if r.fall_period > 0 or r.bob]

    def at(self, t: float) -> np.ndarray:
        d = (t - self.t_anchor)[:, None]
        moving = self.speed > 0
        unit = np.where(moving[:, None], self.velocity / np.maximum(self.speed, 1e-9)[:, None], 0.0)
        s = self.speed[:, None] * d
        wrapped = np.where(
            self.wrap[:, None] > 0,
            (s + self.wrap[:, None] / 2) % np.maximum(self.wrap, 1e-9)[:, None] - self.wrap[:, None] / 2,
            s,
        )
        pos = self.anchor + unit * wrapped
        for i in self.special:
            pos[i] = self.routes[i].at(t)
        return pos
