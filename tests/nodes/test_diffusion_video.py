"""video.diffuse with tiny AnimateDiff, Wan, LTX-Video and CogVideoX: clips per shot from text,
and from keyframes or the animatic the way each family conditions on pictures."""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pytest
import torch

from nodes.datatypes import Frames
from nodes.diffusion.timing import shot_span
from nodes.video import diffuse as video_module
from nodes.video.diffuse import VideoParams, video_diffuse
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from tests.models.helpers import animatic, load_tiny, shot_plan
from tests.models.tiny import block_network

PLAN = shot_plan("a woman walks down a street", "a red car drives by")
# (model, side, frames asked) -> frames made; small enough for CPU, valid for each family
TEXT_TO_VIDEO = {"animatediff": (32, 4, 4), "wan": (16, 5, 5), "ltx": (32, 9, 9), "cogvideox": (16, 9, 9)}


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def video(ctx: NodeContext, manager: ModelManager, model: str, side: int, count: int, **kwargs) -> Frames:
    inputs = {k: kwargs.pop(k) for k in ("shots", "text", "frames") if k in kwargs}
    inputs.setdefault("shots", PLAN if "text" not in inputs else None)
    params = VideoParams(steps=2, width=side, height=side, clip_frames=count, **kwargs)
    return video_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, model), **inputs)["frames"]


@pytest.mark.parametrize("model", list(TEXT_TO_VIDEO))
def test_text_to_video_makes_one_clip_per_shot(ctx: NodeContext, manager: ModelManager, progress, model: str) -> None:
    side, asked, made = TEXT_TO_VIDEO[model]
    out = video(ctx, manager, model, side, asked, fps=8)
    assert out.to_array().shape == (2 * made, side, side, 3)
    assert out.cuts == (made,) and out.fps == 8
    steps = [c for c in progress.calls if c[1] == 4]  # 2 clips × 2 steps
    assert [c[0] for c in steps][-1] == 4
    previews = [c[2] for c in steps if c[2] is not None]
    assert len(previews) >= 2 and all(p.dtype == np.uint8 and p.shape[2] == 3 for p in previews)


def test_one_clip_from_text_and_determinism_per_seed(ctx: NodeContext, manager: ModelManager) -> None:
    a = video(ctx, manager, "wan", 16, 5, text="a cat on a roof").to_array()
    b = video(ctx, manager, "wan", 16, 5, text="a cat on a roof").to_array()
    c = video(dataclasses.replace(ctx, seed=99), manager, "wan", 16, 5, text="a cat on a roof").to_array()
    assert a.shape == (5, 16, 16, 3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_frame_counts_follow_the_model_and_the_shot_durations(ctx: NodeContext, manager: ModelManager) -> None:
    assert video(ctx, manager, "wan", 16, 7, text="rain").count == 5  # Wan makes 4k+1 frames
    assert video(ctx, manager, "wan", 16, 8, text="rain").count == 9  # the nearest 4k+1, not always fewer
    long_shots = shot_plan("one", "two", seconds=0.75)
    out = video(ctx, manager, "wan", 16, 0, shots=long_shots, fps=12)  # 0.75 s at 12 fps = 9 frames
    assert out.count == 18 and out.cuts == (9,)


def frames_used(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch, model: str, side: int, count: int, **kw
) -> None:
    """The clips change when the conditioning frames change: the frames are really used.

    Compared on the pipeline's float output, before 8-bit rounding: a tiny random model may move
    pixels by less than half a level, and whether that survives rounding depends on the CPU's
    floating-point path (it did not on an AMD EPYC)."""
    floats: list[np.ndarray] = []
    real = video_module.to_uint8

    def recording(frames):
        floats.append(np.asarray(frames, dtype=np.float64).copy())
        return real(frames)

    monkeypatch.setattr(video_module, "to_uint8", recording)
    layout = animatic(count=16, size=32)
    flipped = Frames.from_array(np.ascontiguousarray(layout.to_array()[:, :, ::-1]), fps=layout.fps)  # mirrored
    a = video(ctx, manager, model, side, count, frames=layout, **kw)
    video(ctx, manager, model, side, count, frames=flipped, **kw)
    assert a.count == 2 * count and a.cuts == (count,)
    clips = len(floats) // 2
    assert clips == 2
    changes = [np.abs(x - y).max() for x, y in zip(floats[:clips], floats[clips:], strict=True)]
    assert all(change > 0 for change in changes), changes


def test_animatediff_repaints_the_animatic(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames_used(ctx, manager, monkeypatch, "animatediff", 32, 4, strength=0.6)
    assert any(r["class"] == "AnimateDiffVideoToVideoPipeline" for r in manager.loaded())


def test_wan_goes_from_the_first_to_the_last_frame_of_each_shot(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proved on what the pipeline receives and encodes, not on a random model's pixels (whose
    sensitivity to one frame may round away to nothing on another CPU's floating-point path)."""
    from diffusers import WanImageToVideoPipeline

    real = WanImageToVideoPipeline.prepare_latents
    seen: list[dict] = []

    def spy(self, *args, **kwargs):
        bound = inspect.signature(real).bind(self, *args, **kwargs).arguments
        out = real(self, *args, **kwargs)
        seen.append({"image": bound["image"], "last_image": bound.get("last_image"), "condition": out[1]})
        return out

    monkeypatch.setattr(WanImageToVideoPipeline, "prepare_latents", spy)
    layout = animatic(count=16, size=32)
    lasts = [shot_span(layout, i, shot, len(PLAN.shots))[1] for i, shot in enumerate(PLAN.shots)]
    changed = layout.to_array().copy()
    changed[lasts] = 255 - changed[lasts]  # only each shot's last frame differs
    video(ctx, manager, "wan_flf2v", 16, 5, frames=layout)
    video(ctx, manager, "wan_flf2v", 16, 5, frames=Frames.from_array(changed, fps=layout.fps))
    assert len(seen) == 2 * len(PLAN.shots)
    for a, b in zip(seen[: len(PLAN.shots)], seen[len(PLAN.shots) :], strict=True):
        assert a["last_image"] is not None, "the FLF2V model must be given each shot's last frame"
        assert torch.equal(a["image"], b["image"])  # first frames unchanged
        # inverting a frame (255 - x) negates it in the pipeline's [-1, 1] range: exactly the
        # changed last frame arrived, up to the resize's rounding (measured ≤ 0.008)
        assert torch.allclose(b["last_image"], -a["last_image"], atol=0.03)
        assert (b["last_image"] - a["last_image"]).abs().mean() > 0.2
        # and it reached the VAE-encoded conditioning (in float: a tiny random VAE moves it by ~1e-4,
        # which 8-bit output pixels may round away, so the clip's pixels are not compared)
        assert not torch.equal(b["condition"], a["condition"])


def test_ltx_takes_keyframes_at_frame_indices(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames_used(ctx, manager, monkeypatch, "ltx", 32, 9, keyframes=2)
    assert any(r["class"] == "LTXConditionPipeline" for r in manager.loaded())


def test_cogvideox_starts_from_each_keyframe(ctx: NodeContext, manager: ModelManager) -> None:
    strip = Frames.from_array(animatic(count=2, size=16).to_array(), fps=1)  # one keyframe per shot
    out = video(ctx, manager, "cogvideox_i2v", 16, 9, frames=strip)
    assert out.to_array().shape == (18, 16, 16, 3)


def test_first_block_cache_runs(ctx: NodeContext, manager: ModelManager) -> None:
    pipeline = load_tiny(ctx, manager, "wan", step_cache="first_block", cache_threshold=0.2)
    params = VideoParams(steps=3, width=16, height=16, clip_frames=5)
    out = video_diffuse(ctx, params, pipeline=pipeline, text="rain on a window")["frames"]
    assert out.count == 5
    with pipeline.use() as pipe:
        assert pipe.transformer.is_cache_enabled


def test_a_text_model_with_frames_says_which_model_to_load(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="Wan-AI/Wan2.1-FLF2V") as err:
        video(ctx, manager, "wan", 16, 5, frames=animatic())
    assert err.value.name == "pipeline"


def test_an_image_model_without_frames_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="text2video") as err:
        video(ctx, manager, "cogvideox_i2v", 16, 9)
    assert err.value.name == "pipeline"


def test_neither_shots_nor_text_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError) as err:
        video(ctx, manager, "wan", 16, 5, shots=None)
    assert err.value.name == "shots"


def test_a_keyframe_model_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="text2video") as err:
        video(ctx, manager, "sd", 32, 4)
    assert err.value.name == "pipeline"
