"""The ``audio.save`` node: write AUDIO to a WAV, FLAC or Ogg Vorbis file, atomically and reproducibly."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, MediaFile
from nodes.naming import FileStem
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.engine.partials import partial_path

from .common import checked_audio

SUBTYPES = {"wav": ("PCM_16", "PCM_24", "FLOAT"), "flac": ("PCM_16", "PCM_24"), "ogg": ("VORBIS",)}


class SaveParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["wav", "flac", "ogg"] = Param(
        "wav", description="wav (uncompressed), flac (lossless), ogg (Vorbis)."
    )
    subtype: Literal["auto", "PCM_16", "PCM_24", "FLOAT"] = Param(
        "auto", description="Sample format: auto = PCM_16 for wav/flac, Vorbis for ogg. FLOAT is wav only."
    )
    filename_prefix: FileStem = Param("audio", description="File name start; a content hash is appended.")


def target(ctx: NodeContext, params: SaveParams, samples: np.ndarray, sr: int, subtype: str) -> Path:
    """Where to write: ``<output_dir>/<prefix>_<hash>.<ext>``, the hash naming the content, so the
    same audio always lands in the same file and different audio never overwrites it."""
    digest = hashlib.sha256(samples.tobytes() + f"{sr}/{params.format}/{subtype}".encode()).hexdigest()[:12]
    path = Path(ctx.output_dir) / f"{params.filename_prefix}_{digest}.{params.format}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_atomic(path: Path, samples: np.ndarray, sr: int, fmt: str, subtype: str) -> None:
    """Encode into a locked partial file beside ``path``, then rename it into place."""
    import soundfile as sf

    from .oggfix import fix_serial

    with partial_path(path.parent) as tmp:
        sf.write(tmp, samples, sr, format=fmt.upper(), subtype=subtype)
        if fmt == "ogg":
            tmp.write_bytes(fix_serial(tmp.read_bytes()))
        os.replace(tmp, path)


@node(
    id="audio.save",
    version="1.0.0",
    title="Save audio",
    category="audio",
    inputs={"audio": Input("AUDIO", "The audio to write.")},
    outputs={"file": Output("VIDEO", "The written audio file.")},
    params=SaveParams,
    output=True,
)
def save(ctx: NodeContext, params: SaveParams, *, audio: Audio) -> dict:
    """Write WAV, FLAC or Ogg Vorbis. Samples are clipped to [-1, 1] first (formats wrap, not clip),
    and Ogg serial numbers are fixed, so the same audio gives a byte-identical file."""
    audio = checked_audio("audio", audio)
    subtype = {"wav": "PCM_16", "flac": "PCM_16", "ogg": "VORBIS"}[params.format]
    if params.subtype != "auto":
        if params.subtype not in SUBTYPES[params.format]:
            allowed = ", ".join(SUBTYPES[params.format]) if params.format != "ogg" else "auto only (always Vorbis)"
            raise NodeInputError("subtype", f"{params.subtype} is not possible in {params.format}; allowed: {allowed}")
        subtype = params.subtype
    samples = np.clip(audio.samples, -1.0, 1.0)
    path = target(ctx, params, samples, audio.sample_rate, subtype)
    if not path.exists():
        write_atomic(path, samples, audio.sample_rate, params.format, subtype)
    ctx.progress(1, 1)
    extra = {"format": params.format, "subtype": subtype, "sample_rate": audio.sample_rate, "channels": audio.channels}
    return {"file": MediaFile(path, "audio", duration=round(audio.duration, 4), extra=extra)}
