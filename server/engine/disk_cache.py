"""Results that survive a restart: outputs of nodes declared ``persist=True`` (diffusion
keyframes, generated video and sound) stored on disk under their content key.

No pickle, and no class named by the data. An entry is a folder ``<root>/<key[:2]>/<key>/``
holding ``manifest.json`` and data files. How each output is stored follows its declared
socket type's ``codec`` in the registry (:mod:`.sockets`):

- ``json``: a JSON value (str, number, bool, None, lists and dicts of them);
- ``array``: a numpy array (``.npy`` written with ``allow_pickle=False``, read back memory-mapped);
- ``files``: the socket's value class writes and reads its own files
  (:class:`~.values.Persistable`); the manifest records the socket type, and reading looks the
  class up in the registry, so a manifest can never make the cache import anything else.

An output whose type has no codec (or an undeclared output that is neither JSON nor an array)
makes the whole entry unpersistable: nothing is written.

Entries are written to a locked partial folder and renamed into place, so a crash never leaves a
half entry (and its partial folder is swept when the cache is next opened). The store is bounded in bytes; the least recently used entries go first.

The folder may be shared by many processes and machines (``--cache-dir`` on NFS or a mounted
bucket, one per Ray worker): an entry appears by one rename and disappears by one rename (into a
partial folder that is then deleted), so a reader sees a whole entry or none; two writers of one
key both succeed (same key, same content: the second rename finds the first in place), and an
entry that vanishes while being read is a miss, not an error.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .partials import partial_path, sweep
from .sockets import SOCKET_TYPES
from .values import Persistable, implements

log = logging.getLogger("reelgraph.disk_cache")
FORMAT = 2  # manifests of another format (or none) are dropped as unreadable


class Unpersistable(TypeError):
    """The value has no disk form; the entry is simply not written."""


class DiskCache:
    def __init__(self, root: Path | str, max_bytes: int = 50 << 30) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        sweep(self.root, max_depth=2)  # staging folders of a writer that crashed

    def _folder(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> dict[str, Any] | None:
        folder = self._folder(key)
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            return None
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT:
                raise ValueError(f"manifest format {manifest.get('format')!r}, expected {FORMAT}")
            outputs = {name: _decode(folder, name, meta) for name, meta in manifest["outputs"].items()}
            os.utime(manifest_path)  # recency for LRU eviction
        except FileNotFoundError:
            return None  # evicted by another process while we read it
        except Exception:
            log.warning("dropping unreadable cache entry %s", folder, exc_info=True)
            _discard(folder)
            return None
        return outputs

    def put(self, key: str, outputs: dict[str, Any], types: Mapping[str, str] | None = None) -> bool:
        """Store ``outputs`` (``types``: their declared socket types by output name); returns
        False (and stores nothing) if any output has no disk form."""
        final = self._folder(key)
        if final.exists():
            return True
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            with partial_path(final.parent, directory=True) as staging:
                types = types or {}
                encoded = {name: _encode(staging, name, value, types.get(name)) for name, value in outputs.items()}
                manifest = {"format": FORMAT, "outputs": encoded}
                (staging / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
                if not _rename_into_place(staging, final):
                    return True  # another writer's entry was in place: same key, same content
        except Unpersistable as exc:
            log.info("not persisting %s: %s", key[:12], exc)
            return False
        self._evict()
        return True

    def __contains__(self, key: str) -> bool:
        return (self._folder(key) / "manifest.json").exists()

    def _evict(self) -> None:
        with self._lock:
            entries = []
            for manifest in self.root.glob("*/*/manifest.json"):
                folder = manifest.parent
                try:
                    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
                    entries.append((manifest.stat().st_mtime, size, folder))
                except OSError:
                    continue  # another process evicted it meanwhile
            total = sum(size for _, size, _ in entries)
            for _, size, folder in sorted(entries, key=lambda e: e[0]):
                if total <= self.max_bytes:
                    break
                _discard(folder)
                total -= size


def _rename_into_place(staging: Path, final: Path, tries: int = 3) -> bool:
    """Rename the finished entry into place; False when another writer's entry is already there.
    A rename that races another process renaming the same path (evicting it) is tried again."""
    for attempt in range(tries):
        try:
            os.replace(staging, final)
            return True
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                return False
            if attempt == tries - 1:
                raise
            if not staging.exists():  # (seen under heavy contention; the entry is simply not stored)
                log.warning("cache entry %s not stored: its staging folder vanished", final.name[:12])
                return True
    return False


def _discard(folder: Path) -> None:
    """Remove an entry in one step for readers: rename it into a partial folder, then delete that."""
    try:
        with partial_path(folder.parent, directory=True) as grave:
            os.replace(folder, grave)
    except OSError:
        pass  # already gone


def _encode(folder: Path, name: str, value: Any, socket: str | None) -> dict[str, Any]:
    codec = _codec_of(socket, value, name)
    meta: dict[str, Any] = {"codec": codec}
    if socket is not None:
        meta["type"] = socket
    if codec == "array":
        if not isinstance(value, np.ndarray) or value.dtype == object:
            raise Unpersistable(f"output {name!r} is not a plain numpy array")
        file = f"{name}.npy"
        np.save(folder / file, value, allow_pickle=False)
        return {**meta, "file": file}
    if codec == "files":
        if not implements(value, Persistable):
            raise Unpersistable(f"output {name!r} ({type(value).__name__}) has no to_files/from_files")
        return {**meta, "meta": value.to_files(folder, name)}
    try:
        return {**meta, "value": json.loads(json.dumps(value, allow_nan=False))}
    except (TypeError, ValueError):
        raise Unpersistable(f"output {name!r} ({type(value).__name__}) has no disk form") from None


def _codec_of(socket: str | None, value: Any, name: str) -> str:
    """The registry's codec for ``socket``; for an undeclared output, JSON or a plain array."""
    if socket is None:
        return "array" if isinstance(value, np.ndarray) else "json"
    registered = SOCKET_TYPES.get(socket)
    if registered is None or registered.codec is None:
        raise Unpersistable(f"output {name!r}: socket type {socket!r} has no disk codec")
    return registered.codec


def _decode(folder: Path, name: str, meta: dict[str, Any]) -> Any:
    codec = meta["codec"]
    if codec == "json":
        return meta["value"]
    if codec == "array":
        return np.load(folder / meta["file"], mmap_mode="r", allow_pickle=False)
    if codec == "files":
        registered = SOCKET_TYPES.get(meta["type"])
        if registered is None or registered.codec != "files":
            raise ValueError(f"output {name!r}: socket type {meta['type']!r} has no files codec here")
        cls = registered.classes()[0]
        return cls.from_files(folder, name, meta["meta"])  # type: ignore[attr-defined]
    raise ValueError(f"unknown codec {codec!r}")
