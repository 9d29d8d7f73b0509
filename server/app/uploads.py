"""Accepting an uploaded file: size limit, type from its bytes (not its name), atomic save.

The client's file name and Content-Type are not trusted: the first bytes decide what the file
is (PNG, JPEG, GIF, WebP, WAV, FLAC, Ogg, MP3, MP4/MOV/M4A, WebM/Matroska, AVI), the name is
reduced to a harmless base name whose extension matches, and pictures are also opened with
Pillow to refuse truncated or disguised ones.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from aiohttp import BodyPartReader, web

from server.engine.paths import safe_path

from .security import http_error, safe_filename

SNIFF_BYTES = 64
CHUNK = 256 << 10


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    extensions: tuple[str, ...]  # the first is the canonical one

    @property
    def kind(self) -> str:
        return self.media_type.split("/")[0]


def sniff(head: bytes) -> Sniffed | None:
    """What the file is, judged from its first bytes; None when it is not a media type we take."""
    riff = head[8:12] if head[:4] == b"RIFF" else b""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", (".png",))
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", (".jpg", ".jpeg"))
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", (".gif",))
    if riff == b"WEBP":
        return Sniffed("image/webp", (".webp",))
    if riff == b"WAVE":
        return Sniffed("audio/wav", (".wav",))
    if riff == b"AVI ":
        return Sniffed("video/x-msvideo", (".avi",))
    if head.startswith(b"fLaC"):
        return Sniffed("audio/flac", (".flac",))
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", (".ogg", ".oga", ".opus"))
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return Sniffed("audio/mpeg", (".mp3",))
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return Sniffed("video/quicktime", (".mov",))
        if brand in (b"M4A ", b"M4B "):
            return Sniffed("audio/mp4", (".m4a",))
        return Sniffed("video/mp4", (".mp4", ".m4v"))
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head:
            return Sniffed("video/webm", (".webm",))
        return Sniffed("video/x-matroska", (".mkv",))
    return None


def upload_name(client_name: str | None, sniffed: Sniffed) -> str:
    """The client's base name, cleaned, with an extension that matches the content."""
    name = safe_filename(client_name or "") or f"upload{sniffed.extensions[0]}"
    stem, ext = os.path.splitext(name)
    if ext.lower() not in sniffed.extensions:
        name = f"{stem or 'upload'}{sniffed.extensions[0]}"
    return name


def subfolder_dir(root: Path, subfolder: str) -> Path:
    """``root/subfolder`` (created), refusing a subfolder that leaves ``root``."""
    if not subfolder:
        root.mkdir(parents=True, exist_ok=True)
        return root
    target = safe_path(root, subfolder)
    if target is None:
        raise http_error(web.HTTPBadRequest, "subfolder must be a plain relative folder name inside the upload folder")
    target.mkdir(parents=True, exist_ok=True)
    return target


def _free_name(folder: Path, name: str) -> Path:
    stem, ext = os.path.splitext(name)
    target, n = folder / name, 1
    while target.exists():
        target, n = folder / f"{stem} ({n}){ext}", n + 1
    return target


@dataclass
class Received:
    """A file streamed to a partial file (``server.engine.partials``), not yet given its final
    name; the caller's ``partial_path`` removes it unless :meth:`place` renamed it."""

    tmp: Path
    sniffed: Sniffed
    client_name: str | None
    size: int

    def place(self, folder: Path, *, overwrite: bool) -> Path:
        """Move into ``folder`` under a clean name (a free one unless ``overwrite``), atomically."""
        name = upload_name(self.client_name, self.sniffed)
        target = folder / name if overwrite else _free_name(folder, name)
        os.replace(self.tmp, target)
        return target


async def receive(part: BodyPartReader, tmp: Path, *, limit: int) -> Received:
    """Stream one multipart file into ``tmp`` (a partial file); 413 past ``limit`` bytes, 415
    for a type we do not take or a picture that does not open."""
    head, size = b"", 0
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_TRUNC), "wb") as out:  # opening is instant; the writes stream
        while chunk := await part.read_chunk(CHUNK):
            size += len(chunk)
            if size > limit:
                raise http_error(
                    web.HTTPRequestEntityTooLarge, f"the file is larger than the {limit >> 20} MiB upload limit"
                )
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            out.write(chunk)
    sniffed = sniff(head)
    if sniffed is None:
        raise http_error(
            web.HTTPUnsupportedMediaType,
            "unsupported file type: upload a picture (PNG, JPEG, "
            "GIF, WebP), audio (WAV, FLAC, Ogg, MP3, M4A) or video (MP4, MOV, WebM, MKV, AVI)",
        )
    if sniffed.kind == "image":
        await asyncio.get_running_loop().run_in_executor(None, _verify_image, tmp)
    return Received(tmp, sniffed, part.filename, size)


def _verify_image(path: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise http_error(web.HTTPUnsupportedMediaType, f"the picture cannot be read: {exc}") from None
