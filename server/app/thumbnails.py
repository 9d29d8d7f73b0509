"""Small pictures of what a node made, for the editor to draw on the node after a run.

A FRAMES value becomes a keyframe strip: up to 8 frames, the first frame of every shot first
and the rest spread evenly, each scaled to 96 px high, side by side in one JPEG. An IMAGE
becomes a JPEG at most 512 px wide. Files are named by a hash of their bytes (the same
picture is written once) and written atomically; the folder keeps the newest ``keep`` files.

The cost is bounded whatever the value: at most 8 single-frame reads and one resize each;
frames or pictures larger than ``MAX_SIDE`` are not read at all. Making a thumbnail never
fails a run: a value that cannot be drawn gets no thumbnail, and the reason goes to the log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from server.engine.partials import write_bytes_atomic
from server.engine.sockets import SOCKET_TYPES

log = logging.getLogger("reelgraph.server")

STRIP_FRAMES = 8  # frames in a keyframe strip
STRIP_HEIGHT = 96  # pixels
IMAGE_WIDTH = 512  # an IMAGE thumbnail is at most this wide...
IMAGE_HEIGHT = 1024  # ...and this high
MAX_SIDE = 4096  # a picture or frame larger than this on either side is not read
JPEG_QUALITY = 85
MEMO = 64  # values remembered (a node served from the cache is not drawn twice)


@dataclass(frozen=True)
class Thumbnail:
    path: Path
    width: int
    height: int
    tiles: int  # equal pictures side by side: frames of a strip, 1 for a picture


class Thumbnails:
    """Makes and stores thumbnails in ``folder``; safe to call from any thread."""

    def __init__(self, folder: Path, *, keep: int = 2000) -> None:
        self.folder = Path(folder)
        self.keep = keep
        self._memo: OrderedDict[int, tuple[weakref.ref, Thumbnail]] = OrderedDict()
        self._writes = 0
        self._lock = threading.Lock()

    def make(self, socket: str, value: Any) -> Thumbnail | None:
        """The thumbnail of an output ``value`` of socket type ``socket``, drawn as the registry
        says (``SocketType.preview``: FRAMES and IMAGE, and any pack's type that asks for it);
        None for other types and for values that cannot be drawn."""
        registered = SOCKET_TYPES.get(socket)
        draw = DRAWERS.get(registered.preview) if registered is not None and registered.preview else None
        if draw is None or value is None:
            return None
        known = self._recall(value)
        if known is not None:
            return known
        try:
            drawn = draw(value)
            if drawn is None:
                return None
            thumb = self._store(*drawn)
        except Exception:  # a thumbnail is a nicety: the run goes on without it
            log.warning("no thumbnail for a %s value", socket, exc_info=True)
            return None
        self._remember(value, thumb)
        return thumb

    def _store(self, picture: np.ndarray, tiles: int) -> Thumbnail:
        data = encode_jpeg(picture)
        path = self.folder / f"{hashlib.sha256(data).hexdigest()[:24]}.jpg"
        if path.is_file():
            os.utime(path)  # fresh again: pruning keeps the newest
        else:
            write_atomic(path, data)
            with self._lock:
                self._writes += 1
                prune = self._writes % 100 == 1
            if prune:
                prune_folder(self.folder, self.keep)
        return Thumbnail(path, picture.shape[1], picture.shape[0], tiles)

    def _recall(self, value: Any) -> Thumbnail | None:
        with self._lock:
            entry = self._memo.get(id(value))
        if entry is None or entry[0]() is not value or not entry[1].path.is_file():
            return None
        return entry[1]

    def _remember(self, value: Any, thumb: Thumbnail) -> None:
        try:
            ref = weakref.ref(value)
        except TypeError:  # e.g. a plain list: nothing to hold on to, drawn again next time
            return
        with self._lock:
            self._memo[id(value)] = (ref, thumb)
            self._memo.move_to_end(id(value))
            while len(self._memo) > MEMO:
                self._memo.popitem(last=False)


# -- drawing -------------------------------------------------------------------------------
def strip_indices(count: int, cuts: Sequence[int] = (), n: int = STRIP_FRAMES) -> list[int]:
    """Up to ``n`` frame indices, ascending, that show the whole sequence: ``n`` evenly spaced
    frames, where each shot's first frame (0 and every cut) replaces the nearest of them not
    already replaced. With more than ``n`` shots, ``n`` shot starts evenly chosen among them."""
    if count <= n:
        return list(range(max(count, 0)))
    starts = sorted({0, *(int(c) for c in cuts if 0 < c < count)})
    if len(starts) >= n:
        return [starts[round(i)] for i in np.linspace(0, len(starts) - 1, n)]
    chosen = [round(i) for i in np.linspace(0, count - 1, n)]
    free = set(range(1, n))  # chosen[0] is frame 0, the first shot's start
    for start in starts[1:]:
        slot = min(sorted(free), key=lambda k: abs(chosen[k] - start))
        chosen[slot] = start
        free.discard(slot)
    return sorted(set(chosen))


def frames_strip(frames: Any, n: int = STRIP_FRAMES, height: int = STRIP_HEIGHT) -> tuple[np.ndarray, int] | None:
    """A keyframe strip of a FRAMES value (``read(start, stop)``, ``count``, ``width``,
    ``height``, ``cuts``) and its number of tiles: the frames of :func:`strip_indices`, each
    ``height`` px high, side by side."""
    if frames.count <= 0 or max(frames.width, frames.height) > MAX_SIDE:
        return None
    drawn = [as_rgb8(frames.read(i, i + 1)[0]) for i in strip_indices(frames.count, frames.cuts, n)]
    tiles = [t for t in drawn if t is not None]
    if len(tiles) < len(drawn):
        return None
    width = max(1, round(frames.width * height / frames.height))
    return np.concatenate([resize(t, width, height) for t in tiles], axis=1), len(tiles)


def image_picture(
    image: Any, max_width: int = IMAGE_WIDTH, max_height: int = IMAGE_HEIGHT
) -> tuple[np.ndarray, int] | None:
    """An IMAGE (H×W×3 uint8; grey, RGBA and 0..1 floats tolerated) scaled down to fit, as one tile."""
    if not isinstance(image, np.ndarray) or image.ndim < 2 or max(image.shape[:2]) > MAX_SIDE:
        return None
    rgb = as_rgb8(image)
    if rgb is None:
        return None
    h, w = rgb.shape[:2]
    scale = min(1.0, max_width / w, max_height / h)
    return (rgb if scale == 1.0 else resize(rgb, max(1, round(w * scale)), max(1, round(h * scale)))), 1


DRAWERS = {"frames": frames_strip, "image": image_picture}  # by SocketType.preview


def as_rgb8(image: Any) -> np.ndarray | None:
    """``image`` as H×W×3 uint8 (grey is repeated, alpha dropped, 0..1 floats scaled); None
    when it is not a picture."""
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        return None
    if image.dtype != np.uint8:
        scale = 255.0 if image.dtype.kind == "f" and image.max(initial=0) <= 1.0 else 1.0
        image = np.clip(image.astype(np.float32) * scale, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.shape[2] not in (3, 4):
        return None
    return np.ascontiguousarray(image[:, :, :3])


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    import cv2  # heavy; only when a thumbnail is made

    if image.shape[:2] == (height, width):
        return image
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def encode_jpeg(image: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """RGB uint8 → JPEG bytes."""
    import cv2

    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.shape} picture as JPEG")
    return jpeg.tobytes()


# -- files ---------------------------------------------------------------------------------
def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, data)


def prune_folder(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest thumbnails."""
    try:
        files = sorted(folder.glob("*.jpg"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:  # a file vanished while sorting: try again next time
        return
    for old in files[keep:]:
        old.unlink(missing_ok=True)
