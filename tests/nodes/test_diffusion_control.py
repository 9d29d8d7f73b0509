"""Keyframes that follow the animatic's control maps through a tiny random ControlNet: the map
changes the picture, the family's ControlNet pipeline runs over the resident model's modules,
and a ControlNet for another model, maps of the wrong shape or length, or maps without a
ControlNet are refused on the widget at fault."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.diffusion.controlnet import ControlNetParams, controlnet
from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from tests.models.helpers import animatic, load_tiny, shot_plan
from tests.models.tiny import block_network, tiny_model

PLAN = shot_plan("a woman walks down a street", "a red car at night")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def attach(ctx: NodeContext, manager: ModelManager, model: str = "sd", net: str = "sd_controlnet", **params):
    base = load_tiny(ctx, manager, model)
    return controlnet(ctx, ControlNetParams(controlnet=str(tiny_model(net)), **params), pipeline=base)["pipeline"]


def keyframes(ctx: NodeContext, pipeline, control: Frames | None, **kwargs) -> np.ndarray:
    params = KeyframeParams(**{"steps": 2, "width": 32, "height": 32, **kwargs})
    return keyframes_diffuse(ctx, params, pipeline=pipeline, shots=PLAN, control=control)["frames"].to_array()


@pytest.mark.slow  # six keyframe runs of two shots: ~20-45 s on a loaded 2-core machine
def test_keyframes_follow_the_control_maps(ctx: NodeContext, manager: ModelManager) -> None:
    pipeline = attach(ctx, manager)
    maps = animatic(count=16, size=32)  # a timed sequence, like render.controls' output
    mirrored = Frames.from_array(np.ascontiguousarray(maps.to_array()[:, :, ::-1]), fps=maps.fps)
    a = keyframes(ctx, pipeline, maps, chain=False)
    b = keyframes(ctx, pipeline, mirrored, chain=False)
    assert a.shape == (2, 32, 32, 3) and not np.array_equal(a, b)
    chained = keyframes(ctx, pipeline, maps, chain=True)  # image-to-image with control
    assert chained.shape == (2, 32, 32, 3)
    classes = {r["class"] for r in manager.loaded()}
    assert "StableDiffusionPipeline" in classes  # the ControlNet pipelines share the resident modules
    weaker = keyframes(ctx, attach(ctx, manager, scale=0.0), maps, chain=False)
    plain = keyframes(ctx, load_tiny(ctx, manager, "sd"), None, chain=False)
    assert np.abs(weaker.astype(int) - plain).max() <= 1, "scale 0 is the model without control"


def test_flux_keyframes_follow_the_maps_through_a_flux_controlnet(ctx: NodeContext, manager: ModelManager) -> None:
    from nodes.keyframes import diffuse as keyframes_module

    pipeline = attach(ctx, manager, "flux", "flux_controlnet")
    maps = animatic(count=16, size=32)
    mirrored = Frames.from_array(np.ascontiguousarray(maps.to_array()[:, :, ::-1]), fps=maps.fps)
    floats: list[np.ndarray] = []
    to_uint8 = keyframes_module.to_uint8
    keyframes_module.to_uint8 = lambda x: floats.append(np.asarray(x, np.float64)) or to_uint8(x)
    try:
        # first from text, then image-to-image with control (4 steps: at 2, a flow model's img2img at
        # strength 0.65 starts from pure noise, diffusers rounding the skipped steps down to none)
        a = keyframes(ctx, pipeline, maps, chain=True, steps=4)
        keyframes(ctx, pipeline, mirrored, chain=True, steps=4)
    finally:
        keyframes_module.to_uint8 = to_uint8
    assert a.shape == (2, 32, 32, 3)
    assert all(np.abs(x - y).max() > 0 for x, y in zip(floats[:2], floats[2:], strict=True))
    with pytest.raises(NodeInputError, match="steers flux") as err:
        attach(ctx, manager, "sd", "flux_controlnet")
    assert err.value.name == "controlnet"


def test_sdxl_keyframes_follow_the_maps_through_an_sdxl_controlnet(ctx: NodeContext, manager: ModelManager) -> None:
    from nodes.keyframes import diffuse as keyframes_module

    pipeline = attach(ctx, manager, "sdxl", "sdxl_controlnet")
    maps = animatic(count=16, size=32)
    mirrored = Frames.from_array(np.ascontiguousarray(maps.to_array()[:, :, ::-1]), fps=maps.fps)
    floats: list[np.ndarray] = []
    to_uint8 = keyframes_module.to_uint8
    keyframes_module.to_uint8 = lambda x: floats.append(np.asarray(x, np.float64)) or to_uint8(x)
    try:
        keyframes(ctx, pipeline, maps, chain=False)
        keyframes(ctx, pipeline, mirrored, chain=False)
    finally:
        keyframes_module.to_uint8 = to_uint8
    assert len(floats) == 4  # the first shot's map differs when mirrored (the second's is symmetric)
    assert np.abs(floats[0] - floats[2]).max() > 0


def test_a_controlnet_for_another_model_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="cross_attention_dim") as err:
        attach(ctx, manager, "sdxl")
    assert err.value.name == "controlnet"
    with pytest.raises(NodeInputError, match="steers sd or sdxl") as err:
        attach(ctx, manager, "flux")
    assert err.value.name == "controlnet"


def test_maps_of_the_wrong_shape_or_length_or_without_controlnet_are_refused(
    ctx: NodeContext, manager: ModelManager
) -> None:
    pipeline = attach(ctx, manager)
    with pytest.raises(NodeInputError, match="aspect ratio") as err:
        keyframes(ctx, pipeline, Frames.from_array(np.zeros((16, 16, 32, 3), np.uint8), fps=16))
    assert err.value.name == "control"
    with pytest.raises(NodeInputError, match="last 0.19 s"):
        keyframes(ctx, pipeline, animatic(count=3, size=32))
    with pytest.raises(NodeInputError, match="need a ControlNet") as err:
        keyframes(ctx, load_tiny(ctx, manager, "sd"), animatic(count=16, size=32))
    assert err.value.name == "control"
    with pytest.raises(NodeInputError, match="connect control maps"):
        keyframes(ctx, pipeline, None)


def test_the_picker_lists_controlnets_under_the_family_they_steer(tmp_path) -> None:
    from server.models.catalog import find_models

    (tmp_path / "depth-sd").symlink_to(tiny_model("sd_controlnet"), target_is_directory=True)
    [entry] = [m for m in find_models([tmp_path], None) if m.kind == "controlnet"]
    assert (entry.name, entry.class_name, entry.family) == ("depth-sd", "ControlNetModel", "sd")


def vace_clips(ctx: NodeContext, manager: ModelManager, model: str = "wan_vace", **inputs) -> Frames:
    from nodes.video.diffuse import VideoParams, video_diffuse

    params = VideoParams(steps=2, width=16, height=16, clip_frames=5)
    return video_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, model), shots=PLAN, **inputs)["frames"]


def test_wan_vace_clips_follow_the_control_maps_frame_by_frame(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diffusers import WanVACEPipeline

    from nodes.video import diffuse as video_module

    seen: list[dict] = []
    real = WanVACEPipeline.__call__

    @functools.wraps(real)  # keeps the signature the node reads
    def spy(self, *args, **kwargs):
        seen.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(WanVACEPipeline, "__call__", spy)
    floats: list[np.ndarray] = []  # compared before 8-bit rounding, which may hide a tiny model's change
    to_uint8 = video_module.to_uint8
    monkeypatch.setattr(video_module, "to_uint8", lambda x: floats.append(np.asarray(x, np.float64)) or to_uint8(x))
    maps = animatic(count=16, size=32)
    keys = Frames.from_array(animatic(count=2, size=32).to_array(), fps=1)
    a = vace_clips(ctx, manager, control=maps, frames=keys)
    assert a.to_array().shape == (10, 16, 16, 3) and a.cuts == (5,)
    assert [len(call["video"]) for call in seen] == [5, 5] and all(len(c["reference_images"]) == 1 for c in seen)
    first_shot = np.stack([np.asarray(im) for im in seen[0]["video"]])
    assert first_shot.shape == (5, 16, 16, 3) and not np.array_equal(first_shot[0], first_shot[-1])  # it moves
    vace_clips(ctx, manager, control=Frames.from_array(np.zeros((16, 32, 32, 3), np.uint8), fps=16), frames=keys)
    assert len(floats) == 4  # the first shot's map differs when mirrored (the second's is symmetric)
    assert np.abs(floats[0] - floats[2]).max() > 0


def test_control_maps_need_a_vace_model_and_the_pictures_shape(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="Wan VACE") as err:
        vace_clips(ctx, manager, "wan", control=animatic(count=16, size=32))
    assert err.value.name == "control"
    with pytest.raises(NodeInputError, match="aspect ratio") as err:
        vace_clips(ctx, manager, control=Frames.from_array(np.zeros((16, 16, 32, 3), np.uint8), fps=16))
    assert err.value.name == "control"
