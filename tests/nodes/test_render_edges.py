"""Bad or sparse input still gives a coherent picture: empty scenes, unknown things, odd shot plans,
every setting, weather and time of day."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from nodes.render.node import animatic
from nodes.scene.model import SETTINGS, TIMES_OF_DAY, Scene
from tests.nodes import render_fixtures as fx

SMALL = {"width": 128, "height": 72, "fps": 8, "seed": 11}


def run(ctx, scene, shots=None, style=None, **params):
    shots = shots or fx.plan(fx.shot(0, 0.0, 2.0, "pan", (0.35, 0.5, 1.0), (0.65, 0.5, 1.0), subject=None))
    return animatic(ctx, animatic.parse_params({**SMALL, **params}), scene=scene, shots=shots, style=style)


def test_empty_scene_renders_background_and_camera_move(ctx):
    out = run(ctx, fx.empty_scene("city_street", "night"))
    frames = out["frames"].to_array()
    assert frames.std() > 15  # a street, not a blank
    first, last = frames[0].astype(int), frames[-1].astype(int)
    assert np.abs(first - last).mean() > 3  # the pan moved the view
    shift = [np.abs(np.roll(first, -dx, axis=1)[:, 20:-20] - last[:, 20:-20]).mean() for dx in range(40)]
    assert int(np.argmin(shift)) > 3  # ... sideways, as a pan should
    assert all(len(f) == 0 for f in out["layout"].frames)
    assert not out["timeline"].of_kind("footstep")


def test_unknown_entity_type_is_a_labelled_shape(ctx):
    plain = run(ctx, fx.empty_scene())["frames"].to_array().astype(int)
    out = run(ctx, fx.unknown_scene())
    frames = out["frames"].to_array().astype(int)
    boxes = [next((b["box"] for b in f if b["id"] == "e0"), None) for f in out["layout"].frames]
    assert all(b is not None for b in boxes)
    assert {b["name"] for f in out["layout"].frames for b in f} == {"gizmo"}
    x0, y0, x1, y1 = (round(v) for v in boxes[4])
    inside = np.abs(frames[4, y0:y1, x0:x1] - plain[4, y0:y1, x0:x1]).mean()
    outside = np.abs(frames[4, :, : x0 - 2] - plain[4, :, : x0 - 2]).mean() if x0 > 10 else 0.0
    assert inside > 20 and outside < 1.0  # drawn where the layout says, nothing elsewhere
    label = frames[4, y0:y1, x0:x1]
    assert (label.min(-1) > 200).sum() > 3  # white letters of the label
    xs = [(b[0] + b[2]) / 2 for b in boxes]
    assert abs(xs[-1] - xs[0]) > 1  # it floats across


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_setting_has_its_own_background(ctx, setting):
    frame = run(ctx, fx.empty_scene(setting, "day"))["frames"].read(0, 1)[0].astype(int)
    generic = run(ctx, fx.empty_scene("generic", "day"))["frames"].read(0, 1)[0].astype(int)
    assert frame.std() > 8
    if setting != "generic":
        assert np.abs(frame - generic).mean() > 8


@pytest.mark.parametrize("time", TIMES_OF_DAY)
def test_time_of_day_sets_the_light(ctx, time):
    frame = run(ctx, fx.empty_scene("savanna", time))["frames"].read(0, 1)[0].astype(float)
    sky = frame[:20].reshape(-1, 3).mean(0)
    if time == "night":
        assert sky.mean() < 40
    elif time == "day":
        assert sky[2] > sky[0] + 30 and sky.mean() > 110  # blue
    elif time == "sunset":
        assert frame[25:36].reshape(-1, 3).mean(0)[0] > frame[25:36].reshape(-1, 3).mean(0)[2] + 40  # orange low sky


@pytest.mark.parametrize("weather", ["snow", "fog"])
def test_weather_changes_the_picture(ctx, weather):
    clear = fx.SceneBuilder(setting="mountain", time_of_day="day").scene()
    stormy = fx.SceneBuilder(setting="mountain", time_of_day="day", weather=[weather]).scene()
    a = run(ctx, clear)["frames"].read(3, 5).astype(int)
    b = run(ctx, stormy)["frames"].read(3, 5).astype(int)
    assert np.abs(a - b).mean() > 3
    if weather == "snow":  # white flakes in the sky, and snow on the ground
        flakes = ((b[:, :20] - a[:, :20]).sum(-1) > 60).sum(axis=(1, 2))
        assert (flakes > 3).all() and not np.array_equal(flakes[0], flakes[1])
        assert b[:, -15:].mean() > a[:, -15:].mean() + 20
    else:  # fog flattens contrast
        assert b.std() < a.std()


def test_missing_optional_fields_and_wild_framings_are_tolerated(ctx):
    graph = nx.MultiDiGraph()
    graph.add_node("scene", kind="scene")  # no setting, time, weather...
    graph.add_node("e0", kind="entity", label="dog", type="animal")  # no count, salience, motions
    graph.add_node("e1", kind="entity", label="taxi", type="vehicle", count="many", motions=[{"verb": "drive"}])
    shots = fx.plan(
        fx.shot(0, 0.0, 1.0, "zoom_in", (-3.0, 9.0, 0.01), (2.0, 0.5, 50.0), subject="nobody"),
        fx.shot(1, 1.0, 1.0, "mystery", (0.5, 0.5, 1.0), (0.5, 0.5, 1.0), easing="bouncy", subject=None),
    )
    out = run(ctx, Scene(graph), shots=shots, fps=4)
    frames = out["frames"].to_array()
    assert frames.shape == (8, 72, 128, 3) and frames.std() > 5


def test_tiny_and_single_frame_renders(ctx):
    out = run(
        ctx,
        fx.tokyo_scene(),
        shots=fx.plan(fx.shot(0, 0.0, 0.1, "static", (0.5, 0.5, 1), (0.5, 0.5, 1))),
        width=16,
        height=16,
        fps=1,
    )
    assert out["frames"].count == 1 and out["frames"].read(0, 1).shape == (1, 16, 16, 3)
