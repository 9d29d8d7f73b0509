"""The reusable writer: FRAMES (+ AUDIO) → one finished file, written atomically.

Other code (the renderer's benchmark, the CLI) calls :func:`write_video`; the
``encode.video`` node uses the same pieces with numbered, never-overwriting names.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from nodes.datatypes import Audio, Frames, MediaFile
from server.engine.errors import NodeInputError

from .audio import LAYOUTS
from .files import ensure_folder, publish_replace, temp_path
from .spec import FORMATS, PRESETS, EncodeSpec, Progress, frame_rate

MEDIA_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "gif": "image/gif",
    "webp": "image/webp",
    "png": "image/png-sequence",
    "npz": "application/x-npz",
}
EXTENSIONS = {"mp4": "mp4", "webm": "webm", "gif": "gif", "webp": "webp", "png": None, "npz": "npz"}
WITH_SOUND = {"mp4", "webm", "png", "npz"}  # GIF and WebP are picture-only


def write_video(
    frames: Frames,
    audio: Audio | None,
    path: Path,
    *,
    fmt: str = "mp4",
    fps: float | None = None,
    crf: int = 20,
    preset: str = "veryfast",
    metadata: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    audio_bitrate: int = 192_000,
) -> MediaFile:
    """Encode ``frames`` (and ``audio``, trimmed or padded to the picture) into ``path``.

    ``fps`` overrides the frames' rate (None keeps it); ``crf`` and ``preset`` use x264's
    scales (mapped for VP9/WebP/PNG); ``metadata`` values are stored as tags (non-strings as
    JSON), e.g. ``{"workflow": workflow_dict}``. For ``fmt="png"`` the path is a folder. The
    file appears under ``path`` only when complete, replacing what was there. Raises
    NodeInputError for unusable input, naming ``frames``, ``audio``, ``format``, ``fps``,
    ``crf``, ``preset`` or ``path``.
    """
    spec = make_spec(frames, fmt=fmt, fps=fps, crf=crf, preset=preset, metadata=metadata, audio_bitrate=audio_bitrate)
    check_inputs(frames, audio)
    path = Path(path)
    ensure_folder(path.parent, "path")
    with temp_path(path.parent, directory=fmt == "png") as temp:
        info = encode_into(frames, audio, temp, spec, progress)
        final = publish_replace(temp, path)
    return media_file(final, frames, audio, spec, info)


def make_spec(
    frames: Frames,
    *,
    fmt: str,
    fps: float | None,
    crf: int,
    preset: str,
    metadata: Mapping[str, Any] | None,
    audio_bitrate: int,
) -> EncodeSpec:
    """The checked encoding settings (NodeInputError naming the setting at fault)."""
    if fmt not in FORMATS:
        raise NodeInputError("format", f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if preset not in PRESETS:
        raise NodeInputError("preset", f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if not 0 <= crf <= 51:
        raise NodeInputError("crf", f"crf {crf} is out of range; use 0 (lossless) to 51 (worst)")
    if fps is not None and not 0 < fps <= 1000:
        raise NodeInputError(
            "fps", f"frame rate {fps} is not usable; give a positive rate (or none for the frames' own)"
        )
    return EncodeSpec(fmt, frame_rate(fps or frames.fps), crf, preset, audio_bitrate, dict(metadata or {}))


def check_inputs(frames: Frames, audio: Audio | None) -> None:
    """Refuse what no encoder should get, before any file is opened."""
    if frames.count == 0:
        raise NodeInputError("frames", "there are no frames to encode; the upstream node produced 0 frames")
    if audio is None:
        return
    if audio.channels not in LAYOUTS:
        raise NodeInputError("audio", f"audio has {audio.channels} channels; mono or stereo (1 or 2) can be encoded")
    if audio.samples.size and not np.isfinite(audio.samples).all():
        bad = int((~np.isfinite(audio.samples)).any(axis=1).sum())
        raise NodeInputError(
            "audio",
            f"audio has {bad} sample(s) that are NaN or infinite; fix the node that made it (samples in [-1, 1])",
        )


def checked(frames: Frames) -> Frames:
    """The same frames, but a chunk of the wrong size or type is a NodeInputError on ``frames``."""

    def produce(start: int, stop: int) -> np.ndarray:
        try:
            chunk = frames.read(start, stop)
        except ValueError as exc:
            raise NodeInputError(
                "frames",
                f"frames from {start} cannot be read as {frames.width}x{frames.height} RGB: {exc}; "
                "every frame of a sequence must have the same size",
            ) from exc
        if chunk.dtype != np.uint8:
            raise NodeInputError("frames", f"frames from {start} are {chunk.dtype}; frames must be uint8 RGB")
        return chunk

    return Frames(
        produce, count=frames.count, width=frames.width, height=frames.height, fps=frames.fps, cuts=frames.cuts
    )


def encode_into(frames: Frames, audio: Audio | None, target: Path, spec: EncodeSpec, progress: Progress | None) -> dict:
    """Write the encoding into ``target`` (a temp file, or a temp folder for PNG); returns facts for MediaFile."""
    sound = audio if spec.fmt in WITH_SOUND else None
    frames = checked(frames)
    if spec.fmt == "mp4":  # x264 is only reproducible in a fresh process: see worker.py
        from .worker import encode_in_worker

        return encode_in_worker(frames, sound, target, spec, progress)
    if spec.fmt == "webm":
        from .movie import encode_movie

        return encode_movie(frames, sound, target, spec, progress)
    if spec.fmt == "gif":
        from .animated import encode_gif

        return encode_gif(frames, target, spec, progress)
    if spec.fmt == "webp":
        from .animated import encode_webp

        return encode_webp(frames, target, spec, progress)
    if spec.fmt == "png":
        from .stills import encode_png_sequence

        return encode_png_sequence(frames, sound, target, spec, progress)
    from .stills import encode_npz

    return encode_npz(frames, sound, target, spec, progress)


def media_file(path: Path, frames: Frames, audio: Audio | None, spec: EncodeSpec, info: dict) -> MediaFile:
    extra: dict[str, Any] = {"format": spec.fmt, "frames": frames.count, "codec": info["codec"]}
    if info.get("audio_codec"):
        extra["audio_codec"] = info["audio_codec"]
    elif audio is not None:
        extra["audio_dropped"] = f"{spec.fmt} holds no sound"
    return MediaFile(
        path=path,
        media_type=MEDIA_TYPES[spec.fmt],
        duration=round(frames.count / float(spec.fps), 6),
        width=info["width"],
        height=info["height"],
        fps=float(spec.fps),
        extra=extra,
    )
