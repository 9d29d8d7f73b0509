"""Where a shot's camera looks at each moment: eased framing moves and subject tracking.

A view is a centre ``(u, v)`` in normalised stage coordinates and a ``zoom`` (1 = the wide
view, which is ``1/MARGIN`` of the stage). Views are clamped so that they never leave the
stage, whatever framing the shot planner asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from nodes.scene.shots import Shot

from .lens import MARGIN, Lens, StageGeometry

MIN_ZOOM = 1.0 / MARGIN
MAX_ZOOM = 4.0
# The shot planner frames a standing subject as if it spanned these stage rows (nodes/scene/plan.py).
PLANNED_TOP, PLANNED_BOTTOM = 0.30, 0.90

EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda u: u,
    "ease_in": lambda u: u * u,
    "ease_out": lambda u: 1.0 - (1.0 - u) ** 2,
    "ease_in_out": lambda u: u * u * (3.0 - 2.0 * u),
}


@dataclass(frozen=True)
class View:
    u: float
    v: float
    zoom: float

    def transform(self, geo: StageGeometry) -> tuple[float, float, float]:
        """Scale and offset from resolution-1 stage pixels to output pixels."""
        w1, h1 = geo.out_w * geo.margin_x, geo.out_h * MARGIN
        s = self.zoom
        return s, self.u * w1 * s - geo.out_w / 2.0, self.v * h1 * s - geo.out_h / 2.0

    def lens(self, geo: StageGeometry) -> Lens:
        """The projection straight into output pixels for this view."""
        return geo.scaled(1.0).lens.moved(*self.transform(geo))


def soft_clamp(x: float, lo: float, hi: float) -> float:
    """Clamp to [lo, hi], easing into the limits over the last stretch instead of stopping dead,
    so a camera that runs out of stage slows down smoothly."""
    knee = min(0.06, (hi - lo) / 4.0)
    if knee <= 0:
        return (lo + hi) / 2.0
    if x > hi - knee:
        return hi - knee * math.exp(-(x - (hi - knee)) / knee)
    if x < lo + knee:
        return lo + knee * math.exp(-((lo + knee) - x) / knee)
    return x


def clamp_view(u: float, v: float, zoom: float, margin_x: float = MARGIN) -> View:
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, float(zoom)))
    half_u, half_v = 0.5 / (margin_x * zoom), 0.5 / (MARGIN * zoom)
    return View(soft_clamp(u, half_u, 1.0 - half_u), soft_clamp(v, half_v, 1.0 - half_v), zoom)


def shot_progress(shot: Shot, t: float) -> float:
    """Eased 0..1 progress of the shot's camera move at time ``t``."""
    u = 0.0 if shot.duration <= 0 else min(1.0, max(0.0, (t - shot.start) / shot.duration))
    return EASINGS.get(shot.camera.easing, EASINGS["ease_in_out"])(u)


def on_subject(v: float, zoom: float, figure: tuple[float, float]) -> float:
    """Move a planned row ``v`` onto the subject as actually placed (``figure`` = its top and
    bottom stage rows), fully for close framings and not at all for the wide view, so that a
    tilt "down her outfit" travels from her face to her boots wherever she stands."""
    top, bottom = figure
    actual = top + (v - PLANNED_TOP) / (PLANNED_BOTTOM - PLANNED_TOP) * (bottom - top)
    weight = min(1.0, max(0.0, zoom - 1.0))
    return v + (actual - v) * weight


def view_at(
    shot: Shot,
    t: float,
    track_u: float | None = None,
    margin_x: float = MARGIN,
    figure: tuple[float, float] | None = None,
) -> View:
    """The camera view of ``shot`` at time ``t``; ``track_u`` is the subject's stage x when tracking
    (on a stage ``margin_x`` wide views across); ``figure`` the subject's top and bottom stage rows."""
    cam = shot.camera
    e = shot_progress(shot, t)
    (u0, v0), (u1, v1) = cam.start.center, cam.end.center
    u, v = u0 + (u1 - u0) * e, v0 + (v1 - v0) * e
    zoom = cam.start.zoom + (cam.end.zoom - cam.start.zoom) * e
    if figure is not None:
        v = on_subject(v, zoom, figure)
    if cam.move == "track" and track_u is not None:
        u = track_u
    elif margin_x != MARGIN:  # the planner's framing is relative to a standard stage
        u = 0.5 + (u - 0.5) * MARGIN / margin_x
    return clamp_view(u, v, zoom, margin_x)
