"""Frames → video.interpolate → encode.video through the real engine: the issue's acceptance
(browser-playable MP4, equal durations, the same seed gives the same bytes, the workflow
comes back out of the file)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Frames
from nodes.encode.metadata import read_embedded_workflow
from server.engine import Engine, NodeContext, Output, Param, Registry, Workflow, node


class ClipParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(0, description="Noise seed.", ge=0, le=2**32 - 1)


@node(
    id="test.clip",
    version="1.0.0",
    title="Test clip",
    category="test",
    outputs={"frames": Output("FRAMES"), "audio": Output("AUDIO")},
    params=ClipParams,
)
def clip_source(ctx: NodeContext, params: ClipParams) -> dict:
    """A seeded, lazily drawn pan with a shot cut, and 1.3 s of seeded noise."""
    rng = np.random.default_rng(ctx.seed)
    texture = rng.integers(0, 256, (120, 200, 3), np.uint8)

    def produce(start: int, stop: int) -> np.ndarray:
        return np.stack([np.roll(texture, (i // 6) * 40 + 2 * i, axis=1)[:48, :64] for i in range(start, stop)])

    frames = Frames(produce, count=12, width=64, height=48, fps=12, cuts=(6,))
    sound = (0.1 * rng.standard_normal((int(1.3 * 22050), 2))).astype(np.float32)
    return {"frames": frames, "audio": Audio(sound, 22050)}


WORKFLOW = {
    "format": "reelgraph.workflow",
    "version": 1,
    "nodes": {
        "clip": {"type": "test.clip", "params": {"seed": 7}},
        "smooth": {"type": "video.interpolate", "params": {"multiplier": 2}},
        "save": {"type": "encode.video", "params": {"format": "mp4", "filename_prefix": "walk"}},
    },
    "links": [
        ["clip", "frames", "smooth", "frames"],
        ["smooth", "frames", "save", "frames"],
        ["clip", "audio", "save", "audio"],
    ],
}


def run_once(out: Path) -> Path:
    registry = Registry.from_modules([sys.modules[__name__], "nodes.video.interpolate.node", "nodes.encode.node"])
    engine = Engine(registry, output_dir=out, temp_dir=out / "tmp")
    try:
        result = engine.run(Workflow.from_json(WORKFLOW))
    finally:
        engine.close()
    assert result.status == "succeeded", result.to_json()
    return result.values["save"]["video"].path


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (Debian ffmpeg) not installed")
def test_engine_run_writes_a_playable_reproducible_mp4(tmp_path: Path) -> None:
    first, second = run_once(tmp_path / "a"), run_once(tmp_path / "b")
    assert first.name == second.name == "walk_00001.mp4"
    assert first.read_bytes() == second.read_bytes()
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(first)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    streams = {s["codec_type"]: s for s in probe["streams"]}
    assert (streams["video"]["codec_name"], streams["video"]["pix_fmt"]) == ("h264", "yuv420p")
    assert streams["audio"]["codec_name"] == "aac"
    assert int(streams["video"]["nb_frames"]) == 24
    assert abs(float(streams["audio"]["duration"]) - float(streams["video"]["duration"])) < 1 / 24
    embedded = read_embedded_workflow(first)
    assert embedded is not None and Workflow.from_json(embedded).nodes.keys() == {"clip", "smooth", "save"}
