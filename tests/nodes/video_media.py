"""Real media for the video node tests, made with PyAV: clips with known content per frame.

Frame ``i`` of :func:`write_clip` carries its index in the green level of a band (``GREEN_STEP · i``)
so that tests can tell which source frame a decoded frame is, through lossy H.264.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from server.engine.context import NodeContext

GREEN_STEP = 5
TONE_HZ = 440.0


def frame_content(i: int, width: int, height: int) -> np.ndarray:
    """A moving white bar over a flat background whose green level encodes ``i``."""
    img = np.full((height, width, 3), (40, GREEN_STEP * i % 256, 90), np.uint8)
    x = (i * 5) % max(1, width - 16)
    img[:, x : x + 16] = 255
    return img


def frame_index(frame: np.ndarray) -> int:
    """The ``i`` a decoded frame of :func:`write_clip` shows (its background's green level)."""
    return round(float(np.median(frame[..., 1][frame[..., 0] < 128])) / GREEN_STEP)


def write_clip(
    path: Path,
    count: int = 48,
    fps: int = 24,
    size: tuple[int, int] = (160, 96),
    audio: bool = True,
    codec: str = "libx264",
    frames: np.ndarray | None = None,
) -> Path:
    """An MP4 (or anything PyAV writes, by suffix) of ``count`` frames and, if ``audio``, a stereo tone."""
    width, height = size
    with av.open(str(path), "w") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            video.options = {"crf": "12", "preset": "ultrafast"}
        sound = out.add_stream("aac", rate=48000) if audio else None
        for i in range(count):
            img = frames[i] if frames is not None else frame_content(i, width, height)
            out.mux(video.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        out.mux(video.encode(None))
        if sound is not None:
            t = np.arange(round(48000 * count / fps)) / 48000
            tone = (0.3 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(np.stack([tone, tone]), format="fltp", layout="stereo")
            frame.sample_rate, frame.pts, frame.time_base = 48000, 0, Fraction(1, 48000)
            out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
    return path


def write_audio_only(path: Path, seconds: float = 1.0) -> Path:
    with av.open(str(path), "w") as out:
        sound = out.add_stream("aac", rate=48000)
        tone = np.zeros((1, round(48000 * seconds)), np.float32)
        frame = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
        frame.sample_rate = 48000
        out.mux(sound.encode(frame))
        out.mux(sound.encode(None))
    return path


def context(folder: Path, node_type: str = "video.load") -> NodeContext:
    return NodeContext(
        node_id=node_type.split(".")[1],
        node_type=node_type,
        run_id="test",
        seed=0,
        temp_dir=folder,
        output_dir=folder,
        log=logging.getLogger("test.video"),
        input_dirs=(folder,),
    )
