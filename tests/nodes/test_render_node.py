"""render.animatic as a node: contract, params, shapes, timing, determinism and lazy production."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from nodes.datatypes import Frames, Layout, Timeline
from nodes.render.node import animatic
from server.engine.errors import NodeInputError
from tests.nodes import render_fixtures as fx

SMALL = {"width": 96, "height": 64, "fps": 12}


def run(ctx, scene=None, shots=None, style=None, **params):
    values = animatic.parse_params({**SMALL, **params})
    return animatic(
        ctx,
        values,
        scene=scene or fx.tokyo_scene(),
        shots=shots or fx.tokyo_shots(),
        style=style if style is not None else fx.tokyo_style(),
    )


def test_contract():
    assert animatic.id == "render.animatic"
    assert animatic.category == "render"
    assert animatic.deterministic and animatic.has_seed
    assert set(animatic.inputs) == {"scene", "shots", "style", "music", "voice"}
    assert all(animatic.inputs[name].optional for name in ("style", "music", "voice"))
    assert {n: o.type for n, o in animatic.outputs.items()} == {
        "frames": "FRAMES",
        "layout": "LAYOUT",
        "timeline": "TIMELINE",
    }
    schema = animatic.param_schema["properties"]
    assert schema["width"]["minimum"] == 16 and schema["width"]["maximum"] == 4096
    assert schema["seed"]["maximum"] == 2**32 - 1
    assert schema["keyframe_every"]["minimum"] == 1 and schema["keyframe_every"]["maximum"] == 8


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("width", 0, "greater than or equal to 16"),
        ("width", 100_000, "less than or equal to 4096"),
        ("height", 99, "even"),
        ("fps", 0, "greater than or equal to 1"),
        ("fps", 121, "less than or equal to 120"),
        ("keyframe_every", 9, "less than or equal to 8"),
        ("seed", -1, "greater than or equal to 0"),
    ],
)
def test_params_out_of_range_are_refused_with_the_range(name, value, needle):
    with pytest.raises(ValidationError) as err:
        animatic.parse_params({name: value})
    assert needle in str(err.value)


def test_bad_runtime_inputs_name_the_input(ctx):
    empty = fx.plan()
    with pytest.raises(NodeInputError) as err:
        run(ctx, shots=empty)
    assert err.value.name == "shots"
    with pytest.raises(NodeInputError) as err:
        animatic(ctx, animatic.parse_params(SMALL), scene={"not": "a scene"}, shots=fx.tokyo_shots(), style=None)
    assert err.value.name == "scene"


def test_outputs_shapes_timing_and_cuts(ctx, progress):
    out = run(ctx)
    frames, layout, timeline = out["frames"], out["layout"], out["timeline"]
    assert isinstance(frames, Frames) and isinstance(layout, Layout) and isinstance(timeline, Timeline)
    assert (frames.count, frames.height, frames.width, frames.fps) == (120, 64, 96, 12.0)
    assert frames.cuts == (42, 84)  # shots start at 3.5 s and 7 s
    assert frames.nbytes == 0  # lazy: nothing is held until someone reads
    chunk = frames.read(0, 8)
    assert chunk.shape == (8, 64, 96, 3) and chunk.dtype == np.uint8
    assert len(layout.frames) == frames.count and layout.fps == frames.fps
    assert timeline.duration == pytest.approx(10.0)
    assert [e.time for e in timeline.of_kind("cut")] == [3.5, 7.0]
    assert progress.calls[-1][:2] == (3, 3)
    preview = progress.calls[-1][2]
    assert preview.shape == (64, 96, 3)


def test_same_seed_same_frames_other_seed_differs(ctx):
    a = run(ctx, seed=7)["frames"].read(30, 34)
    b = run(ctx, seed=7)["frames"].read(30, 34)
    c = run(ctx, seed=8)["frames"].read(30, 34)
    assert np.array_equal(a, b)
    assert np.abs(a.astype(int) - c).mean() > 1.0


def test_lazy_chunks_equal_a_full_render_in_any_order(ctx):
    frames = run(ctx, fps=6)["frames"]
    full = frames.to_array()
    assert np.array_equal(frames.read(13, 29), full[13:29])
    assert np.array_equal(np.concatenate(list(frames.chunks(7))), full)
    fresh = run(ctx, fps=6)["frames"]
    assert np.array_equal(fresh.read(50, 51)[0], full[50])  # any frame from its index alone
    assert np.array_equal(fresh.read(2, 3)[0], full[2])


def test_keyframes_are_every_nth_frame_at_a_lower_rate(ctx):
    every = run(ctx)["frames"]
    keys = run(ctx, keyframe_every=4)["frames"]
    assert keys.fps == 3.0 and keys.count == 30
    assert keys.cuts == (11, 21)  # first keyframes at or after 3.5 s and 7 s
    assert np.array_equal(keys.read(0, 30), every.read(0, 120)[::4])


def test_style_is_optional_and_tints_the_frame(ctx):
    graded = run(ctx, style=fx.tokyo_style())["frames"].read(10, 11)[0].astype(float)
    plain = animatic(ctx, animatic.parse_params(SMALL), scene=fx.tokyo_scene(), shots=fx.tokyo_shots())
    neutral = plain["frames"].read(10, 11)[0].astype(float)
    assert np.abs(graded - neutral).mean() > 2.0
    pink = fx.style(("#ff3b9b",), saturation=0.5)
    cool = fx.style(("#3b9bff",), saturation=0.5)
    warm_img = run(ctx, style=pink)["frames"].read(10, 11)[0].astype(float)
    cool_img = run(ctx, style=cool)["frames"].read(10, 11)[0].astype(float)
    assert (warm_img[..., 0] - warm_img[..., 2]).mean() > (cool_img[..., 0] - cool_img[..., 2]).mean() + 5
