"""TIMELINE and LAYOUT agree with the picture: footsteps land when a foot comes down in the drawn
skeleton, flickers dim the sign on screen, cuts fall on shot starts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nodes.render.figures import J, Poses
from nodes.render.node import animatic
from nodes.render.plan import RenderPlan
from tests.nodes import render_fixtures as fx

PARAMS = {"width": 256, "height": 144, "fps": 24, "seed": 3}


def run(ctx, name: str, **extra):
    scene, shots, style = fx.SCENES[name]
    return animatic(ctx, animatic.parse_params({**PARAMS, **extra}), scene=scene(), shots=shots(), style=style())


def plan_for(name: str) -> RenderPlan:
    scene, shots, style = fx.SCENES[name]
    return RenderPlan(scene(), shots(), style(), width=256, height=144, fps=24, keyframe_every=1, seed=3)


def ankle_heights(plan: RenderPlan, entity: str, t: float, shot_time: float | None = None) -> dict[str, float]:
    """Height above the ground of each ankle of the drawn skeleton at time ``t``, as placed in
    the shot running at ``shot_time`` (default ``t``)."""
    shot = plan.shots.shot_at(t if shot_time is None else shot_time)
    setup = plan.setups[plan.shots.shots.index(shot)]
    placed = next(p for p in setup.placed if p.actor.id == entity)
    poses = Poses([placed], placed.route.at(t)[None, :], t)
    w = poses.world[0]
    return {"left": float(w[J["ankle_l"], 1]), "right": float(w[J["ankle_r"], 1])}


def test_footsteps_fall_when_the_drawn_foot_comes_down(ctx):
    timeline = run(ctx, "tokyo")["timeline"]
    plan = plan_for("tokyo")
    steps = [e for e in timeline.of_kind("footstep") if e.entity == "e0"]
    assert len(steps) > 12  # a step every half second or so, for ten seconds
    for event in steps:
        foot, other = event.data["foot"], "right" if event.data["foot"] == "left" else "left"
        at = ankle_heights(plan, "e0", event.time)
        before = ankle_heights(plan, "e0", event.time - 0.06, event.time)
        after = ankle_heights(plan, "e0", event.time + 0.06, event.time)
        ground = min(at.values())
        assert at[foot] == pytest.approx(ground, abs=1e-6)  # the foot is down ...
        assert before[foot] > at[foot] + 0.005  # ... having just come down
        assert after[other] > at[other] + 0.005  # while the other foot lifts off
        assert 0 < event.data["gain"] <= 1 and -1.0 <= event.data["pan"] <= 1.0


def test_footsteps_alternate_at_a_walking_cadence(ctx):
    timeline = run(ctx, "tokyo")["timeline"]
    for shot in fx.tokyo_shots().shots:
        steps = [e for e in timeline.of_kind("footstep") if e.entity == "e0" and shot.start <= e.time < shot.end]
        feet = [e.data["foot"] for e in steps]
        assert all(a != b for a, b in itertools.pairwise(feet))
        gaps = np.diff([e.time for e in steps])
        assert 0.3 < gaps.mean() < 0.9 and gaps.std() < 0.01  # 1.1 to 3.3 steps a second, regular


def test_footsteps_only_for_walkers_in_view(ctx):
    out = run(ctx, "tokyo")
    layout, timeline = out["layout"], out["timeline"]
    last = len(layout.frames) - 1
    for event in timeline.of_kind("footstep")[::7]:
        near = {min(last, int(np.floor(event.time * layout.fps))), min(last, int(np.ceil(event.time * layout.fps)))}
        assert any(b["id"] == event.entity for i in near for b in layout.frames[i])
    crowd = {e.entity for e in timeline.of_kind("footstep") if e.entity.startswith("e8.")}
    assert len(crowd) >= 5  # the crowd walks too


def test_four_legged_footsteps_follow_the_walk_sequence(ctx):
    timeline = run(ctx, "lion")["timeline"]
    steps = [e for e in timeline.of_kind("footstep") if e.entity == "e0"]
    order = [(e.data["foot"], e.data["limb"]) for e in steps[:8]]
    sequence = [("left", "hind"), ("left", "front"), ("right", "hind"), ("right", "front")]
    start = sequence.index(order[0])
    assert order == [sequence[(start + k) % 4] for k in range(len(order))]
    assert {e.data["gait"] for e in steps} == {"stalk"}
    actions = [e for e in timeline.of_kind("action") if e.entity == "e0"]
    assert actions and actions[0].data["verb"] == "stalk"


def test_cuts_and_flickers_are_on_the_timeline_and_on_screen(ctx):
    out = run(ctx, "tokyo")
    frames, layout, timeline = out["frames"], out["layout"], out["timeline"]
    assert [e.time for e in timeline.of_kind("cut")] == [3.5, 7.0]
    flickers = timeline.of_kind("flicker")
    assert flickers and all(e.entity.startswith("e7.") for e in flickers)
    dimmed = 0
    for event in flickers:
        dip = round((event.time + 0.11) * frames.fps)  # the first dip of the flicker
        calm = dip - 12
        if calm < 0 or frames.cuts and any(calm < c <= dip for c in frames.cuts):
            continue
        boxes = [{b["id"]: b["box"] for b in layout.frames[i]}.get(event.entity) for i in (calm, dip)]
        if None in boxes or min(b[2] - b[0] for b in boxes) < 4:
            continue
        lum = []
        for i, box in zip((calm, dip), boxes):
            x0, y0, x1, y1 = (round(v) for v in box)
            lum.append(frames.read(i, i + 1)[0, y0:y1, x0:x1].mean())
        dimmed += lum[1] < lum[0] - 4
    assert dimmed >= 1


def test_layout_boxes_follow_the_subject_and_stay_in_frame(ctx):
    layout = run(ctx, "tokyo")["layout"]
    assert layout.summary()["entities"][0] == "e0"
    for frame in layout.frames:
        for entry in frame:
            x0, y0, x1, y1 = entry["box"]
            assert 0 <= x0 < x1 <= 256 and 0 <= y0 < y1 <= 144
            assert set(entry) == {"id", "name", "box"}
    names = {e["id"]: e["name"] for f in layout.frames for e in f}
    assert names["e0"] == "woman" and names["e8.0"] == "people"
