"""The workflow inside the files we write, so a video dropped on the editor brings its graph back.

Where it goes: MP4 and WebM container tags (``reelgraph``, beside ComfyUI's ``prompt`` and
``workflow``); PNG ``tEXt`` chunks of the same names (what ComfyUI uses too); a GIF comment extension and a WebP XMP chunk, each
holding the JSON object of all metadata; a ``metadata`` entry in a raw ``.npz``. Text is
JSON with non-ASCII escaped, so it fits PNG's Latin-1 text chunks unchanged.
"""

from __future__ import annotations

import html
import json
import re
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Our workflow's key. ComfyUI's frontend restores a dropped file from ``workflow`` (its own
# graph) or ``prompt`` (an API prompt), so those keys hold ComfyUI's formats when the server
# provides them (``NodeContext.embed``); files written before that kept ours under ``workflow``
# (``LEGACY_KEY``), and are still read.
WORKFLOW_KEY = "reelgraph"
LEGACY_KEY = "workflow"
MARKER = "reelgraph.workflow"
XMP_NS = "https://reelgraph.dev/ns/1.0/"
XMP_ELEMENT = re.compile(rb"<reelgraph:metadata>(.*?)</reelgraph:metadata>", re.DOTALL)
MOVIE_SUFFIXES = {".mp4", ".m4v", ".mov", ".webm", ".mkv"}


def as_text(value: Any) -> str:
    """A metadata value as text: strings as they are, anything else as compact ASCII JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def as_document(metadata: Mapping[str, Any]) -> str:
    """All metadata as one JSON object, for containers with a single text slot."""
    return json.dumps(dict(metadata), ensure_ascii=True, separators=(",", ":"))


# --- writing -------------------------------------------------------------------------------


def png_text_chunk(key: str, text: str) -> bytes:
    """A PNG ``tEXt`` chunk (keyword, NUL, Latin-1 text) with its CRC."""
    body = key.encode("latin-1") + b"\0" + text.encode("latin-1")
    return struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))


def insert_png_chunks(png: bytes, chunks: list[bytes]) -> bytes:
    """Put ancillary chunks right after IHDR (signature 8 bytes + IHDR 25 bytes)."""
    if png[12:16] != b"IHDR":
        raise ValueError("not a PNG produced by an encoder we know: IHDR is not the first chunk")
    return png[:33] + b"".join(chunks) + png[33:]


def embed_gif_comment(src: Path, dst: Path, text: str) -> None:
    """Copy the GIF ``src`` to ``dst`` with a comment extension after the global colour table."""
    data = text.encode("ascii")
    blocks = b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255))
    with src.open("rb") as fin, dst.open("wb") as fout:
        head = fin.read(13)
        if head[:6] not in (b"GIF87a", b"GIF89a"):
            raise ValueError("not a GIF file")
        table = 3 * 2 ** ((head[10] & 7) + 1) if head[10] & 0x80 else 0
        fout.write(b"GIF89a" + head[6:] + fin.read(table))
        fout.write(b"\x21\xfe" + blocks + b"\0")
        while chunk := fin.read(1 << 20):
            fout.write(chunk)


def embed_webp_xmp(path: Path, text: str, width: int, height: int) -> None:
    """Append an XMP chunk holding ``text`` to the WebP file at ``path`` and flag it in VP8X."""
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:reelgraph="{XMP_NS}"><reelgraph:metadata>{html.escape(text, quote=False)}'
        "</reelgraph:metadata></rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode("ascii")
    chunk = b"XMP " + struct.pack("<I", len(xmp)) + xmp + (b"\0" if len(xmp) % 2 else b"")
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP file")
    body = data[12:]
    if body[:4] != b"VP8X":  # a simple (single-image) file: extended format is needed for metadata
        alpha = 0x10 if body[:4] == b"VP8L" else 0
        vp8x = struct.pack("<I", alpha) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
        body = b"VP8X" + struct.pack("<I", 10) + vp8x + body
    body = body[:8] + bytes([body[8] | 0x04]) + body[9:] + chunk
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body)


# --- reading -------------------------------------------------------------------------------


def read_embedded_workflow(path: str | Path) -> dict | None:
    """The workflow a file of ours carries, or None when it has none (or is not a file we know).

    ``path`` may be a video, a picture, a raw ``.npz`` or a PNG-sequence folder. Raises
    FileNotFoundError only when nothing is at ``path``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    try:
        text = _workflow_text(path)
    except (OSError, ValueError, KeyError, struct.error):
        return None
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _workflow_text(path: Path) -> str | None:
    if path.is_dir():
        pngs = sorted(path.glob("*.png"))
        return _png_text(pngs[0]) if pngs else None
    suffix = path.suffix.lower()
    if suffix == ".png":
        return _png_text(path)
    if suffix in MOVIE_SUFFIXES:
        return _movie_tag(path)
    if suffix == ".gif":
        from PIL import Image

        with Image.open(path) as image:
            comment = image.info.get("comment")
        return _from_document(comment.decode("latin-1")) if comment else None
    if suffix == ".webp":
        return _webp_xmp(path)
    if suffix == ".npz":
        import numpy as np

        with np.load(path, allow_pickle=False) as npz:
            return _from_document(str(npz["metadata"])) if "metadata" in npz.files else None
    return None


def _ours(values: Mapping[str, Any]) -> str | None:
    """Our workflow's text among a file's metadata values: under our key, or under the
    legacy ``workflow`` key when that holds our format (not a ComfyUI graph)."""
    if WORKFLOW_KEY in values:
        return as_text(values[WORKFLOW_KEY])
    legacy = values.get(LEGACY_KEY)
    if legacy is None:
        return None
    text = as_text(legacy)
    return text if MARKER in text else None


def _png_text(path: Path) -> str | None:
    from PIL import Image

    with Image.open(path) as image:
        return _ours(getattr(image, "text", {}))


def _movie_tag(path: Path) -> str | None:
    import av

    with av.open(str(path)) as container:
        tags = {k.lower(): v for k, v in container.metadata.items()}
    return _ours(tags)


def _webp_xmp(path: Path) -> str | None:
    data = path.read_bytes()
    pos = 12
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if tag == b"XMP ":
            match = XMP_ELEMENT.search(data[pos + 8 : pos + 8 + size])
            return _from_document(html.unescape(match.group(1).decode("ascii"))) if match else None
        pos += 8 + size + (size & 1)
    return None


def _from_document(document: str) -> str | None:
    """The workflow's text from a one-slot JSON document of all metadata."""
    value = json.loads(document)
    return _ours(value) if isinstance(value, dict) else None
