"""LAYOUT: where each entity is on screen in every frame, from the same geometry as the drawing.

Boxes come from each actor's route and size through the frame's lens, so they need no
rendering; a layout for a minute of video costs a few milliseconds per shot.
"""

from __future__ import annotations

import numpy as np

from nodes.datatypes import Layout

from .lens import NEAR
from .plan import Placed, RenderPlan, ShotSetup

SIDE_WIDTH = {"quadruped": 0.5, "car": 1.8, "flying_car": 1.9}


def boxes(placed: Placed, pos: np.ndarray, f: np.ndarray, cx: np.ndarray, cy: np.ndarray, cam_h: float) -> np.ndarray:
    """Screen boxes (N, 4) for an actor at positions ``pos`` (N, 3) under per-frame lenses."""
    actor = placed.actor
    z = np.maximum(pos[:, 2], NEAR)
    vel = np.asarray(placed.route.velocity, np.float64)
    norm = np.linalg.norm(vel)
    hx, hz = (abs(vel[0]) / norm, abs(vel[2]) / norm) if norm > 0 else (1.0, 0.0)
    if actor.kind in SIDE_WIDTH:
        width = hx * actor.width + hz * SIDE_WIDTH[actor.kind]
    else:
        width = actor.width
    bottom = pos[:, 1] - (actor.height / 2 if actor.kind == "bird" else 0.0)
    top = bottom + actor.height
    x = cx + f * pos[:, 0] / z
    half = f * width / 2.0 / z
    y0 = cy - f * (top - cam_h) / z
    y1 = cy - f * (bottom - cam_h) / z
    out = np.stack([x - half, y0, x + half, y1], axis=1)
    out[pos[:, 2] < NEAR] = np.nan
    return out


def clip_box(box: np.ndarray, width: int, height: int) -> list[float] | None:
    """One box clipped to the frame, or None when it is not (or barely) in view."""
    out = clip_boxes(box[None, :], width, height)
    return out[0] if out[0] is not None else None


def clip_boxes(raw: np.ndarray, width: int, height: int) -> list[list[float] | None]:
    """Boxes (N, 4) clipped to the frame, rounded to 0.1 px; None where not in view."""
    bx = raw.copy()
    bx[:, [0, 2]] = np.clip(bx[:, [0, 2]], 0.0, float(width))
    bx[:, [1, 3]] = np.clip(bx[:, [1, 3]], 0.0, float(height))
    keep = ~np.isnan(raw).any(axis=1) & (bx[:, 2] - bx[:, 0] >= 1.0) & (bx[:, 3] - bx[:, 1] >= 1.0)
    rounded = np.round(bx, 1).tolist()
    return [r if k else None for r, k in zip(rounded, keep.tolist())]


def shot_lenses(plan: RenderPlan, setup: ShotSetup, times: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-time lens parameters (f, cx, cy) of a shot's camera."""
    lenses = [plan.view_at(setup, float(t)).lens(setup.geometry) for t in times]
    return (np.array([ln.f for ln in lenses]), np.array([ln.cx for ln in lenses]), np.array([ln.cy for ln in lenses]))


def sign_boxes(plan: RenderPlan, f: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> list[np.ndarray]:
    out = []
    for sign in plan.signs:
        c = sign.corners
        z = np.maximum(c[:, 2], NEAR)
        xs = cx[:, None] + f[:, None] * c[None, :, 0] / z
        ys = cy[:, None] - f[:, None] * (c[None, :, 1] - plan.lens.height) / z
        out.append(np.stack([xs.min(1), ys.min(1), xs.max(1), ys.max(1)], axis=1))
    return out


def build_layout(plan: RenderPlan) -> Layout:
    """Per output frame, the visible entities with their boxes in pixels."""
    frames: list[tuple[dict, ...]] = []
    light = plan.light_entity
    for s, setup in enumerate(plan.setups):
        times = plan.frame_times(s)
        if times.size == 0:
            continue
        f, cx, cy = shot_lenses(plan, setup, times)
        columns = []
        for p in setup.placed:
            if p.actor.kind != "light" or not plan.signs:
                clipped = clip_boxes(boxes(p, p.route.at(times), f, cx, cy, plan.lens.height), plan.width, plan.height)
                columns.append((p.actor.id, p.actor.name, clipped))
        if light is not None:
            for k, raw in enumerate(sign_boxes(plan, f, cx, cy)):
                columns.append((f"{light.entity}.{k}", light.name, clip_boxes(raw, plan.width, plan.height)))
        for j in range(times.size):
            frames.append(tuple({"id": i, "name": n, "box": c[j]} for i, n, c in columns if c[j] is not None))
    return Layout(
        fps=plan.fps, width=plan.width, height=plan.height, frames=tuple(frames), warnings=tuple(plan.warnings)
    )
