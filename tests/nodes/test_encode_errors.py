"""encode.video on bad input: clear errors naming the node's input or parameter, and never a
partial file under a final name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from nodes.datatypes import Audio, Frames
from nodes.encode.node import EncodeParams, encode_video
from nodes.encode.writer import write_video
from server.engine.errors import Cancelled, NodeInputError

ROOT = Path(__file__).resolve().parents[2]


def frames_of(count: int = 20, size: int = 16) -> Frames:
    return Frames.from_array(np.full((count, size, size, 3), 90, np.uint8), 24)


def encode(ctx, frames: Frames, audio: Audio | None = None, **params: object) -> Path:
    return encode_video(ctx, EncodeParams(**params), frames=frames, audio=audio)["video"].path


def nothing_left(folder: Path) -> bool:
    return not any(folder.iterdir())


@pytest.mark.parametrize("fmt", ["mp4", "webm", "gif", "webp", "png", "npz"])
def test_mismatched_frame_sizes_name_frames_and_leave_nothing(ctx, fmt: str) -> None:
    good = np.zeros((16, 16, 16, 3), np.uint8)

    def produce(start: int, stop: int) -> np.ndarray:
        return good[: stop - start] if start < 16 else np.zeros((stop - start, 18, 16, 3), np.uint8)

    with pytest.raises(NodeInputError, match="same size") as err:
        encode(ctx, Frames(produce, count=40, width=16, height=16, fps=24), format=fmt)
    assert err.value.name == "frames"
    assert nothing_left(ctx.output_dir)


def test_zero_frames_names_frames(ctx) -> None:
    empty = Frames(lambda a, b: np.zeros((0, 8, 8, 3), np.uint8), count=0, width=8, height=8, fps=24)
    with pytest.raises(NodeInputError, match="no frames") as err:
        encode(ctx, empty)
    assert err.value.name == "frames" and nothing_left(ctx.output_dir)


def test_float_frames_name_frames(ctx) -> None:
    floats = Frames(lambda a, b: np.zeros((b - a, 8, 8, 3), np.float32), count=3, width=8, height=8, fps=24)
    with pytest.raises(NodeInputError, match="uint8") as err:
        encode(ctx, floats)
    assert err.value.name == "frames" and nothing_left(ctx.output_dir)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_audio_names_audio(ctx, bad: float) -> None:
    samples = np.zeros((1000, 2), np.float32)
    samples[500, 1] = bad
    with pytest.raises(NodeInputError, match="NaN or infinite") as err:
        encode(ctx, frames_of(), Audio(samples, 8000))
    assert err.value.name == "audio" and nothing_left(ctx.output_dir)


def test_many_channel_audio_names_audio(ctx) -> None:
    with pytest.raises(NodeInputError, match="mono or stereo") as err:
        encode(ctx, frames_of(), Audio(np.zeros((100, 6), np.float32), 8000))
    assert err.value.name == "audio"


def test_output_folder_that_cannot_exist_names_the_prefix(ctx, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ctx.output_dir = blocker / "out"
    with pytest.raises(NodeInputError, match="cannot write into the output folder") as err:
        encode(ctx, frames_of())
    assert err.value.name == "filename_prefix"


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """An existing folder no file can be created in: chmod 555, or sysfs when running as root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
    elif Path("/sys/kernel").is_dir():
        yield Path("/sys/kernel")  # sysfs refuses new files, even to root
    else:
        pytest.skip("running as root without sysfs: no folder is read-only")


def test_read_only_output_folder_names_the_prefix(ctx, read_only_folder: Path) -> None:
    before = sorted(p.name for p in read_only_folder.iterdir())
    ctx.output_dir = read_only_folder
    with pytest.raises(NodeInputError, match="cannot write into the output folder") as err:
        encode(ctx, frames_of())
    assert err.value.name == "filename_prefix"
    assert sorted(p.name for p in read_only_folder.iterdir()) == before


def test_unknown_format_is_refused_by_params_and_by_the_writer(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        EncodeParams(format="avi")
    with pytest.raises(NodeInputError, match="unknown format 'avi'") as err:
        write_video(frames_of(), None, tmp_path / "x.avi", fmt="avi")
    assert err.value.name == "format" and nothing_left(tmp_path)


@pytest.mark.parametrize("prefix", ["../escape", "a/b", ".hidden", "has space", "", "x" * 65, "dot.ted"])
def test_unsafe_prefixes_are_refused(ctx, prefix: str) -> None:
    with pytest.raises(ValidationError):
        EncodeParams(filename_prefix=prefix)
    params = EncodeParams.model_construct(**{**EncodeParams().model_dump(), "filename_prefix": prefix})
    with pytest.raises(NodeInputError) as err:
        encode_video(ctx, params, frames=frames_of(), audio=None)
    assert err.value.name == "filename_prefix" and nothing_left(ctx.output_dir)


@pytest.mark.parametrize("fmt", ["mp4", "png"])
def test_a_failure_midway_leaves_no_partial_file(ctx, fmt: str) -> None:
    def produce(start: int, stop: int) -> np.ndarray:
        if start >= 32:
            raise RuntimeError("renderer crashed")
        return np.full((stop - start, 16, 16, 3), 50, np.uint8)

    with pytest.raises(RuntimeError, match="renderer crashed"):
        encode(ctx, Frames(produce, count=64, width=16, height=16, fps=24), format=fmt)
    assert nothing_left(ctx.output_dir)


def test_cancel_stops_the_encode_and_leaves_nothing(ctx) -> None:
    cancel = threading.Event()
    ctx._cancel = cancel
    ctx._on_progress = lambda done, total, preview: cancel.set()  # cancel after the first chunk
    with pytest.raises(Cancelled):
        encode(ctx, frames_of(64))
    assert nothing_left(ctx.output_dir)


FULL_DISK = """
import json, resource, sys
from pathlib import Path
import numpy as np
from nodes.datatypes import Frames
from nodes.encode.writer import write_video
resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))  # the worker inherits it: a 'full disk'
noise = np.random.default_rng(0).integers(0, 256, (48, 96, 96, 3), dtype=np.uint8)
try:
    write_video(Frames.from_array(noise, 24), None, Path(sys.argv[1]) / "full.mp4")
except Exception as exc:
    print(json.dumps({"type": type(exc).__name__, "message": str(exc)}))
"""


def test_a_full_disk_is_one_clear_line_without_the_workers_traceback(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    error = json.loads(out.stdout)
    assert "File too large" in error["message"], error
    assert "\n" not in error["message"] and "Traceback" not in error["message"] and 'File "' not in error["message"]
    assert ".reelgraph-" not in error["message"]  # the folder, not our partial name
    assert nothing_left(tmp_path)
