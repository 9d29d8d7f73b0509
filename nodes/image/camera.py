"""Camera moves for a still picture, from words ("slow push in", "pan left", "orbit") to a
per-frame, per-depth-layer affine transform.

Why per layer: parallax is what makes a still feel filmed. Each layer sits at a depth d
(0 far … 1 near); a dolly scales near layers more than far ones, a truck (sideways camera
move) shifts them more, an orbit shifts near and far in opposite directions around the
subject. A pure pan (the camera turning) moves every layer almost alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from server.engine.errors import NodeInputError

# word(s) -> (kind, sign); the first matching phrase wins, so longer phrases come first
MOVES: dict[str, tuple[str, float]] = {
    "push in": ("dolly", 1.0),
    "dolly in": ("dolly", 1.0),
    "zoom in": ("dolly", 1.0),
    "move in": ("dolly", 1.0),
    "pull out": ("dolly", -1.0),
    "pull back": ("dolly", -1.0),
    "dolly out": ("dolly", -1.0),
    "zoom out": ("dolly", -1.0),
    "pan left": ("pan_x", -1.0),
    "pan right": ("pan_x", 1.0),
    "tilt up": ("pan_y", -1.0),
    "tilt down": ("pan_y", 1.0),
    "truck left": ("truck_x", -1.0),
    "truck right": ("truck_x", 1.0),
    "track left": ("truck_x", -1.0),
    "track right": ("truck_x", 1.0),
    "crane up": ("truck_y", -1.0),
    "crane down": ("truck_y", 1.0),
    "pedestal up": ("truck_y", -1.0),
    "pedestal down": ("truck_y", 1.0),
    "orbit left": ("orbit", -1.0),
    "orbit right": ("orbit", 1.0),
    "orbit": ("orbit", 1.0),
    "arc": ("orbit", 1.0),
    "static": ("static", 0.0),
    "still": ("static", 0.0),
    "locked off": ("static", 0.0),
    "none": ("static", 0.0),
}
PACE = {"very slow": 0.5, "slow": 0.7, "gentle": 0.7, "subtle": 0.6, "fast": 1.5, "quick": 1.4, "dramatic": 1.8}
# how far each move goes at pace 1 over the whole clip: zoom as a factor, shifts as a fraction of the width
AMOUNT = {"dolly": 0.18, "pan_x": 0.08, "pan_y": 0.08, "truck_x": 0.06, "truck_y": 0.05, "orbit": 0.05}
ALLOWED = "push in, pull out, zoom in/out, pan left/right, tilt up/down, truck left/right, crane up/down, orbit, static"


@dataclass(frozen=True)
class CameraMove:
    """What the camera does over the clip: signed amounts per kind of move, already paced."""

    dolly: float = 0.0  # zoom factor − 1 at the end (negative: pulls out)
    pan_x: float = 0.0  # fractions of the frame width (pan_y: of the height)
    pan_y: float = 0.0
    truck_x: float = 0.0
    truck_y: float = 0.0
    orbit: float = 0.0

    @property
    def is_static(self) -> bool:
        return not any((self.dolly, self.pan_x, self.pan_y, self.truck_x, self.truck_y, self.orbit))


def parse_camera(words: str, strength: float = 1.0) -> CameraMove:
    """The move that ``words`` describe, e.g. "slow push in and pan right"; moves combine.

    Raises :class:`NodeInputError` on ``camera`` for text that names no move.
    """
    text = " " + re.sub(r"[^a-z ]+", " ", words.lower()) + " "
    text = re.sub(r"\s+", " ", text)
    pace = next((v for k, v in PACE.items() if f" {k} " in text), 1.0)
    found: dict[str, float] = {}
    for phrase, (kind, sign) in MOVES.items():
        if f" {phrase} " in text:
            text = text.replace(f" {phrase} ", " ")
            if kind != "static":
                found.setdefault(kind, sign * AMOUNT[kind] * pace * strength)
            else:
                found.setdefault("static", 0.0)
    if not found:
        raise NodeInputError("camera", f"{words!r} names no camera move; use words like: {ALLOWED}")
    found.pop("static", None)
    return CameraMove(**found)


def ease(t: np.ndarray) -> np.ndarray:
    """Part smoothstep, part constant speed: the move eases in and out as an operator's would,
    but is under way from the first frame (a pure smoothstep looks frozen for a second)."""
    return 0.4 * t + 0.6 * t * t * (3.0 - 2.0 * t)


@dataclass(frozen=True)
class LayerPose:
    """One layer's transform in a frame: scale about the frame centre, then a shift in pixels."""

    scale: float
    dx: float
    dy: float


def parallax(depth: float) -> float:
    """How much a layer at ``depth`` (0 far … 1 near) takes part in a moving camera's shift."""
    return 0.35 + 1.3 * depth


def pose(move: CameraMove, t: float, depth: float, width: int, height: int) -> LayerPose:
    """The layer's transform at clip time ``t`` (0…1)."""
    e = float(ease(np.float64(min(1.0, max(0.0, t)))))
    p = parallax(depth)
    scale = max(0.05, 1.0 + move.dolly * e) ** (0.55 + 0.9 * depth)
    pan = 0.85 + 0.3 * depth  # turning the camera: nearly no parallax
    dx = -(move.pan_x * pan + move.truck_x * p) * e * width
    dy = -(move.pan_y * pan + move.truck_y * p) * e * height
    if move.orbit:
        phase = 2.0 * e - 1.0  # −1 … 1: swing across the subject
        dx += -move.orbit * phase * (depth - 0.45) * 2.0 * width
        scale *= 1.0 + 0.35 * abs(move.orbit) * (1.0 - phase * phase)
    return LayerPose(scale, dx, dy)


def cover_zoom(move: CameraMove, depth: float, width: int, height: int, samples: int = 33) -> float:
    """The extra zoom a full-frame layer at ``depth`` needs so that no frame shows past its edge."""
    need = 1.0
    for t in np.linspace(0.0, 1.0, samples):
        p = pose(move, float(t), depth, width, height)
        # the scaled layer must still cover: scale*z*half ≥ half + |shift|
        need = max(need, (0.5 * width + abs(p.dx)) / (0.5 * width * p.scale))
        need = max(need, (0.5 * height + abs(p.dy)) / (0.5 * height * p.scale))
    return need * 1.002


def affine(p: LayerPose, zoom: float, canvas: tuple[int, int], out: tuple[int, int]) -> np.ndarray:
    """The 2×3 matrix taking canvas pixels (the picture at ``canvas`` = (w, h)) to output pixels.

    The canvas is the picture cover-fitted to ``out`` × ``zoom``, so ``zoom`` is the lens crop
    that keeps the background covering the frame throughout the move.
    """
    cw, ch = canvas
    w, h = out
    a = p.scale * zoom * (w / cw)
    return np.array(
        [[a, 0.0, 0.5 * w - a * 0.5 * cw + p.dx], [0.0, a, 0.5 * h - a * 0.5 * ch + p.dy]], dtype=np.float64
    )


def describe(move: CameraMove) -> str:
    parts = [f"{k} {v:+.3f}" for k, v in vars(move).items() if v]
    return ", ".join(parts) or "static"
