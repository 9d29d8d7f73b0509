"""Atomic file writes for the GAN nodes: one temp file in the target folder, then a rename, so
a reader never sees half a file and a crash never replaces a good one with a torn one."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from server.engine.partials import write_bytes_atomic


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, data)  # a locked partial file, swept after a crash
    return path


def write_png(path: Path, image: np.ndarray) -> Path:
    """An RGB uint8 array as PNG."""
    import cv2

    ok, data = cv2.imencode(".png", np.ascontiguousarray(image[..., ::-1]))
    if not ok:
        raise RuntimeError(f"could not encode {path.name} as PNG")
    return write_bytes(path, data.tobytes())


def write_npy(path: Path, array: np.ndarray) -> Path:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return write_bytes(path, buffer.getvalue())
