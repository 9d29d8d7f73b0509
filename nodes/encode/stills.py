"""A PNG sequence (a folder) and the raw ``.npz`` export, both written frame chunk by frame chunk.

PNG: ``frame_000000.png`` … in a folder, each carrying the metadata as ``tEXt`` chunks,
plus ``audio.wav`` when there is sound. NPZ: an uncompressed zip of ``frames`` (T×H×W×3
uint8), ``fps``, ``cuts``, ``audio`` ((N, C) float32 fitted to the picture),
``sample_rate`` and ``metadata`` (a JSON string); ``frames.npy`` is streamed into the zip,
and entries carry a fixed date so the file is byte-for-byte reproducible.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from nodes.datatypes import Audio, Frames

from .audio import fit_audio
from .metadata import as_document, as_text, insert_png_chunks, png_text_chunk
from .spec import EncodeSpec, Progress, frame_chunks

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def encode_png_sequence(
    frames: Frames, audio: Audio | None, folder: Path, spec: EncodeSpec, progress: Progress | None
) -> dict:
    import cv2

    chunks = [png_text_chunk(key, as_text(value)) for key, value in spec.metadata.items()]
    level = min(9, 1 + spec.preset_level)  # zlib effort follows the preset
    for start, chunk in frame_chunks(frames):
        for k, rgb in enumerate(chunk):
            ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, level])
            if not ok:
                raise RuntimeError(f"PNG encoding of frame {start + k} failed")
            (folder / f"frame_{start + k:06d}.png").write_bytes(insert_png_chunks(png.tobytes(), chunks))
        if progress is not None:
            progress(start + len(chunk), frames.count)
    if audio is not None:
        import soundfile

        soundfile.write(
            folder / "audio.wav",
            fit_audio(audio, float(frames.count / spec.fps), audio.sample_rate),
            audio.sample_rate,
            subtype="PCM_16",
        )
    return {
        "width": frames.width,
        "height": frames.height,
        "codec": "png",
        "audio_codec": "pcm_s16le" if audio else None,
    }


def encode_npz(frames: Frames, audio: Audio | None, path: Path, spec: EncodeSpec, progress: Progress | None) -> dict:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        shape = (frames.count, frames.height, frames.width, 3)
        with archive.open(_entry("frames.npy"), "w", force_zip64=True) as out:
            np.lib.format.write_array_header_1_0(out, {"descr": "|u1", "fortran_order": False, "shape": shape})
            for start, chunk in frame_chunks(frames):
                out.write(np.ascontiguousarray(chunk).tobytes())
                if progress is not None:
                    progress(start + len(chunk), frames.count)
        rate = audio.sample_rate if audio is not None else 0
        sound = (
            fit_audio(audio, float(frames.count / spec.fps), rate)
            if audio is not None
            else np.zeros((0, 1), np.float32)
        )
        _put(archive, "fps", np.float64(float(spec.fps)))
        _put(archive, "cuts", np.asarray(frames.cuts, np.int64))
        _put(archive, "audio", sound)
        _put(archive, "sample_rate", np.int64(rate))
        _put(archive, "metadata", np.str_(as_document(spec.metadata)))
    return {"width": frames.width, "height": frames.height, "codec": "raw", "audio_codec": "f32" if audio else None}


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = zipfile.ZIP_STORED
    return info


def _put(archive: zipfile.ZipFile, name: str, value: np.ndarray | np.generic) -> None:
    with archive.open(_entry(f"{name}.npy"), "w", force_zip64=True) as out:
        np.lib.format.write_array(out, np.asarray(value), allow_pickle=False)
