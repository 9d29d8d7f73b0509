"""scene.shots and scene.picture: timing, camera language, prompts, storyboard and picture files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from nodes.scene.build import build_scene
from nodes.scene.model import Scene
from nodes.scene.picture_node import PictureParams, scene_picture_files
from nodes.scene.plan import BODY_Y, plan_shots
from nodes.scene.shots import CAMERA_MOVES, ShotPlan
from nodes.scene.shots_node import ShotsParams, scene_shots
from nodes.text.pipeline import analyse

from .test_text_analyze import TOKYO


def scene_of(text: str) -> Scene:
    return build_scene(analyse(text, "builtin"))


def check_timing(plan: ShotPlan, duration: float) -> None:
    assert plan.duration == duration
    assert plan.shots[0].start == 0.0
    for a, b in zip(plan.shots, plan.shots[1:]):
        assert b.start == pytest.approx(a.end, abs=1e-6)
    assert plan.shots[-1].end == pytest.approx(duration, abs=1e-6)
    assert all(s.duration > 0 and s.camera.move in CAMERA_MOVES for s in plan.shots)


@pytest.mark.parametrize("duration", [1.0, 4.0, 10.0, 37.5, 600.0])
def test_total_duration_is_respected(duration: float) -> None:
    plan = plan_shots(scene_of(TOKYO), duration, max_shots=6)
    check_timing(plan, duration)
    assert 1 <= len(plan.shots) <= 6
    if duration >= 9:
        assert min(s.duration for s in plan.shots) >= 1.5


def test_max_shots_and_sentence_order() -> None:
    scene = scene_of(TOKYO)
    assert len(plan_shots(scene, 60.0, max_shots=2).shots) == 2
    plan = plan_shots(scene, 60.0, max_shots=12)
    assert len(plan.shots) == 6  # one per sentence when there is room
    assert [s.sentence for s in plan.shots] == sorted(s.sentence for s in plan.shots)


def test_tokyo_plan_tracks_the_walking_woman_with_full_prompts(ctx, progress, test_out) -> None:
    scene = scene_of(TOKYO)
    out = scene_shots(ctx, ShotsParams(duration=10.0), scene=scene)
    plan, board = out["shots"], out["storyboard"]
    check_timing(plan, 10.0)
    first = plan.shots[0]
    woman = scene.find("woman")
    assert (first.subject, first.action, first.camera.move) == (woman, "walk", "track")
    assert first.camera.end.center[0] > first.camera.start.center[0]  # following her motion
    for word in ("woman", "black leather jacket", "Tokyo street", "night", "neon"):
        assert word in first.prompt
    assert progress.calls[-1][2] is board
    assert board.dtype == np.uint8 and board.shape[2] == 3
    Image.fromarray(board).save(test_out / "storyboard_tokyo.png")
    again = ShotPlan.from_json(plan.to_json())
    assert again == plan


def test_zoom_in_on_her_jacket_is_honoured() -> None:
    scene = scene_of("A woman walks down a rainy street. The camera zooms in on her jacket. She smiles.")
    shot = plan_shots(scene, 9.0).shots[1]
    assert shot.camera.move == "zoom_in" and shot.subject == scene.find("woman")
    assert shot.camera.end.zoom > shot.camera.start.zoom
    assert shot.camera.end.center[1] == pytest.approx(BODY_Y["jacket"])
    assert "zoom in on the jacket" in shot.prompt


def test_drone_shot_and_pan_are_honoured() -> None:
    scene = scene_of(
        "A drone shot of a waterfall in a lush green jungle. The camera pans across the river from right to left."
    )
    aerial, pan = plan_shots(scene, 8.0).shots
    assert aerial.prompt.startswith("cinematic aerial drone shot of a waterfall")
    assert aerial.camera.move == "dolly_in"
    assert pan.camera.move == "pan" and pan.camera.end.center[0] < pan.camera.start.center[0]


def test_close_up_of_her_face_frames_the_head() -> None:
    scene = scene_of("A girl reads in a cafe. Close-up of her face as she laughs.")
    shot = plan_shots(scene, 6.0).shots[1]
    assert shot.subject == scene.find("girl") and shot.camera.start.zoom >= 2.0
    assert shot.camera.start.center[1] < 0.4


def test_picture_node_writes_png_and_svg(ctx, test_out) -> None:
    scene = scene_of(TOKYO)
    plan = plan_shots(scene, 10.0)
    media = scene_picture_files(ctx, PictureParams(name="tokyo"), scene=scene, shots=plan)["files"]
    names = sorted(p.rsplit("/", 1)[-1] for p in media.extra["files"])
    assert names == ["scene_graph.png", "scene_graph.svg", "storyboard.png", "storyboard.svg"]
    assert media.path == ctx.output_dir / "tokyo" and media.is_valid()
    for path in media.extra["files"]:
        if path.endswith(".png"):
            with Image.open(path) as img:
                assert img.mode == "RGB" and img.width > 600
                img.save(test_out / f"picture_node_{path.rsplit('/', 1)[-1]}")
        else:
            root = ET.parse(path).getroot()
            assert root.tag.endswith("svg") and len(root) > 20
    assert not [p for p in media.path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_picture_node_refuses_unsafe_names() -> None:
    with pytest.raises(ValueError):
        PictureParams(name="../escape")
