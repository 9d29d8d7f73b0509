"""The ``audio.load`` node: a sound file from the input folders as AUDIO."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio
from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node
from server.engine.errors import NodeInputError
from server.engine.paths import file_fingerprint

from .common import MAX_SECONDS
from .decode import read_audio
from .dsp import resample


class AudioLoadParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Param(
        "",
        description="The sound's name in the input folders: the editor's uploads (drop a file on the canvas), "
        "or with the CLI a path under --input-dir (default the current folder). WAV, FLAC, Ogg, MP3, M4A/AAC, "
        "or the audio track of a video.",
        widget="file",
        max_length=1024,
    )
    start: float = Param(0.0, description="Skip this many seconds from the beginning.", ge=0, le=36000, step=0.1)
    duration: float = Param(
        0.0, description=f"Keep this many seconds (0: to the end, at most {MAX_SECONDS:g} s).", ge=0, le=MAX_SECONDS
    )
    sample_rate: Literal[0, 16000, 22050, 24000, 32000, 44100, 48000] = Param(
        0, description="Resample to this rate; 0 keeps the file's rate."
    )
    channels: Literal["keep", "mono", "stereo"] = Param("keep", description="Mix down to mono, or to stereo.")


@node(
    id="audio.load",
    version="1.0.0",
    title="Load audio",
    category="audio",
    outputs={"audio": Output("AUDIO", "The sound, float32, in the chosen window, rate and channels.")},
    params=AudioLoadParams,
    fingerprint=lambda params, folders: file_fingerprint(folders, params.file.strip()),  # a replaced file is re-read
)
def load_audio(ctx: NodeContext, params: AudioLoadParams) -> dict:
    """Read a sound file (libsndfile, or FFmpeg for compressed and video containers) from the
    input folders; optionally a window of it, resampled, mixed to mono or stereo."""
    if not params.file.strip():
        raise NodeInputError("file", "name a sound file: upload one (drop it on the canvas) or give its path")
    path = ctx.input_file(params.file.strip(), "file")
    ctx.progress(0, 2)
    samples, rate = read_audio(path, params.start, params.duration)
    if params.duration <= 0 and samples.shape[0] > MAX_SECONDS * rate:
        ctx.log.warning(
            "%s: %s is longer than %g s; kept the first %g s", ctx.node_id, path.name, MAX_SECONDS, MAX_SECONDS
        )
        samples = samples[: int(MAX_SECONDS * rate)]
    ctx.progress(1, 2)
    samples = to_channels(samples, params.channels)
    if params.sample_rate and params.sample_rate != rate:
        samples, rate = np.clip(resample(samples, rate, params.sample_rate), -1.0, 1.0), params.sample_rate
    audio = Audio(np.ascontiguousarray(samples, dtype=np.float32), int(rate))
    ctx.log.info("%s: %s, %.2f s at %d Hz, %d ch", ctx.node_id, path.name, audio.duration, rate, audio.channels)
    ctx.progress(2, 2)
    return {"audio": audio}


def to_channels(samples: np.ndarray, channels: str) -> np.ndarray:
    """Mono is the mean of the channels; stereo duplicates mono and keeps the first two of more."""
    if channels == "mono" and samples.shape[1] != 1:
        return samples.mean(axis=1, keepdims=True, dtype=np.float32)
    if channels == "stereo":
        if samples.shape[1] == 1:
            return np.repeat(samples, 2, axis=1)
        return samples[:, :2]
    return samples
