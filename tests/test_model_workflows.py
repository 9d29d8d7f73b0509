"""The shipped GPU-path workflows (those with a ``diffusion.load``) as a user runs them.

CI has neither a GPU nor the real weights, so each workflow runs through ``main.py run`` with
every model swapped for a tiny random one of the same family (saved with ``save_pretrained``
and loaded back through the model manager), at a few pixels and two steps: the wiring,
the model kinds, conditioning, timing and the encoder are all exercised; only the weights and
sizes differ. Without the model, the same command fails on the model widget and says how to
get it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.engine import Workflow
from tests.models.tiny import tiny_model
from tests.test_workflows import MODEL_WORKFLOWS, eval_rate, ffprobe

ROOT = Path(__file__).resolve().parents[1]

# The real model each shipped workflow names -> (tiny model of the same family, frame side it works at).
TINY = {
    "Wan-AI/Wan2.1-T2V-1.3B-Diffusers": ("wan", 16),
    "stable-diffusion-v1-5/stable-diffusion-v1-5": ("sd", 32),
    "Lightricks/LTX-Video-0.9.5": ("ltx", 32),
    "stabilityai/stable-audio-open-1.0": ("stable_audio", 0),
    "Wan-AI/Wan2.2-TI2V-5B-Diffusers": ("wan22_ti2v", 32),
}
# ControlNets (diffusion.controlnet) -> their tiny twins
TINY_CONTROLNETS = {"lllyasviel/control_v11f1p_sd15_depth": "sd_controlnet"}
MODEL_FED = ("keyframes.diffuse", "video.diffuse", "audio.diffuse")
ADAPTERS = ("diffusion.controlnet", "diffusion.lora")  # PIPELINE in, the same model out


def run_cli(workflow: Path, overrides: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    sets = [arg for item in overrides for arg in ("--set", item)]
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "run", str(workflow), "--no-disk-cache", *sets],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "COLUMNS": "400", **env},
        timeout=300,
        check=False,
    )


def video_with_sound(done: subprocess.CompletedProcess, output: Path, side: int) -> tuple[dict, dict, float]:
    """The run succeeded and wrote one H.264/AAC MP4 of ``side``²: its video and audio streams and fps."""
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    [video] = output.glob("*.mp4")
    streams = {s["codec_type"]: s for s in ffprobe(video)["streams"]}
    v, a = streams["video"], streams["audio"]
    assert (v["codec_name"], a["codec_name"], v["width"], v["height"]) == ("h264", "aac", side, side)
    return v, a, eval_rate(v["r_frame_rate"])


def tiny_overrides(workflow: Workflow) -> tuple[list[str], int]:
    """--set arguments that swap every model for its tiny twin and shrink the work to match,
    and the frame side of the video model's output."""
    sides: dict[str, int] = {}
    sets = []
    video_side = 0
    for node_id, node in workflow.nodes.items():
        if node.type == "diffusion.load":
            name, side = TINY[node.params["model"]]
            sets.append(f"{node_id}.model={tiny_model(name)}")
            sides[node_id] = side
        if node.type == "diffusion.controlnet":
            sets.append(f"{node_id}.controlnet={tiny_model(TINY_CONTROLNETS[node.params['controlnet']])}")
    for _ in range(len(workflow.nodes)):  # a model's side passes through ControlNet and LoRA nodes
        for link in workflow.links:
            if workflow.nodes[link.to_node].type in ADAPTERS and link.from_node in sides:
                sides.setdefault(link.to_node, sides[link.from_node])
    for link in workflow.links:
        node = workflow.nodes[link.to_node]
        if node.type in MODEL_FED and link.to_input == "pipeline":
            sets.append(f"{link.to_node}.steps=2")
            if node.type != "audio.diffuse":
                side = sides[link.from_node]
                sets += [f"{link.to_node}.width={side}", f"{link.to_node}.height={side}"]
                if node.type == "video.diffuse":
                    video_side = side
    for node_id, node in workflow.nodes.items():
        if node.type in ("render.animatic", "render.controls"):
            sets += [f"{node_id}.width=64", f"{node_id}.height=64"]
        if node.type == "encode.video":
            sets.append(f"{node_id}.preset=veryfast")
    return [*sets, "duration.value=2"], video_side


@pytest.mark.parametrize("path", MODEL_WORKFLOWS, ids=lambda p: p.stem)
def test_every_model_is_named_with_how_to_get_it(path: Path) -> None:
    workflow = Workflow.load(path)
    loads = {nid: n.params["model"] for nid, n in workflow.nodes.items() if n.type == "diffusion.load"}
    controls = {nid: n.params["controlnet"] for nid, n in workflow.nodes.items() if n.type == "diffusion.controlnet"}
    listed = workflow.meta["models"]
    assert set(listed) == set(loads) | set(controls)
    for node_id, model in {**loads, **controls}.items():
        assert listed[node_id]["model"] == model and model in listed[node_id]["get"]
        assert model in {**TINY, **TINY_CONTROLNETS}, f"{path.name}: add a tiny twin for {model} to TINY"
    assert "duration" in workflow.nodes, "one duration value feeds the shots and every sound"


@pytest.mark.slow
@pytest.mark.parametrize("path", MODEL_WORKFLOWS, ids=lambda p: p.stem)
def test_runs_with_tiny_models_into_a_video_with_sound(path: Path, tmp_path: Path) -> None:
    workflow = Workflow.load(path)
    overrides, side = tiny_overrides(workflow)
    done = run_cli(path, overrides, tmp_path, {"HF_HOME": str(tmp_path / "hf")})
    v, a, fps = video_with_sound(done, tmp_path / "output", side)
    assert abs(float(v["duration"]) - float(a["duration"])) <= 1 / fps + 1e-3
    assert abs(float(v["duration"]) - 2.0) <= 0.3, "clips keep the shots' duration (to the model's frame step)"


@pytest.mark.parametrize("path", MODEL_WORKFLOWS[:1], ids=lambda p: p.stem)
def test_without_the_model_it_fails_on_the_widget_and_says_how_to_get_it(path: Path, tmp_path: Path) -> None:
    done = run_cli(path, ["duration.value=1"], tmp_path, {"HF_HOME": str(tmp_path / "empty-hf")})
    assert done.returncode == 1
    message = done.stdout + done.stderr
    model = next(n.params["model"] for n in Workflow.load(path).nodes.values() if n.type == "diffusion.load")
    assert f"hf download {model}" in message and "Traceback" not in message
    assert not list((tmp_path / "output").glob("*.mp4"))
