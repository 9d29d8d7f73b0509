"""``.cube`` 3D LUTs: read with colour-science, applied to uint8 frames through a dense table.

colour-science parses the file (Resolve and Iridas flavours, domains, titles). Applying its
trilinear interpolation to every pixel of every frame would cost most of a second per frame,
so the LUT is evaluated once for all 256³ 8-bit colours (trilinearly, 256 slices of 65 536
colours) into a 48 MiB byte table, and each frame is then one gather.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

MIN_SIZE, MAX_SIZE = 2, 256


class LutError(ValueError):
    """The file is no 3D LUT we can apply; the message says why."""


def import_colour() -> Any:
    """colour-science, without the side effect of its import.

    Without matplotlib installed, ``colour.plotting`` puts ``unittest.mock.MagicMock`` objects
    into ``sys.modules`` under ``matplotlib``, ``cycler`` and ``mpl_toolkits``; other libraries
    then crash probing for matplotlib (diffusers: "matplotlib.__spec__ is not set"). We take
    those placeholders out again: colour's plotting (which we never use) keeps its own references.
    """
    from unittest.mock import MagicMock

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # colour warns about the optional plotting packages
        import colour

    for name in [n for n, m in sys.modules.items() if isinstance(m, MagicMock)]:
        if name.split(".")[0] in ("matplotlib", "cycler", "mpl_toolkits"):
            del sys.modules[name]
    return colour


def read_cube(path: Path) -> np.ndarray:
    """The LUT's table as float32 (N, N, N, 3) indexed [r, g, b], values mapped to the 0-1 domain."""
    colour = import_colour()

    if path.suffix.lower() != ".cube":
        raise LutError(f"{path.name} is not a .cube file")
    try:
        lut = colour.read_LUT(str(path))
    except ValueError as exc:
        text = str(exc)
        if "reshape" in text:
            raise LutError(
                f"{path.name}: its number of colour rows does not match its LUT_3D_SIZE (a size N LUT has N³ rows)"
            ) from exc
        raise LutError(f"{path.name} is not a readable .cube file ({text})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LutError(f"{path.name} cannot be read ({exc})") from exc
    if not isinstance(lut, colour.LUT3D):
        raise LutError(f"{path.name} is a {type(lut).__name__} (a 1D LUT); video.grade applies 3D LUTs (LUT_3D_SIZE)")
    table = np.asarray(lut.table, np.float64)
    size = table.shape[0]
    if not (MIN_SIZE <= size <= MAX_SIZE) or table.shape != (size, size, size, 3):
        raise LutError(f"{path.name}: LUT_3D_SIZE {size} is outside {MIN_SIZE}-{MAX_SIZE}")
    if not np.isfinite(table).all():
        raise LutError(f"{path.name} holds values that are not numbers")
    domain = np.asarray(lut.domain, np.float64)
    if domain.shape != (2, 3) or (domain[1] <= domain[0]).any():
        raise LutError(f"{path.name}: DOMAIN_MIN must be below DOMAIN_MAX")
    if (domain != [[0, 0, 0], [1, 1, 1]]).any():  # map the 8-bit range through the declared domain
        raise LutError(f"{path.name}: only the 0-1 input domain is supported (it declares {domain.tolist()})")
    return table.astype(np.float32)


def dense_table(table: np.ndarray) -> np.ndarray:
    """uint8 (256, 256, 256, 3): the LUT trilinearly interpolated at every 8-bit colour."""
    n = table.shape[0]
    pos = np.arange(256, dtype=np.float32) * ((n - 1) / 255.0)
    lo = np.minimum(pos.astype(np.int64), n - 2)
    frac = (pos - lo).astype(np.float32)
    out = np.empty((256, 256, 256, 3), np.uint8)
    g_lo, b_lo = lo[:, None], lo[None, :]
    g_f, b_f = frac[:, None, None], frac[None, :, None]
    for r in range(256):
        r0, rf = lo[r], frac[r]
        plane = table[r0] * (1 - rf) + table[r0 + 1] * rf  # (n, n, 3) at this red
        c00, c01 = plane[g_lo, b_lo], plane[g_lo, b_lo + 1]
        c10, c11 = plane[g_lo + 1, b_lo], plane[g_lo + 1, b_lo + 1]
        value = (c00 * (1 - b_f) + c01 * b_f) * (1 - g_f) + (c10 * (1 - b_f) + c11 * b_f) * g_f
        out[r] = np.clip(value * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def apply_dense(frame: np.ndarray, dense: np.ndarray) -> np.ndarray:
    return dense[frame[..., 0], frame[..., 1], frame[..., 2]]
