"""image.animate: camera words, parallax (near moves more than far), covered edges, ambient
motion, the heuristic depth, a tiny random DPT through the real model loader, bad inputs."""

from __future__ import annotations

import cv2
import networkx as nx
import numpy as np
import pytest

from nodes.image.ambient import effects_from_scene, parse_effects
from nodes.image.animate import AnimateParams, animate
from nodes.image.camera import parse_camera
from nodes.image.depth import heuristic_depth
from nodes.scene.model import Scene
from server.engine.errors import NodeInputError

W, H = 320, 180


def landscape(width: int = 480, height: int = 270, seed: int = 3) -> np.ndarray:
    """Smooth sky above, a textured field below and a bright textured subject in front."""
    rng = np.random.default_rng(seed)
    img = np.zeros((height, width, 3), np.uint8)
    horizon = height * 2 // 5
    sky = np.linspace([120, 170, 235], [170, 200, 240], horizon)[:, None, :]
    haze = cv2.resize(rng.normal(0, 6, (horizon // 10, width // 10)), (width, horizon))[..., None]  # faint clouds
    img[:horizon] = np.clip(sky + haze, 0, 255).astype(np.uint8)
    field = cv2.resize(rng.integers(40, 140, (height // 6, width // 6, 3), dtype=np.uint8), (width, height - horizon))
    img[horizon:] = (field * np.array([0.5, 1.0, 0.4])).astype(np.uint8)
    cx, cy, r = width // 2, height * 3 // 5, height // 5
    blob = cv2.resize(
        rng.integers(150, 255, (8, 8, 3), dtype=np.uint8), (2 * r, 2 * r), interpolation=cv2.INTER_NEAREST
    )
    mask = np.zeros((2 * r, 2 * r), np.uint8)
    cv2.circle(mask, (r, r), r, 1, -1)
    region = img[cy - r : cy + r, cx - r : cx + r]
    region[mask > 0] = blob[mask > 0]
    return img


def run(ctx, image=None, scene=None, **params) -> dict:
    defaults = {"width": W, "height": H, "duration": 1.0, "fps": 12, "motion": "none"}
    return animate(ctx, AnimateParams(**{**defaults, **params}), image=landscape() if image is None else image,
                   scene=scene)  # fmt: skip


def shift(a: np.ndarray, b: np.ndarray) -> float:
    """Horizontal displacement of ``b`` against ``a`` (phase correlation, sub-pixel)."""
    ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float32)
    (dx, _dy), _ = cv2.phaseCorrelate(ga, gb)
    return dx


@pytest.mark.parametrize(
    "words,kind,sign",
    [("slow push in", "dolly", 1), ("pull out", "dolly", -1), ("pan left", "pan_x", -1), ("Tilt up!", "pan_y", -1),
     ("truck right", "truck_x", 1), ("orbit", "orbit", 1), ("crane down", "truck_y", 1)],
)  # fmt: skip
def test_camera_words(words, kind, sign) -> None:
    move = parse_camera(words)
    assert np.sign(getattr(move, kind)) == sign
    assert sum(1 for v in vars(move).values() if v) == 1


def test_pace_words_and_combinations() -> None:
    slow, fast = parse_camera("slow push in"), parse_camera("fast push in")
    assert 0 < slow.dolly < fast.dolly
    both = parse_camera("gentle push in and pan right")
    assert both.dolly > 0 and both.pan_x > 0
    assert parse_camera("static").is_static


def test_unknown_camera_words_are_refused() -> None:
    with pytest.raises(NodeInputError, match="names no camera move.*push in") as err:
        parse_camera("do a barrel roll")
    assert err.value.name == "camera"


def test_frames_have_the_asked_shape_and_the_push_in_magnifies(ctx, progress) -> None:
    out = run(ctx, camera="push in", strength=2.0)
    frames = out["frames"]
    assert (frames.count, frames.height, frames.width, frames.fps) == (12, H, W, 12.0)
    video = frames.to_array()
    assert video.shape == (12, H, W, 3) and video.dtype == np.uint8
    first, last = (cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (video[0], video[-1]))
    # the last frame is a magnified centre of the first: the best zoom matching them is > 1
    errors = {}
    for zoom in (1.0, 1.1, 1.2, 1.3, 1.4, 1.5):
        m = cv2.getRotationMatrix2D((W / 2, H / 2), 0, zoom)
        errors[zoom] = float(np.abs(cv2.warpAffine(first, m, (W, H)).astype(int) - last)[40:-40, 60:-60].mean())
    assert min(errors, key=errors.get) >= 1.2
    assert out["depth"].shape == (270, 480, 3)
    assert progress.calls[-1][0] == progress.calls[-1][1] and isinstance(progress.calls[-1][2], np.ndarray)


def test_trucking_moves_near_things_more_than_far_ones(ctx) -> None:
    frames = run(ctx, camera="truck left", strength=2.0)["frames"].to_array()
    top = shift(frames[0][10:60], frames[-1][10:60])  # sky: far
    bottom = shift(frames[0][-50:-5], frames[-1][-50:-5])  # field: near
    assert top > 0 and bottom > 0  # the camera moves left, the picture slides right
    assert bottom > 1.5 * top


def test_no_frame_shows_past_the_picture(ctx) -> None:
    for camera in ("orbit", "pull out", "pan right", "dramatic truck left"):
        frames = run(ctx, camera=camera)["frames"].to_array()
        edges = np.concatenate([frames[:, :, :2], frames[:, :, -2:]], axis=2)
        assert edges.max(axis=-1).min() > 0, camera  # the picture has no black: any black is an uncovered edge


def test_a_static_camera_without_motion_holds_still_and_rain_moves(ctx) -> None:
    still = run(ctx, camera="static")["frames"].to_array()
    assert np.array_equal(still[0], still[-1])
    rain = run(ctx, camera="static", motion="rain")["frames"].to_array()
    assert np.abs(rain[0].astype(int) - rain[5]).mean() > 0.5
    assert np.abs(rain[0].astype(int) - still[0]).mean() < 20  # an overlay, not a new picture


def test_ripples_and_clouds_change_only_their_part(ctx) -> None:
    water = landscape()
    water[160:] = (60, 100, 190)
    water[160:] += np.random.default_rng(0).integers(0, 30, water[160:].shape, dtype=np.uint8)
    frames = run(ctx, image=water, camera="static", motion="ripple, clouds")["frames"].to_array()
    change = np.abs(frames[0].astype(int) - frames[6]).mean(axis=(1, 2))
    assert change[-40:].mean() > 0.5  # the water moves
    assert change[:20].mean() > 0.05  # the clouds drift


def test_effects_follow_the_scene() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("scene", kind="scene", setting="lake", location="lake", weather=["rain"])
    graph.add_node("e0", kind="entity", label="cloud", type="object")
    assert effects_from_scene(Scene(graph)) == {"rain", "ripple", "clouds"}
    assert parse_effects("auto", None) == set()
    assert parse_effects("none", Scene(graph)) == set()
    with pytest.raises(NodeInputError) as err:
        parse_effects("snow, ripple", None)
    assert err.value.name == "motion"


def test_heuristic_depth_puts_the_ground_and_subject_nearer_than_the_sky() -> None:
    img = landscape()
    depth = heuristic_depth(img)
    assert depth.shape == img.shape[:2] and depth.dtype == np.float32
    assert 0.0 <= depth.min() and depth.max() <= 1.0
    sky, ground, subject = depth[:60].mean(), depth[-30:].mean(), depth[150:170, 230:250].mean()
    assert sky < 0.3 < ground and subject > sky + 0.3


def test_bad_images_are_refused(ctx) -> None:
    for bad in (np.zeros((10, 10, 3), np.uint8), np.zeros((64, 64), np.uint8), "picture.png"):
        with pytest.raises(NodeInputError) as err:
            run(ctx, image=bad)
        assert err.value.name == "image"


@pytest.fixture(scope="module")
def tiny_dpt(tmp_path_factory):
    """A randomly initialised DPT depth model with its image processor, saved like a real one."""
    import torch
    from transformers import DPTConfig, DPTForDepthEstimation, DPTImageProcessorPil

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("dpt")
    config = DPTConfig(
        image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=4, num_attention_heads=2,
        intermediate_size=37, backbone_out_indices=[0, 1, 2, 3], neck_hidden_sizes=[8, 8, 16, 16],
        fusion_hidden_size=16, reassemble_factors=[4, 2, 1, 0.5], head_in_index=-1,
    )  # fmt: skip
    DPTForDepthEstimation(config).save_pretrained(folder)
    DPTImageProcessorPil(size={"height": 32, "width": 32}, keep_aspect_ratio=False).save_pretrained(folder)
    return folder


def test_a_depth_model_loads_through_the_model_manager(ctx, tiny_dpt) -> None:
    from server.models import ModelManager

    ctx.models = ModelManager(device="cpu")
    out = run(ctx, depth_model=str(tiny_dpt), device="cpu", camera="orbit")
    depth = out["depth"][..., 0]
    assert depth.shape == (270, 480) and depth.std() > 1  # a real map, not a constant
    assert not np.array_equal(depth, (heuristic_depth(landscape()) * 255 + 0.5).astype(np.uint8))
    assert out["frames"].to_array().shape == (12, H, W, 3)
    assert [m["kind"] for m in ctx.models.loaded()] == ["depth"]


def test_a_missing_depth_model_names_the_parameter(ctx, tmp_path) -> None:
    from server.models import ModelManager

    ctx.models = ModelManager(device="cpu")
    with pytest.raises(NodeInputError) as err:
        run(ctx, depth_model=str(tmp_path / "nowhere"))
    assert err.value.name == "depth_model"
