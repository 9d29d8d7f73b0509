"""MP4 (H.264 + AAC) and WebM (VP9 + Opus) through PyAV, streamed chunk by chunk.

Speed: RGB→YUV 4:2:0 is done with OpenCV (:mod:`.yuv`: BT.601 limited range like swscale's
default, about 2.5× faster than ``VideoFrame.reformat``) and x264 runs frame-threaded with
its automatic thread count, as the ffmpeg CLI does. Sound is encoded as the picture
advances, so the muxer interleaves without buffering the whole track.

Determinism: ``fflags=+bitexact`` keeps version strings, random Matroska UIDs and creation
times out of the file; libvpx is deterministic in-process; libx264 only in a fresh process,
so MP4s are muxed here but inside the worker of :mod:`.worker`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from nodes.datatypes import Audio, Frames

from .audio import LAYOUTS, codec_rate, fit_audio
from .metadata import as_text
from .spec import EncodeSpec, Progress, even_size, frame_chunks, pad_even
from .yuv import rgb_to_i420

CODECS = {"mp4": ("libx264", "aac"), "webm": ("libvpx-vp9", "libopus")}
# x264 preset → libvpx (deadline, cpu-used)
VPX_SPEED = [
    ("realtime", 8),
    ("realtime", 7),
    ("good", 5),
    ("good", 4),
    ("good", 3),
    ("good", 2),
    ("good", 1),
    ("good", 0),
    ("best", 0),
]
AVCOL_SPC_SMPTE170M = 6  # BT.601 matrix, what cv2's I420 conversion uses
AVCOL_RANGE_MPEG = 1  # limited ("tv") range


def threads() -> int:
    return max(1, min(16, os.cpu_count() or 1))


YuvChunks = Iterable[tuple[int, list[np.ndarray]]]  # (index of the first frame, I420 buffers)


def encode_movie(frames: Frames, audio: Audio | None, path: Path, spec: EncodeSpec, progress: Progress | None) -> dict:
    """MP4 or WebM from RGB frames, converted to YUV 4:2:0 chunk by chunk."""
    width, height = even_size(frames.width, frames.height)
    return mux_movie(yuv_chunks(frames), frames.count, width, height, audio, path, spec, progress)


def yuv_chunks(frames: Frames) -> Iterator[tuple[int, list[np.ndarray]]]:
    for start, chunk in frame_chunks(frames):
        yield start, to_i420(chunk)


def mux_movie(
    chunks: YuvChunks,
    count: int,
    width: int,
    height: int,
    audio: Audio | None,
    path: Path,
    spec: EncodeSpec,
    progress: Progress | None,
) -> dict:
    """Encode I420 frames (``width``×``height``, even) and the audio into one container file."""
    import av

    vcodec, acodec = CODECS[spec.fmt]
    options = {"fflags": "+bitexact"}
    if spec.fmt == "mp4":
        options["movflags"] = "+faststart+use_metadata_tags"
    with av.open(str(path), "w", format=spec.fmt, options=options) as container:
        for key, value in spec.metadata.items():
            container.metadata[key] = as_text(value)
        video = add_video_stream(container, vcodec, width, height, spec)
        track = AudioTrack(container, acodec, audio, count / spec.fps, spec) if audio is not None else None
        for start, buffers in chunks:
            for k, i420 in enumerate(buffers):
                frame = av.VideoFrame.from_ndarray(i420, format="yuv420p")
                frame.pts = start + k
                container.mux(video.encode(frame))
            if track is not None:
                track.encode_until((start + len(buffers)) / spec.fps)
            if progress is not None:
                progress(start + len(buffers), count)
        container.mux(video.encode(None))
        if track is not None:
            track.finish()
    return {"width": width, "height": height, "codec": vcodec, "audio_codec": acodec if track else None}


def add_video_stream(container: Any, codec: str, width: int, height: int, spec: EncodeSpec) -> Any:
    stream = container.add_stream(codec, rate=spec.fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    ctx = stream.codec_context
    ctx.time_base = 1 / spec.fps
    ctx.colorspace = AVCOL_SPC_SMPTE170M
    ctx.color_range = AVCOL_RANGE_MPEG
    if codec == "libx264":
        ctx.thread_type = "FRAME"
        ctx.thread_count = 0  # x264 picks (1.5 × cores), as the ffmpeg CLI does
        ctx.options = {"crf": str(spec.crf), "preset": spec.preset}
    else:
        deadline, cpu_used = VPX_SPEED[spec.preset_level]
        ctx.bit_rate = 0  # constant quality
        ctx.thread_count = threads()
        ctx.options = {
            "crf": str(round(spec.crf * 63 / 51)),  # x264's 0-51 scale onto VP9's 0-63
            "deadline": deadline,
            "cpu-used": str(cpu_used),
            "row-mt": "1",
        }
    return stream


def to_i420(chunk: np.ndarray) -> list[np.ndarray]:
    """RGB frames → planar YUV 4:2:0 (each (H·3/2)×W), padding odd sizes to even."""
    return [rgb_to_i420(frame) for frame in pad_even(chunk)]


class AudioTrack:
    """An audio stream fed in step with the picture; its length is the picture's, to the sample."""

    def __init__(self, container: Any, codec: str, audio: Audio, duration: float, spec: EncodeSpec) -> None:
        import av

        self.container = container
        self.rate = codec_rate(audio.sample_rate, av.Codec(codec, "w").audio_rates)
        self.samples = fit_audio(audio, float(duration), self.rate)
        self.layout = LAYOUTS[audio.channels]
        self.stream = container.add_stream(codec, rate=self.rate, layout=self.layout)
        self.stream.codec_context.bit_rate = spec.audio_bitrate
        self.done = 0

    def encode_until(self, seconds: float) -> None:
        import av

        stop = min(len(self.samples), round(seconds * self.rate))
        if stop <= self.done:
            return
        frame = av.AudioFrame.from_ndarray(
            self.samples[self.done : stop].reshape(1, -1), format="flt", layout=self.layout
        )
        frame.sample_rate = self.rate
        frame.time_base = Fraction(1, self.rate)
        frame.pts = self.done
        self.container.mux(self.stream.encode(frame))
        self.done = stop

    def finish(self) -> None:
        self.encode_until(len(self.samples) / self.rate)
        self.container.mux(self.stream.encode(None))
