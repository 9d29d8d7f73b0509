"""TIMELINE: the sounds the picture implies, at the exact times the picture shows them.

- ``footstep``: one per foot contact of every walking, running or stalking person or animal
  in view, from the same gait phase the figures are drawn with (``data.foot`` is "left" or
  "right"; four-legged walkers add ``limb`` "front"/"hind"). ``gain`` (0..1, how big the walker
  is on screen) and ``pan`` (−1 left .. 1 right) help the mix.
- ``flicker``: a neon sign in view starts flickering (``duration`` in seconds).
- ``cut``: a new shot starts.
- ``action``: a moving actor's verb when its shot starts (``verb``, ``gait``, ``speed``), and
  ``pass_by`` when a vehicle crosses the middle of the frame.
- ``weather``: rain or snow for the whole render, at time 0.
"""

from __future__ import annotations

import numpy as np

from nodes.datatypes import Timeline, TimelineEvent

from .gait import BIPED_CONTACTS, QUADRUPED_CONTACTS, contact_times
from .layout import boxes, clip_box, clip_boxes, shot_lenses, sign_boxes
from .lights import FLICKER_SECONDS
from .plan import Placed, RenderPlan, ShotSetup


def screen_box(
    plan: RenderPlan, setup: ShotSetup, placed: Placed, times: np.ndarray, lenses: tuple[np.ndarray, ...] | None = None
) -> list[list[float] | None]:
    f, cx, cy = lenses or shot_lenses(plan, setup, times)
    return clip_boxes(boxes(placed, placed.route.at(times), f, cx, cy, plan.lens.height), plan.width, plan.height)


def mix_hints(plan: RenderPlan, box: list[float], member: bool) -> dict[str, float]:
    gain = min(1.0, max(0.05, 1.6 * (box[3] - box[1]) / plan.height)) * (0.5 if member else 1.0)
    pan = ((box[0] + box[2]) / 2.0) / plan.width * 2.0 - 1.0
    return {"gain": round(gain, 3), "pan": round(pan, 3)}


def footsteps(plan: RenderPlan, setup: ShotSetup, placed: Placed) -> list[TimelineEvent]:
    cps = placed.cycles_per_s()
    if cps <= 0:
        return []
    shot = setup.shot
    quad = placed.actor.kind == "quadruped"
    contacts = QUADRUPED_CONTACTS if quad else BIPED_CONTACTS
    events = []
    end = min(shot.end, plan.duration)
    for foot, offset in contacts.items():
        times = contact_times(placed.actor.phase, cps, shot.start, end, offset)
        if times.size == 0:
            continue
        for t, box in zip(times, screen_box(plan, setup, placed, times)):
            if box is None:
                continue
            data = {"foot": foot.split("_")[0], "gait": placed.actor.motion.gait}
            if quad:
                data["limb"] = foot.split("_")[1]
            data.update(mix_hints(plan, box, placed.actor.role == "member"))
            events.append(TimelineEvent(float(t), "footstep", placed.actor.id, data))
    return events


def actions(
    plan: RenderPlan, setup: ShotSetup, placed: Placed, lenses: tuple[np.ndarray, ...] | None = None
) -> list[TimelineEvent]:
    actor, shot = placed.actor, setup.shot
    events = []
    speed = float(np.linalg.norm(placed.route.velocity))
    if actor.motion.verb and (actor.role != "member" or actor.id.endswith(".0")):
        data = {"verb": actor.motion.verb, "gait": actor.motion.gait, "speed": round(speed, 2)}
        events.append(TimelineEvent(shot.start, "action", actor.entity if actor.role == "member" else actor.id, data))
    if actor.kind in ("car", "flying_car") and speed > 0 and lenses is not None:
        times = lenses[0]
        if times.size > 1:
            bx = screen_box(plan, setup, placed, times, lenses[1:])
            centre = plan.width / 2.0
            for k in range(1, len(times)):
                a, b = bx[k - 1], bx[k]
                if a and b and ((a[0] + a[2]) / 2 - centre) * ((b[0] + b[2]) / 2 - centre) < 0:
                    data = {"verb": "pass_by", **mix_hints(plan, b, False)}
                    events.append(TimelineEvent(float(times[k]), "action", actor.id, data))
    return events


def flickers(plan: RenderPlan, setup: ShotSetup) -> list[TimelineEvent]:
    shot = setup.shot
    events = []
    for sign in plan.signs:
        starts = np.array([t for t in sign.flickers if shot.start <= t < min(shot.end, plan.duration)])
        if starts.size == 0:
            continue
        f, cx, cy = shot_lenses(plan, setup, starts)
        boxes_ = sign_boxes(plan, f, cx, cy)[sign.index]
        for t, raw in zip(starts, boxes_):
            box = clip_box(raw, plan.width, plan.height)
            if box:
                data = {"sign": sign.index, "duration": FLICKER_SECONDS, **mix_hints(plan, box, False)}
                entity = f"{plan.light_entity.entity}.{sign.index}" if plan.light_entity else None
                events.append(TimelineEvent(float(t), "flicker", entity, data))
    return events


def build_timeline(plan: RenderPlan) -> Timeline:
    events: list[TimelineEvent] = []
    if plan.look.rain:
        events.append(TimelineEvent(0.0, "weather", None, {"kind": "rain", "intensity": plan.look.rain}))
    if plan.look.snow:
        events.append(TimelineEvent(0.0, "weather", None, {"kind": "snow", "intensity": plan.look.snow}))
    for i, setup in enumerate(plan.setups):
        if i > 0 and setup.shot.start < plan.duration:
            events.append(TimelineEvent(setup.shot.start, "cut", None, {"shot": i}))
        times = plan.frame_times(i)
        lenses = (times, *shot_lenses(plan, setup, times)) if times.size else None
        for placed in setup.placed:
            events += footsteps(plan, setup, placed)
            events += actions(plan, setup, placed, lenses)
        events += flickers(plan, setup)
    events.sort(key=lambda e: (e.time, e.kind, e.entity or ""))
    return Timeline(duration=plan.duration, events=tuple(events))
