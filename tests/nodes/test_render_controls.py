"""render.controls: the animatic's exact control maps. Checked against what was drawn: each
person's OpenPose neck lies on that person's own silhouette, each actor's depth is its distance
on the fixed scale, the ground gets nearer row by row, and the maps line up frame for frame with
the animatic (a misaligned animatic is refused). A contact sheet is written for eyes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nodes.render.control_maps import ADE, MAPS, ControlRenderer, contact_sheet
from nodes.render.controls import ControlParams, controls
from nodes.render.node import AnimaticParams, animatic
from nodes.render.plan import RenderPlan
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from tests.nodes.render_fixtures import lion_scene, lion_shots, lion_style, tokyo_scene, tokyo_shots, tokyo_style

SIZE = {"width": 320, "height": 180, "fps": 8}


@pytest.fixture(scope="module")
def tokyo() -> ControlRenderer:
    plan = RenderPlan(tokyo_scene(), tokyo_shots(), tokyo_style(), keyframe_every=1, seed=3, **SIZE)
    return ControlRenderer(plan)


def test_the_neck_of_every_clear_figure_lies_on_its_own_silhouette(tokyo: ControlRenderer) -> None:
    hits = total = 0
    for index in (0, tokyo.plan.count // 2, tokyo.plan.count - 1):
        frame = tokyo.frame(index)
        setup = tokyo.plan.setups[tokyo.plan.shot_index(index)]
        people = [i for i, p in enumerate(setup.placed) if p.actor.kind == "person"]
        assert len(frame.keypoints) == len(people)
        for person, actor in zip(frame.keypoints, people, strict=True):
            x, y, seen = person[1]
            if not seen:
                continue
            total += 1
            hits += int(frame.ids[int(y), int(x)] == actor)
    assert total >= 10 and hits / total >= 0.8, (hits, total)  # the rest are hidden behind nearer people


def test_depth_is_each_actors_distance_and_the_ground_nears_downward(tokyo: ControlRenderer) -> None:
    index = tokyo.plan.count // 2
    frame = tokyo.frame(index)
    setup = tokyo.plan.setups[tokyo.plan.shot_index(index)]
    pos = tokyo.animatic.batch(setup).at(tokyo.plan.time_of(index))
    depth = frame.depth[:, :, 0]
    assert np.array_equal(frame.depth[:, :, 0], frame.depth[:, :, 2])
    seen = [i for i in np.unique(frame.ids) if i >= 0]
    assert len(seen) >= 3
    for i in seen:
        assert set(np.unique(depth[frame.ids == i])) == {tokyo.depth_value(float(pos[i, 2]))}
    ground = depth[:, 0][frame.ids[:, 0] < 0]
    assert np.all(np.diff(ground.astype(int)) >= 0) and ground[-1] > ground[0]
    assert (frame.segmentation[frame.ids >= 0] == ADE["person"]).all(axis=-1).mean() > 0.5


def test_tokyo_contact_sheet(tokyo: ControlRenderer, test_out: Path) -> None:
    picks = np.linspace(0, tokyo.plan.count - 1, 4).round().astype(int)
    frames = [tokyo.frame(int(i)) for i in picks]
    pictures = np.stack([tokyo.animatic.produce(int(i), int(i) + 1)[0] for i in picks])
    sheet = contact_sheet({n: np.stack([getattr(f, n) for f in frames]) for n in MAPS}, pictures)
    Image.fromarray(sheet).save(test_out / "render_controls_tokyo_sheet.png")  # for eyes
    assert sheet.shape == (4 * (180 + 14), 5 * 320, 3)


def test_poses_use_openpose_colours_and_edges_follow_the_picture(tokyo: ControlRenderer) -> None:
    frame = tokyo.frame(0)
    colours = {tuple(c) for c in frame.pose.reshape(-1, 3)}
    assert (255, 0, 0) in colours and (0, 0, 0) in colours  # the red nose point on black
    assert frame.edges.max() == 255 and 0.01 < (frame.edges[:, :, 0] > 0).mean() < 0.5


def test_node_makes_lazy_maps_aligned_with_the_animatic(ctx: NodeContext, test_out: Path) -> None:
    scene, shots, style = lion_scene(), lion_shots(), lion_style()
    params = dict(SIZE, seed=1)
    made = animatic(ctx, AnimaticParams(**params), scene=scene, shots=shots, style=style)
    out = controls(ctx, ControlParams(**params), scene=scene, shots=shots, style=style, frames=made["frames"])
    assert set(out) == set(MAPS)
    picks = [0, made["frames"].count - 1]
    for name in MAPS:
        maps = out[name]
        assert (maps.count, maps.width, maps.height, maps.fps, maps.cuts) == (
            made["frames"].count,
            320,
            180,
            made["frames"].fps,
            made["frames"].cuts,
        )
    segments = np.stack([out["segmentation"].read(i, i + 1)[0] for i in picks])
    assert (segments == ADE["quadruped"]).all(axis=-1).any() and (segments == ADE["grass"]).all(axis=-1).any()
    sheet = contact_sheet(
        {n: np.stack([out[n].read(i, i + 1)[0] for i in picks]) for n in MAPS},
        np.stack([made["frames"].read(i, i + 1)[0] for i in picks]),
    )
    Image.fromarray(sheet).save(test_out / "render_controls_lion_sheet.png")  # for eyes
    assert sheet.shape[1] == 5 * 320


def test_maps_for_a_different_animatic_are_refused(ctx: NodeContext) -> None:
    scene, shots = lion_scene(), lion_shots()
    made = animatic(ctx, AnimaticParams(**SIZE), scene=scene, shots=shots)
    with pytest.raises(NodeInputError, match="set width, height") as err:
        controls(ctx, ControlParams(width=160, height=90, fps=8), scene=scene, shots=shots, frames=made["frames"])
    assert err.value.name == "frames"
