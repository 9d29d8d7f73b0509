"""Live preview frames in ComfyUI's binary websocket format: a 4-byte big-endian type (1 =
preview image), a 4-byte format (1 = JPEG), then the JPEG; throttled per node."""

from __future__ import annotations

import struct
import time
from typing import Any

from .thumbnails import as_rgb8, encode_jpeg, resize

PREVIEW_IMAGE, JPEG = 1, 1


def encode_preview(image: Any, max_side: int) -> bytes | None:
    """A preview array (H×W×3 uint8; grey, RGBA and 0..1 floats tolerated) as a ComfyUI binary
    preview frame; None when it is not a picture."""
    rgb = as_rgb8(image)
    if rgb is None:
        return None
    h, w = rgb.shape[:2]
    if max(h, w) > max_side:
        f = max_side / max(h, w)
        rgb = resize(rgb, max(1, round(w * f)), max(1, round(h * f)))
    try:
        return struct.pack(">II", PREVIEW_IMAGE, JPEG) + encode_jpeg(rgb)
    except ValueError:
        return None


class PreviewThrottle:
    """At most one preview frame per node every ``interval`` seconds, at most ``max_side`` px."""

    def __init__(self, interval: float = 0.1, max_side: int = 512) -> None:
        self.interval = interval
        self.max_side = max_side
        self._last: dict[str, float] = {}

    def frame(self, node: str | None, image: Any) -> bytes | None:
        if image is None or node is None:
            return None
        now = time.monotonic()
        if now - self._last.get(node, -1e9) < self.interval:
            return None
        frame = encode_preview(image, self.max_side)
        if frame is not None:
            self._last[node] = now
        return frame
