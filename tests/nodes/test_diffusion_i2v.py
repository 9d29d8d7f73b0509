"""Image-to-video on the newer families through video.diffuse, with tiny random twins saved and
loaded back: SkyReels-V2 I2V and HunyuanVideo 1.5 I2V (their own weights) and LTX-2 (its text
model's weights, through ``from_pipe``), each animating the first frame of every shot."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.video import diffuse as video_module
from nodes.video.diffuse import VideoParams, video_diffuse
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from tests.models.helpers import animatic, load_tiny, shot_plan
from tests.models.tiny import block_network

PLAN = shot_plan("a woman walks down a street", "a red car drives by")
# model -> (side, frames asked = frames made): valid for each family, small enough for CPU
I2V = {"skyreels_v2_i2v": (16, 5), "hunyuan_video15_i2v": (16, 5), "ltx2": (32, 9)}


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def strip(size: int = 32, width: int | None = None, mirrored: bool = False) -> Frames:
    """Two keyframes (one per shot) of the moving-square animatic; ``mirrored`` flips them."""
    frames = animatic(count=2, size=size).to_array()
    if width is not None:
        frames = np.concatenate([frames, frames[:, :, : width - size]], axis=2)
    if mirrored:
        frames = frames[:, :, ::-1]
    return Frames.from_array(np.ascontiguousarray(frames), fps=1)


def video(ctx: NodeContext, manager: ModelManager, model: str, side: int, count: int, **kwargs) -> dict:
    inputs = {k: kwargs.pop(k) for k in ("shots", "text", "frames") if k in kwargs}
    inputs.setdefault("shots", PLAN if "text" not in inputs else None)
    params = VideoParams(**{"steps": 2, "width": side, "height": side, "clip_frames": count, **kwargs})
    return video_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, model), **inputs)


@pytest.mark.parametrize("model", list(I2V))
def test_each_shot_is_animated_from_its_first_frame(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch, progress, model: str
) -> None:
    """Two clips, each from its own keyframe; mirrored keyframes change every clip (compared on
    the pipeline's float output: a tiny random model may move pixels by less than a level)."""
    floats: list[np.ndarray] = []
    to_uint8 = video_module.to_uint8
    monkeypatch.setattr(video_module, "to_uint8", lambda x: floats.append(np.asarray(x, np.float64)) or to_uint8(x))
    side, count = I2V[model]
    out = video(ctx, manager, model, side, count, frames=strip())
    video(ctx, manager, model, side, count, frames=strip(mirrored=True))
    frames = out["frames"]
    assert frames.to_array().shape == (2 * count, side, side, 3) and frames.cuts == (count,)
    assert len(floats) == 4 and all(np.abs(a - b).max() > 0 for a, b in zip(floats[:2], floats[2:], strict=True))
    assert progress.calls[-1][:2] == (4, 4), "the bar ends at 2 clips x 2 steps"
    [entry] = [r for r in manager.loaded() if r["kind"] == "image2video" and r["family"] == load_family(model)]
    assert entry["class"].endswith("ImageToVideoPipeline")


def load_family(model: str) -> str:
    return {"skyreels_v2_i2v": "skyreels_v2", "hunyuan_video15_i2v": "hunyuan_video15", "ltx2": "ltx2"}[model]


def test_ltx2_animates_a_keyframe_with_its_sound_from_the_text_models_weights(
    ctx: NodeContext, manager: ModelManager
) -> None:
    out = video(ctx, manager, "ltx2", 32, 9, frames=strip(), fps=25)
    assert out["frames"].to_array().shape == (18, 32, 32, 3)
    audio = out["audio"]
    assert audio.sample_rate == 16000 and audio.samples.shape == (round(18 / 25 * 16000), 2)
    assert np.abs(audio.samples).max() > 0, "each clip has its own sound"
    classes = {r["class"]: r for r in manager.loaded()}
    assert classes["LTX2ImageToVideoPipeline"]["shares_with"], "image-to-video shares the text model's weights"


def test_hunyuan_video15_i2v_makes_its_bucket_of_the_pictures_aspect(ctx: NodeContext, manager: ModelManager) -> None:
    """HunyuanVideo 1.5 image-to-video takes no size: it makes the bucket of its target size (16
    px in the twin, 480 or 720 in the real models) nearest the keyframes' aspect."""
    wide = strip(size=32, width=48)  # 48 x 32
    out = video(ctx, manager, "hunyuan_video15_i2v", 0, 5, frames=wide)["frames"]
    assert out.to_array().shape == (10, 12, 16, 3)
    with pytest.raises(NodeInputError, match="makes 16x16") as err:
        video(ctx, manager, "hunyuan_video15_i2v", 32, 5, frames=strip())
    assert err.value.name == "width"


@pytest.mark.parametrize(
    ("model", "fix"), [("skyreels_v2_i2v", "SkyReels-V2-T2V"), ("hunyuan_video15_i2v", "480p_t2v")]
)
def test_an_image_to_video_model_without_frames_says_which_model_to_load(
    ctx: NodeContext, manager: ModelManager, model: str, fix: str
) -> None:
    with pytest.raises(NodeInputError, match=fix) as err:
        video(ctx, manager, model, 16, 5, text="a cat on a roof")
    assert err.value.name == "pipeline"
