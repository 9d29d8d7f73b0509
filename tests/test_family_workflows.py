"""The newer families through ``main.py run``, as a user would swap them in: the shipped keyframes
workflow with FLUX.2 [klein] painting the keyframes (following the animatic and the previous
keyframe as references), an image-to-video model of each newer family animating them
(HunyuanVideo 1.5 at its own size, SkyReels-V2, LTX-2 with the text model's weights), and
AudioLDM 2 making the ambience; every model a tiny random twin saved with ``save_pretrained``
and loaded back through the model manager."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.models.tiny import tiny_model
from tests.test_model_workflows import ROOT, run_cli, video_with_sound

KEYFRAMES = ROOT / "workflows" / "tokyo_keyframes.json"


# image-to-video twin -> (video.width/height to ask, side of the clips it makes)
I2V = {"hunyuan_video15_i2v": (0, 16), "skyreels_v2_i2v": (16, 16), "ltx2": (32, 32)}


@pytest.mark.slow  # ~15-20 s each on a loaded 2-core machine: three models loaded in a fresh process
@pytest.mark.parametrize("video_model", list(I2V))
def test_flux2_keyframes_animated_with_audioldm2_sound_through_main_run(tmp_path: Path, video_model: str) -> None:
    asked, side = I2V[video_model]
    overrides = [
        f"image_model.model={tiny_model('flux2_klein')}",
        f"video_model.model={tiny_model(video_model)}",
        f"sound_model.model={tiny_model('audioldm2')}",
        "keyframes.steps=2",
        "keyframes.width=32",
        "keyframes.height=32",
        "video.steps=2",
        f"video.width={asked}",  # 0: HunyuanVideo 1.5 I2V picks its bucket from the keyframes' aspect
        f"video.height={asked}",
        "video.fps=8",
        "ambience.steps=2",
        "animatic.width=64",
        "animatic.height=64",
        "output.preset=veryfast",
        "duration.value=2",
    ]
    done = run_cli(KEYFRAMES, overrides, tmp_path, {"HF_HOME": str(tmp_path / "hf")})
    v, a, fps = video_with_sound(done, tmp_path / "output", side)
    assert fps == 8 and abs(float(v["duration"]) - float(a["duration"])) <= 1 / fps + 1e-3
    assert abs(float(v["duration"]) - 2.0) <= 0.5, "clips keep the shots' duration (to the model's frame step)"
