"""Reading a user's sound file: soundfile (WAV, FLAC, Ogg/Vorbis/Opus, AIFF, MP3 with libsndfile
≥ 1.1) first, PyAV (FFmpeg) for what it cannot read, e.g. AAC in an MP4/M4A or a video's track.

Only the asked window [start, start + duration) is decoded and kept, so a long file costs
the memory of the part you use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from server.engine.errors import NodeInputError

MAX_DECODE_SECONDS = 3600.0


class Unreadable(Exception):
    """This decoder cannot read the file; another may."""


def read_soundfile(path: Path, start: float, duration: float) -> tuple[np.ndarray, int]:
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as f:
            rate = int(f.samplerate)
            first = round(start * rate)
            if f.frames and first >= f.frames:
                return np.zeros((0, f.channels), np.float32), rate
            if first:
                f.seek(min(first, f.frames))
            count = -1 if duration <= 0 else round(duration * rate)
            samples = f.read(frames=count, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise Unreadable(str(exc)) from None
    return samples, rate


def read_av(path: Path, start: float, duration: float) -> tuple[np.ndarray, int]:
    """The first audio stream through FFmpeg, as float32 (N, channels)."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise Unreadable(str(exc)) from None
    with container:
        streams = container.streams.audio
        if not streams:
            raise NodeInputError("file", f"{path.name} has no audio stream")
        stream = streams[0]
        rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        if rate <= 0:
            raise Unreadable("no sample rate")
        channels = stream.codec_context.channels or 1
        layout = "stereo" if channels >= 2 else "mono"
        resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
        first = round(start * rate)
        wanted = None if duration <= 0 else round(duration * rate)
        limit = int(MAX_DECODE_SECONDS * rate)
        pieces: list[np.ndarray] = []
        position = kept = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    block = out.to_ndarray().reshape(-1, 2 if layout == "stereo" else 1)
                    lo, hi = max(0, first - position), block.shape[0]
                    position += block.shape[0]
                    if lo < hi:
                        pieces.append(block[lo:hi])
                        kept += hi - lo
                if (wanted is not None and kept >= wanted) or position > limit + first:
                    break
        except (av.error.FFmpegError, ValueError) as exc:
            if not pieces:
                raise Unreadable(str(exc)) from None
    samples = np.concatenate(pieces) if pieces else np.zeros((0, 2 if layout == "stereo" else 1), np.float32)
    if wanted is not None:
        samples = samples[:wanted]
    return np.ascontiguousarray(samples, dtype=np.float32), rate


def read_audio(path: Path, start: float = 0.0, duration: float = 0.0) -> tuple[np.ndarray, int]:
    """(float32 samples (N, channels), sample rate) of ``[start, start+duration)``; 0 means to the end.

    Raises :class:`NodeInputError` on ``file`` when neither decoder can read it, and on
    ``start`` when the window lies past the end.
    """
    errors = []
    for reader in (read_soundfile, read_av):
        try:
            samples, rate = reader(path, start, duration)
            break
        except Unreadable as exc:
            errors.append(str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable")
    else:
        raise NodeInputError(
            "file",
            f"{path.name} is not a sound file that can be decoded (tried libsndfile and FFmpeg: "
            f"{'; '.join(errors)}); use WAV, FLAC, Ogg, MP3, M4A/AAC or a video with an audio track",
        )
    if samples.shape[0] == 0:
        if start > 0:
            raise NodeInputError("start", f"{path.name} ends before {start:g} s; choose an earlier start")
        raise NodeInputError("file", f"{path.name} holds no samples (zero-length audio)")
    if not np.isfinite(samples).all():
        raise NodeInputError("file", f"{path.name} decodes to NaN or infinite samples; the file is corrupt")
    return samples, rate
