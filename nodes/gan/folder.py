"""The ``folder`` source: the user's own clips with captions, decoded with PyAV.

Captions come from ``captions.csv`` (columns ``file,caption``) or from a ``.txt`` beside each
clip. Each clip is decoded once, ``frames`` frames spread over its length, centre-cropped
square and resized; the result is cached as ``.npy`` keyed by the file's path, size, mtime
and the requested geometry, so a second run does not decode again.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

from .files import write_npy

VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".gif"}


class FolderError(ValueError):
    """A problem with the folder's contents; the node turns it into an error on ``folder``."""


def read_captions(folder: Path) -> dict[Path, str]:
    """Clip path → caption, from captions.csv or sidecar .txt files."""
    table = folder / "captions.csv"
    out: dict[Path, str] = {}
    if table.is_file():
        with table.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not row.get("file") or not (row.get("caption") or "").strip():
                    raise FolderError(f"{table}: every row needs 'file' and 'caption' columns; got {row}")
                out[folder / row["file"]] = row["caption"].strip()
    else:
        for clip in sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES):
            side = clip.with_suffix(".txt")
            if side.is_file() and side.read_text(encoding="utf-8").strip():
                out[clip] = side.read_text(encoding="utf-8").strip()
    return out


def decode_clip(path: Path, size: int, frames: int) -> np.ndarray:
    """``frames`` frames spread evenly over the clip, centre-cropped square, ``size``² (uint8)."""
    import av
    import cv2

    try:
        with av.open(str(path)) as container:
            images = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise FolderError(f"{path.name} cannot be decoded as a video: {exc}") from exc
    if not images:
        raise FolderError(f"{path.name} has no video frames")
    pick = np.linspace(0, len(images) - 1, frames).round().astype(int)
    out = np.empty((frames, size, size, 3), np.uint8)
    for k, i in enumerate(pick):
        img = images[i]
        h, w = img.shape[:2]
        side = min(h, w)
        y0, x0 = (h - side) // 2, (w - side) // 2
        out[k] = cv2.resize(img[y0 : y0 + side, x0 : x0 + side], (size, size), interpolation=cv2.INTER_AREA)
    return out


def cached_clip(path: Path, size: int, frames: int, cache_dir: Path) -> np.ndarray:
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{size}|{frames}".encode()).hexdigest()
    file = cache_dir / f"{key[:32]}.npy"
    if file.is_file():
        try:
            clip = np.load(file, allow_pickle=False)
            if clip.shape == (frames, size, size, 3):
                return clip
        except (OSError, ValueError):
            pass
    clip = decode_clip(path, size, frames)
    write_npy(file, clip)
    return clip


def load_folder(folder: Path, size: int, frames: int, cache_dir: Path) -> tuple[np.ndarray, list[str]]:
    """All captioned clips of the folder, in name order."""
    if not folder.is_dir():
        raise FolderError(f"{folder} is not a folder")
    captions = read_captions(folder)
    if not captions:
        raise FolderError(
            f"{folder} has no captioned clips: add captions.csv (columns file,caption) or a .txt beside each video"
        )
    missing = [p.name for p in captions if not p.is_file()]
    if missing:
        raise FolderError(f"captions name clips that are not in {folder}: {missing[:5]}")
    paths = sorted(captions)
    clips = np.stack([cached_clip(p, size, frames, cache_dir) for p in paths])
    return clips, [captions[p] for p in paths]
