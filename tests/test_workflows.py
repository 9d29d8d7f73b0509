"""Every shipped workflow validates, and runs end to end on CPU into a playable video with sound."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from server.engine import Engine, Registry, Workflow

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted(p for p in (ROOT / "workflows").glob("*.json") if p.name != "workflow.schema.json")
MODEL_WORKFLOWS = [p for p in WORKFLOWS if '"diffusion.load"' in p.read_text()]  # tests/test_model_workflows.py
GAN_WORKFLOWS = [p for p in WORKFLOWS if '"gan.' in p.read_text()]  # tests/nodes/test_gan.py (train first, no sound)
VIDEO_WORKFLOWS = [
    p for p in WORKFLOWS if '"encode.video"' in p.read_text() and p not in MODEL_WORKFLOWS and p not in GAN_WORKFLOWS
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.discover()


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def video_outputs(result) -> list[Path]:
    paths = []
    for node_id in result.targets:
        for value in result.values.get(node_id, {}).values():
            path = getattr(value, "path", None)
            if path is not None and Path(path).suffix == ".mp4":
                paths.append(Path(path))
    return paths


def test_there_are_shipped_workflows():
    assert {p.name for p in WORKFLOWS} >= {"tokyo_walk.json", "lion_savanna.json", "city_skyline.json",
                                           "image_to_video.json", "music_video.json"}  # fmt: skip


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_shipped_workflow_validates(registry, path):
    workflow = Workflow.load(path)
    assert Engine(registry, cpu_workers=0).validate(workflow) == []
    versions = workflow.meta.get("node_versions", {})
    for node in workflow.nodes.values():
        assert versions.get(node.type) == registry.get(node.type).version, f"meta.node_versions for {node.type}"


@pytest.mark.slow
@pytest.mark.parametrize("path", VIDEO_WORKFLOWS, ids=lambda p: p.stem)
def test_shipped_workflow_makes_a_video_with_sound(registry, path, tmp_path):
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe not installed (Debian package ffmpeg; `make setup` installs it)")
    # Shipped workflows name their bundled media relative to the repository root, as `main.py run` from the root reads them.
    engine = Engine(registry, output_dir=tmp_path, input_dirs=[ROOT])
    result = engine.run(Workflow.load(path))
    assert result.status == "succeeded", {n: r.error for n, r in result.nodes.items() if r.error}
    [video] = video_outputs(result)
    info = ffprobe(video)
    streams = {s["codec_type"]: s for s in info["streams"]}
    v, a = streams["video"], streams["audio"]
    assert (v["codec_name"], v["pix_fmt"], a["codec_name"]) == ("h264", "yuv420p", "aac")
    fps = eval_rate(v["r_frame_rate"])
    v_dur, a_dur = float(v["duration"]), float(a["duration"])
    assert abs(v_dur - a_dur) <= 1 / fps + 1e-3, (v_dur, a_dur)
    assert v_dur >= 8 and fps == 24
    assert not_static(video) and not_silent(video)


def eval_rate(rate: str) -> float:
    num, den = rate.split("/")
    return int(num) / int(den)


def not_static(path: Path) -> bool:
    import av

    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="gray").astype(np.float32) for _, f in zip(range(48), container.decode(video=0))]
    return float(np.mean([np.abs(a - b).mean() for a, b in itertools.pairwise(frames)])) > 0.2


def not_silent(path: Path) -> bool:
    import av

    with av.open(str(path)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
    samples = np.concatenate([c.reshape(-1) for c in chunks])
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) > 1e-3
