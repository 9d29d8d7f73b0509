"""workflows/enhance.json through the CLI as a new user runs it: a steadier, cleaner, larger MP4 with sound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from nodes.video.metrics import flicker_index

ROOT = Path(__file__).resolve().parents[1]


def decode(path: Path) -> tuple[np.ndarray, float, int]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(stream)])
        rate = float(stream.average_rate)
    with av.open(str(path)) as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    return frames, rate, samples


def save_sheet(source: np.ndarray, out: np.ndarray, path: Path) -> None:
    """Before (enlarged by pixel repetition) | after, for three moments of the clip: for a person to look at."""
    from PIL import Image

    rows = [np.concatenate([source[i].repeat(2, 0).repeat(2, 1), out[i]], axis=1) for i in (30, 100, 170)]
    Image.fromarray(np.concatenate(rows, axis=0)).save(path)


def temporal_noise(frames: np.ndarray) -> float:
    grey = frames.astype(np.float32).mean(axis=3)
    return float(np.median(np.abs(np.diff(grey, axis=0))))


@pytest.mark.slow
def test_enhance_workflow_restores_the_bundled_clip(tmp_path, test_out):
    run = subprocess.run(
        [sys.executable, "main.py", "run", "workflows/enhance.json", "-o", str(tmp_path), "--no-disk-cache"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    [video] = tmp_path.glob("enhance_*.mp4")
    out, fps, out_samples = decode(video)
    source, source_fps, _ = decode(ROOT / "workflows/media/old_tokyo.mp4")
    assert out.shape == (source.shape[0], 360, 640, 3) and fps == source_fps == 24
    assert out_samples / 48000 > 7.9  # the clip's own sound came along
    assert flicker_index(out) < 0.3 * flicker_index(source)
    save_sheet(source, out, test_out / "enhance_before_after.png")
    # Frame-to-frame change of a typical (still) pixel: noise and flicker; at the source's size.
    assert temporal_noise(out[:, ::2, ::2]) < 0.4 * temporal_noise(source)
