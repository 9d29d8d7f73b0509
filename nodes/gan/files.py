"""Atomic file writes for the GAN nodes: one temp file in the target folder, then a rename, so
a reader never sees half a file and a crash never replaces a good one with a torn one."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np

FILE_MODE = 0o644  # mkstemp makes 0600; results are for reading


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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
