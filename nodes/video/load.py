"""The ``video.load`` node: a clip from the input folders as lazily decoded FRAMES and its sound."""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Frames
from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node
from server.engine.errors import NodeInputError
from server.engine.paths import file_fingerprint

from .decode import DecodeError, Probe, Selection, VideoReader, probe, read_audio

MAX_SIDE = 8192
SILENT_RATE = 48_000


class LoadParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Param(
        "",
        description="The clip: a file name in the upload folder (or the CLI's --input-dir); any format PyAV reads.",
        widget="file",
        max_length=1024,
    )
    start: float = Param(0.0, description="Start at this time in seconds.", ge=0.0, step=0.1)
    end: float = Param(0.0, description="Stop at this time in seconds; 0 reads to the end.", ge=0.0, step=0.1)
    max_frames: int = Param(0, description="At most this many frames; 0 for no limit.", ge=0, le=1_000_000)
    fps: float = Param(
        0.0,
        description="Frame rate of the frames; 0 keeps the source's. Other rates drop or repeat source frames "
        "(use video.interpolate for smooth in-betweens).",
        ge=0.0,
        le=240.0,
        step=0.001,
    )
    width: int = Param(0, description="Resize to this width; 0 keeps it (or follows height).", ge=0, le=MAX_SIDE)
    height: int = Param(0, description="Resize to this height; 0 keeps it (or follows width).", ge=0, le=MAX_SIDE)


@node(
    id="video.load",
    version="1.0.0",
    title="Load video",
    category="video",
    outputs={
        "frames": Output("FRAMES", "The picture, decoded lazily chunk by chunk as it is read."),
        "audio": Output("AUDIO", "The first audio track over the same range; silence when the clip has none."),
        "fps": Output("FLOAT", "The frame rate of the frames."),
    },
    params=LoadParams,
    # A replaced file is read again; an unchanged one stays cached (with all the work after it).
    fingerprint=lambda params, folders: file_fingerprint(folders, params.file.strip()),
)
def load_video(ctx: NodeContext, params: LoadParams) -> dict:
    """Read a video file for enhancement or editing, without holding it in memory.

    Headers are read and the first and last chosen frames decoded now, so that a corrupt or
    truncated file, a file with no video stream or a codec this build cannot decode fails
    here with the reason; the rest is decoded as the next node reads it.
    """
    if not params.file.strip():
        raise NodeInputError("file", "choose a video file (upload one or drop it on the canvas)")
    path = ctx.input_file(params.file, "file")
    try:
        source = probe(path)
    except DecodeError as exc:
        raise NodeInputError("file", f"{params.file!r}: {exc}") from exc
    selection = select(source, params)
    reader = VideoReader(path, selection, source.fps)
    try:
        reader(selection.count - 1, selection.count)  # the last frame decodes: the file is whole
    except DecodeError as exc:
        raise NodeInputError("file", f"{params.file!r}: {exc}") from exc
    finally:
        reader.close()
    frames = Frames(
        VideoReader(path, selection, source.fps),
        count=selection.count,
        width=selection.width,
        height=selection.height,
        fps=selection.fps,
    )
    stop = selection.start + selection.count / selection.fps
    try:
        track = read_audio(path, selection.start, stop, source.origin) if source.has_audio else None
    except DecodeError as exc:
        raise NodeInputError("file", f"{params.file!r}: {exc}") from exc
    if track is None:
        ctx.log.info("%s: %s has no audio track; the audio output is silence", ctx.node_id, params.file)
        samples = np.zeros((round((stop - selection.start) * SILENT_RATE), 2), np.float32)
        audio = Audio(samples, SILENT_RATE)
    else:
        audio = Audio(*track)
    ctx.log.info(
        "%s: %s (%s %dx%d %.3g fps) → %d frames %dx%d at %.3g fps",
        ctx.node_id,
        params.file,
        source.codec,
        source.width,
        source.height,
        source.fps,
        selection.count,
        selection.width,
        selection.height,
        selection.fps,
    )
    return {"frames": frames, "audio": audio, "fps": selection.fps}


def select(source: Probe, params: LoadParams) -> Selection:
    """The frames to make from the parameters, checked against what the file holds."""
    duration = source.duration or (source.frames / source.fps if source.frames else 0.0)
    if duration <= 0:
        raise NodeInputError("file", f"{params.file!r} does not say how long it is, so it cannot be read lazily")
    end = min(params.end, duration) if params.end > 0 else duration
    if params.start >= end:
        raise NodeInputError(
            "start", f"start {params.start:g} s is not before the end ({end:g} s; the clip lasts {duration:.3f} s)"
        )
    fps = params.fps or source.fps
    same_rate = abs(fps - source.fps) < 1e-9
    if same_rate and params.start == 0 and end == duration and source.frames:
        count = source.frames
    else:
        count = max(1, math.floor((end - params.start) * fps + 1e-6))
    if params.max_frames:
        count = min(count, params.max_frames)
    width, height = output_size(source.width, source.height, params.width, params.height)
    return Selection(start=params.start, fps=fps, count=count, width=width, height=height, origin=source.origin)


def output_size(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int]:
    """The requested size; one side 0 follows the source's aspect ratio (rounded to even)."""
    if width and height:
        return width, height
    if width:
        return width, max(2, round(src_h * width / src_w / 2) * 2)
    if height:
        return max(2, round(src_w * height / src_h / 2) * 2), height
    return src_w, src_h
