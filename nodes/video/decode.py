"""Lazy, seekable decoding of one video file with PyAV.

:class:`VideoReader` is the producer behind ``video.load``'s FRAMES: frames are decoded only
when read, and a read that continues where the last one stopped (an encoder streaming
``chunks()``) goes on decoding without seeking, so a 10-minute 1080p clip costs one chunk of
memory. Output frame ``i`` shows the source at time ``t0 + i / fps``: the last source frame
whose timestamp is not after it (a frame "holds" until the next one), which is the identity
at the source rate and drops or repeats frames when resampling.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

EPS = 1e-6
TAIL_SLACK = 2  # frames a container's duration may over-promise (rounding) before it counts as truncated


class DecodeError(Exception):
    """The file cannot be decoded as promised (corrupt, truncated, no decoder)."""


@dataclass(frozen=True)
class Probe:
    """What the container says about its first video stream, and its audio."""

    width: int
    height: int
    fps: float
    duration: float  # seconds of video
    frames: int  # the stream's declared frame count, 0 when the container does not say
    codec: str
    has_audio: bool
    origin: float = 0.0  # the first video timestamp in seconds (MPEG-TS and edited MP4s do not start at 0)


def probe(path: Path) -> Probe:
    """Read the headers (and decode one frame, so that an unsupported codec fails here)."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise DecodeError(f"not a media file PyAV can read ({exc.__class__.__name__}: {exc})") from exc
    with container:
        if not container.streams.video:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "no streams at all"
            raise DecodeError(f"has no video stream (it holds {kinds})")
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not rate or float(rate) <= 0:
            raise DecodeError("declares no frame rate")
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        else:
            duration = 0.0
        codec = stream.codec_context.name if stream.codec_context is not None else "unknown"
        try:
            first = next(_frames(container, stream), None)
        except av.error.FFmpegError as exc:
            if "decoder not found" in str(exc).lower():
                raise DecodeError(
                    f"its video codec ({codec}) is not one this FFmpeg build can decode; convert it first, e.g. "
                    "to H.264 (ffmpeg -i IN -c:v libx264 OUT.mp4)"
                ) from exc
            raise DecodeError(f"its {codec} video cannot be decoded ({exc})") from exc
        if first is None:
            raise DecodeError(f"its {codec} video stream holds no decodable frame")
        origin = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
        return Probe(
            origin=origin,
            width=first.width,
            height=first.height,
            fps=float(rate),
            duration=duration,
            frames=int(stream.frames or 0),
            codec=codec,
            has_audio=bool(container.streams.audio),
        )


def _frames(container: Any, stream: Any, file_size: int | None = None) -> Iterator[Any]:
    """Decoded frames of ``stream``; with ``file_size``, a packet the index places past the end of the
    file (a truncated download whose header survived) raises instead of decoding as garbage."""
    for packet in container.demux(stream):
        if file_size is not None and packet.pos is not None and packet.pos + packet.size > file_size:
            raise DecodeError(
                f"the file is truncated: it ends at byte {file_size} but its index places "
                f"{stream.type} data up to byte {packet.pos + packet.size}"
            )
        yield from packet.decode()
    # demux ends with a flush packet, so the decoder's buffered frames are included above


@dataclass(frozen=True)
class Selection:
    """Which output frames to make: ``count`` frames at ``fps`` from ``start`` seconds, at ``size``.

    ``start`` counts from the clip's first frame; ``origin`` is that frame's timestamp."""

    start: float
    fps: float
    count: int
    width: int
    height: int
    origin: float = 0.0

    def time(self, index: int) -> float:
        """Output frame ``index``'s time on the file's own clock."""
        return self.origin + self.start + index / self.fps


class VideoReader:
    """``producer(start, stop)`` for :class:`~nodes.datatypes.Frames`; thread-safe, lazily opened."""

    def __init__(self, path: Path, selection: Selection, source_fps: float) -> None:
        self.path = path
        self.sel = selection
        self.half_frame = 0.5 / source_fps  # timestamps jitter; a frame counts from half a frame early
        self._lock = threading.Lock()
        self._container: Any = None
        self._iter: Iterator[tuple[float, np.ndarray]] | None = None
        self._next = 0  # the output index the open decoder continues with
        self._held: tuple[float, np.ndarray] | None = None  # the last decoded frame not yet passed
        self._last: np.ndarray | None = None
        self._last_time = 0.0

    def __call__(self, start: int, stop: int) -> np.ndarray:
        with self._lock:
            if self._iter is None or start != self._next:
                self._seek(start)
            out = np.empty((stop - start, self.sel.height, self.sel.width, 3), np.uint8)
            for k in range(start, stop):
                out[k - start] = self._frame_at(k)
            self._next = stop
            if stop >= self.sel.count:
                self.close()  # the whole clip has been read: do not hold the file open
            return out

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container, self._iter, self._held = None, None, None

    def _seek(self, index: int) -> None:
        import av

        self.close()
        self._container = av.open(str(self.path))
        stream = self._container.streams.video[0]
        stream.thread_type = "AUTO"  # frame threads: decode keeps pace with the encoder on 2 cores
        target = self.sel.time(index)
        if target - self.sel.origin > 1.0 and stream.time_base is not None:  # to the key frame before target
            self._container.seek(int((target - 1.0) / stream.time_base), stream=stream, backward=True)
        self._iter = self._decoded(stream, self.path.stat().st_size)
        self._held, self._last, self._next = None, None, index

    def _decoded(self, stream: Any, file_size: int) -> Iterator[tuple[float, np.ndarray]]:
        import av

        sel = self.sel
        try:
            for frame in _frames(self._container, stream, file_size):
                t = float(frame.time) if frame.time is not None else 0.0
                if frame.width != sel.width or frame.height != sel.height:
                    frame = frame.reformat(sel.width, sel.height, format="rgb24", interpolation="AREA")
                yield t, frame.to_ndarray(format="rgb24")
        except av.error.FFmpegError as exc:
            raise DecodeError(f"decoding failed ({exc}); the file is damaged") from exc

    def _frame_at(self, index: int) -> np.ndarray:
        """The last source frame at or before output time ``index`` (a source frame holds)."""
        target = self.sel.time(index) + self.half_frame
        assert self._iter is not None
        while True:
            if self._held is None:
                self._held = next(self._iter, None)
                if self._held is None:
                    return self._ran_out(index)
            t, picture = self._held
            if t > target + EPS:
                if self._last is None:  # the first frame starts late: show it from the start
                    self._last = picture
                return self._last
            self._last, self._last_time, self._held = picture, t, None

    def _ran_out(self, index: int) -> np.ndarray:
        """The stream ended before output frame ``index``: hold the last frame if it is within
        ``TAIL_SLACK`` source frames (a duration rounded up), else the file is truncated."""
        behind = self.sel.time(index) - self._last_time
        if self._last is None or behind > TAIL_SLACK * 2 * self.half_frame + EPS:
            origin = self.sel.origin
            ends = f"{self._last_time - origin:.2f} s" if self._last is not None else "its start"
            raise DecodeError(
                f"the video ends at {ends}, before the {self.sel.time(self.sel.count) - origin:.2f} s its header "
                "promises: the file is truncated"
            )
        return self._last


def read_audio(path: Path, start: float, stop: float, origin: float = 0.0) -> tuple[np.ndarray, int] | None:
    """The first audio stream's samples in ``[start, stop)`` seconds after the video's first frame
    (at ``origin`` on the file's clock) as (N, channels) float32, or None when there is no audio."""
    import av

    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        channels = min(stream.codec_context.channels or 2, 2)
        layout = "stereo" if channels == 2 else "mono"
        resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
        parts: list[np.ndarray] = []
        first_time: float | None = None
        try:
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if first_time is None:
                        first_time = float(frame.time or 0.0)
                    for out in resampler.resample(frame):
                        parts.append(out.to_ndarray().reshape(-1, channels))
                    if frame.time is not None and frame.time - origin > stop + 1.0:
                        break
                else:
                    continue
                break
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1, channels))
        except av.error.FFmpegError as exc:
            raise DecodeError(f"its audio cannot be decoded ({exc})") from exc
    samples = np.concatenate(parts) if parts else np.zeros((0, channels), np.float32)
    first = origin if first_time is None else first_time
    offset = round((first - origin - start) * rate)  # audio that starts late is padded with silence
    if offset > 0:
        samples = np.concatenate([np.zeros((offset, channels), np.float32), samples])
    else:
        samples = samples[-offset:]
    want = max(0, round((stop - start) * rate))
    samples = samples[:want]
    if samples.shape[0] < want:
        samples = np.concatenate([samples, np.zeros((want - samples.shape[0], channels), np.float32)])
    return np.ascontiguousarray(samples, np.float32), int(rate)


def as_fraction(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)
