"""Decoding a user's picture safely: any format Pillow reads, EXIF orientation applied, alpha
flattened onto a colour, and sizes checked from the header before any pixel is decoded.

Why the header check: a 20000×20000 PNG is a few kilobytes on disk and 1.2 GB in memory, so
the limits must hold before ``load()``; Pillow's own decompression-bomb guard stays on too.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from server.engine.errors import NodeInputError

MIN_SIDE = 16
MAX_SIDE = 16384
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def max_pixels() -> int:
    """Pillow's decompression-bomb limit (about 89 megapixels unless the user changed it)."""
    return int(Image.MAX_IMAGE_PIXELS or 2**31)


def parse_colour(value: str, param: str = "background") -> tuple[int, int, int]:
    """'#rrggbb' (or 'rrggbb') as an RGB triple; anything else is refused naming ``param``."""
    match = _HEX.match(value.strip())
    if not match:
        raise NodeInputError(param, f"{value!r} is not a colour; write it as '#rrggbb', e.g. '#000000' for black")
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def check_size(width: int, height: int, param: str) -> None:
    """Refuse pictures too small to animate or too large to hold, before decoding them."""
    if width < MIN_SIDE or height < MIN_SIDE:
        raise NodeInputError(
            param, f"the picture is {width}×{height} pixels; each side must be at least {MIN_SIDE} pixels"
        )
    if width > MAX_SIDE or height > MAX_SIDE or width * height > max_pixels():
        raise NodeInputError(
            param,
            f"the picture is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); the limit is "
            f"{MAX_SIDE} pixels a side and {max_pixels() / 1e6:.0f} megapixels (Pillow's decompression-bomb "
            "guard); scale it down first",
        )


def _to_rgb(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """RGB, with any transparency composited over ``background``; 16-bit greys scaled to 8 bits."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or array.max(initial=0) > 255 else 255.0
        image = Image.fromarray(np.clip(array / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*background, 255))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    return image.convert("RGB")


def read_picture(path: Path, param: str = "file", background: tuple[int, int, int] = (0, 0, 0)) -> np.ndarray:
    """The picture at ``path`` as H×W×3 uint8, upright (EXIF), alpha over ``background``.

    Raises :class:`NodeInputError` naming ``param`` for a file that is not a picture, is cut
    short or corrupt, or whose size is outside the limits.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                check_size(*image.size, param)
                image.load()  # first frame of an animation; truncated data raises here
                upright = ImageOps.exif_transpose(image)
                rgb = _to_rgb(upright, background)
    except NodeInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NodeInputError(
            param,
            f"{path.name} is too large to decode safely (the limit is {MAX_SIDE} pixels a side and "
            f"{max_pixels() / 1e6:.0f} megapixels, Pillow's decompression-bomb guard): {exc}",
        ) from None
    except UnidentifiedImageError:
        raise NodeInputError(
            param, f"{path.name} is not a picture Pillow can read (PNG, JPEG, WebP, GIF, TIFF, BMP, …)"
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
        raise NodeInputError(param, f"{path.name} is damaged or cut short and cannot be decoded: {exc}") from None
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
