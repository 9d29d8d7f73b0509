"""The newer families through the nodes, with tiny random twins saved and loaded back:
Wan 2.2 (TI2V-5B and the A14B pair of experts), SkyReels-V2 and Stable Video Diffusion in
video.diffuse; FLUX.1 and SD 3.5 in keyframes.diffuse; each family's own parameter rules."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
from nodes.video.diffuse import VideoParams, video_diffuse
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from tests.models.helpers import animatic, load_tiny, shot_plan
from tests.models.tiny import block_network

PLAN = shot_plan("a woman walks down a street", "a red car drives by")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def video(ctx: NodeContext, manager: ModelManager, model: str, side: int, count: int, **kwargs) -> Frames:
    inputs = {k: kwargs.pop(k) for k in ("shots", "text", "frames") if k in kwargs}
    inputs.setdefault("shots", PLAN if "text" not in inputs else None)
    params = VideoParams(**{"steps": 2, "width": side, "height": side, "clip_frames": count, **kwargs})
    return video_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, model), **inputs)["frames"]


def test_wan22_ti2v_does_text_and_image_to_video_from_one_model(ctx: NodeContext, manager: ModelManager) -> None:
    text = video(ctx, manager, "wan22_ti2v", 32, 5, text="a cat on a roof")
    assert text.to_array().shape == (5, 32, 32, 3)
    layout = Frames.from_array(animatic(count=2, size=32).to_array(), fps=1)
    clips = video(ctx, manager, "wan22_ti2v", 32, 5, frames=layout)
    assert clips.to_array().shape == (10, 32, 32, 3) and clips.cuts == (5,)
    classes = {r["class"]: r for r in manager.loaded()}
    assert classes["WanImageToVideoPipeline"]["family"] == "wan_ti2v"
    assert classes["WanImageToVideoPipeline"]["shares_with"], "image-to-video shares the text model's weights"


def test_wan22_ti2v_sizes_are_multiples_of_32(ctx: NodeContext, manager: ModelManager) -> None:
    assert video(ctx, manager, "wan22_ti2v", 48, 5, text="rain").to_array().shape[1:3] == (32, 32)
    with pytest.raises(NodeInputError, match="at least 32") as err:
        video(ctx, manager, "wan22_ti2v", 16, 5, text="rain")
    assert err.value.name == "width"


def test_wan22_a14b_second_expert_has_its_own_guidance(ctx: NodeContext, manager: ModelManager) -> None:
    same = video(ctx, manager, "wan22_a14b", 16, 5, text="rain", guidance=4.0, steps=4).to_array()
    again = video(ctx, manager, "wan22_a14b", 16, 5, text="rain", guidance=4.0, guidance_2=4.0, steps=4)
    other = video(ctx, manager, "wan22_a14b", 16, 5, text="rain", guidance=4.0, guidance_2=9.0, steps=4)
    assert np.array_equal(same, again.to_array())  # 0 = the same guidance for both experts
    assert not np.array_equal(same, other.to_array())
    with pytest.raises(NodeInputError, match="two experts") as err:
        video(ctx, manager, "wan", 16, 5, text="rain", guidance_2=3.0)
    assert err.value.name == "guidance_2"


def test_shift_changes_the_schedule_and_is_refused_where_there_is_none(ctx: NodeContext, manager: ModelManager) -> None:
    base = video(ctx, manager, "skyreels_v2", 16, 5, text="fog", steps=3).to_array()
    shifted = video(ctx, manager, "skyreels_v2", 16, 5, text="fog", steps=3, shift=1.0).to_array()
    assert base.shape == (5, 16, 16, 3) and not np.array_equal(base, shifted)
    with manager_pipe(ctx, manager, "skyreels_v2") as pipe:
        assert pipe.scheduler.config.flow_shift == 8.0, "the shared pipeline keeps its own shift"
    with pytest.raises(NodeInputError, match="no flow-matching") as err:
        video(ctx, manager, "animatediff", 32, 4, text="fog", shift=3.0)
    assert err.value.name == "shift"


def manager_pipe(ctx: NodeContext, manager: ModelManager, model: str):
    return load_tiny(ctx, manager, model).use()


@pytest.mark.slow  # ~25 s on a loaded 2-core machine: SVD's UNet needs 32-group widths even when tiny
def test_stable_video_diffusion_animates_each_shots_first_frame(ctx: NodeContext, manager: ModelManager) -> None:
    strip = Frames.from_array(animatic(count=2, size=32).to_array(), fps=1)
    out = video(ctx, manager, "svd", 32, 3, frames=strip, guidance=2.5)
    assert out.to_array().shape == (6, 32, 32, 3) and out.cuts == (3,)
    with pytest.raises(NodeInputError, match="only animates a picture") as err:
        video(ctx, manager, "svd", 32, 3)
    assert err.value.name == "pipeline"


@pytest.mark.parametrize("model", ["flux", "sd3"])
def test_flux_and_sd35_make_keyframes_and_chain_them(ctx: NodeContext, manager: ModelManager, model: str) -> None:
    pipeline = load_tiny(ctx, manager, model)
    params = KeyframeParams(steps=2, width=32, height=32, guidance=3.5)
    out = keyframes_diffuse(ctx, params, pipeline=pipeline, shots=PLAN)["frames"]
    assert out.to_array().shape == (2, 32, 32, 3) and out.cuts == (1,)
    served = {r["class"] for r in manager.loaded()}
    assert {"FluxImg2ImgPipeline", "StableDiffusion3Img2ImgPipeline"} & served, "chaining runs image-to-image"


def test_flux_sizes_round_to_its_packed_latents(ctx: NodeContext, manager: ModelManager) -> None:
    pipeline = load_tiny(ctx, manager, "flux")
    params = KeyframeParams(steps=1, width=40, height=24, chain=False)
    out = keyframes_diffuse(ctx, params, pipeline=pipeline, shots=shot_plan("a lantern"))["frames"]
    assert out.to_array().shape == (1, 16, 32, 3)  # multiples of 16: 8x VAE, 2x2 packing


def test_qwen_image_guides_with_true_cfg(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qwen-Image's classifier-free guidance is ``true_cfg_scale`` (its ``guidance_scale`` is for
    guidance-distilled variants): the node's guidance must arrive there, with the negative prompt."""
    import functools

    from diffusers import QwenImagePipeline

    calls: list[dict] = []
    real = QwenImagePipeline.__call__

    @functools.wraps(real)
    def spy(self, *args, **kwargs):
        calls.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(QwenImagePipeline, "__call__", spy)
    pipeline = load_tiny(ctx, manager, "qwen_image")
    params = KeyframeParams(steps=2, width=32, height=32, guidance=4.0, chain=False)
    out = keyframes_diffuse(ctx, params, pipeline=pipeline, shots=shot_plan("a lantern"))["frames"]
    assert out.to_array().shape == (1, 32, 32, 3)
    [call] = calls
    assert call["true_cfg_scale"] == 4.0 and "guidance_scale" not in call and call["negative_prompt"]


def test_hunyuan_video15_takes_the_guidance_through_its_guider(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nodes.video import diffuse as video_module

    floats: list[np.ndarray] = []
    to_uint8 = video_module.to_uint8
    monkeypatch.setattr(video_module, "to_uint8", lambda x: floats.append(np.asarray(x, np.float64)) or to_uint8(x))
    plain = video(ctx, manager, "hunyuan_video15", 16, 5, text="rain", guidance=1.0)
    video(ctx, manager, "hunyuan_video15", 16, 5, text="rain", guidance=6.0)
    assert plain.to_array().shape == (5, 16, 16, 3)
    assert np.abs(floats[0] - floats[1]).max() > 0, "guidance 1 (no CFG) and 6 differ"
    with load_tiny(ctx, manager, "hunyuan_video15").use() as pipe:
        assert pipe.guider.guidance_scale == 6.0, "the shared pipeline keeps its own guider"


@pytest.mark.slow  # ~25 s: building the tiny Gemma 3 encoder, two clips of video and sound
def test_ltx2_makes_each_clips_sound_in_sync_and_other_models_silence(ctx: NodeContext, manager: ModelManager) -> None:
    params = VideoParams(steps=2, width=32, height=32, clip_frames=5, fps=25)
    out = video_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, "ltx2"), shots=PLAN)
    frames, audio = out["frames"], out["audio"]
    assert frames.to_array().shape == (10, 32, 32, 3) and frames.cuts == (5,)
    assert audio.sample_rate == 16000 and audio.samples.shape == (round(10 / 25 * 16000), 2)
    assert np.abs(audio.samples[:100]).max() > 0, "the first clip has its own sound"
    silent = video_diffuse(
        ctx, VideoParams(steps=2, width=16, height=16, clip_frames=5), pipeline=load_tiny(ctx, manager, "wan"), text="x"
    )["audio"]
    assert silent.samples.shape == (round(5 / 16 * 48000), 2) and not silent.samples.any()


def test_wan22_i2v_a14b_animates_each_keyframe_with_both_experts(ctx: NodeContext, manager: ModelManager) -> None:
    strip = Frames.from_array(animatic(count=2, size=32).to_array(), fps=1)
    out = video(ctx, manager, "wan22_i2v_a14b", 16, 5, frames=strip, guidance_2=3.0)
    assert out.to_array().shape == (10, 16, 16, 3) and out.cuts == (5,)
    [entry] = [r for r in manager.loaded() if r["class"] == "WanImageToVideoPipeline" and r["family"] == "wan22"]
    assert entry["kind"] == "image2video"
    with pytest.raises(NodeInputError, match="Wan2.2-T2V-A14B") as err:
        video(ctx, manager, "wan22_i2v_a14b", 16, 5, text="no picture")
    assert err.value.name == "pipeline"


@pytest.mark.parametrize("steps", [2, 3, 4, 25])
def test_flow_matching_img2img_runs_as_many_steps_as_sd_would(
    ctx: NodeContext, manager: ModelManager, steps: int
) -> None:
    """FLUX's img2img rounds the skipped steps down (at 2 steps, strength 0.65 skips none: pure
    noise, the previous keyframe ignored); the node's strength makes it run int(steps * strength)
    steps from the picture, as Stable Diffusion does."""
    from nodes.diffusion.families import flow_strength

    with load_tiny(ctx, manager, "flux").use("image2image") as pipe:
        pipe.scheduler.set_timesteps(steps)
        timesteps, runs = pipe.get_timesteps(steps, flow_strength(0.65, steps), "cpu")
    assert runs == max(1, int(steps * 0.65)) == len(timesteps)
    assert timesteps[0] < pipe.scheduler.timesteps[0], "it starts below pure noise, from the picture"
