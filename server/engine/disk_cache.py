"""Results that survive a restart: outputs of nodes declared ``persist=True`` (diffusion
keyframes, generated video and sound) stored on disk under their content key.

No pickle. An entry is a folder ``<root>/<key[:2]>/<key>/`` holding ``manifest.json`` and
data files. Each output is one of:

- a JSON value (str, number, bool, None, lists and dicts of them);
- a numpy array (``.npy`` written with ``allow_pickle=False``, read back memory-mapped);
- a value whose class offers ``to_files(folder, name) -> dict`` and the classmethod
  ``from_files(folder, name, meta)``; only classes from the ``nodes`` package are loaded.

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
import importlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from .partials import partial_path, sweep

log = logging.getLogger("reelgraph.disk_cache")
TRUSTED_PACKAGE = "nodes."


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
            outputs = {name: _decode(folder, name, meta) for name, meta in manifest["outputs"].items()}
            os.utime(manifest_path)  # recency for LRU eviction
        except FileNotFoundError:
            return None  # evicted by another process while we read it
        except Exception:
            log.warning("dropping unreadable cache entry %s", folder, exc_info=True)
            _discard(folder)
            return None
        return outputs

    def put(self, key: str, outputs: dict[str, Any]) -> bool:
        """Store ``outputs``; returns False (and stores nothing) if any output has no disk form."""
        final = self._folder(key)
        if final.exists():
            return True
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            with partial_path(final.parent, directory=True) as staging:
                manifest = {"outputs": {name: _encode(staging, name, value) for name, value in outputs.items()}}
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


def _encode(folder: Path, name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise Unpersistable(f"output {name!r} is an object array")
        file = f"{name}.npy"
        np.save(folder / file, value, allow_pickle=False)
        return {"kind": "array", "file": file}
    to_files = getattr(value, "to_files", None)
    if callable(to_files):
        cls = type(value)
        if not cls.__module__.startswith(TRUSTED_PACKAGE):
            raise Unpersistable(f"output {name!r}: {cls.__module__} is not a node data type")
        return {"kind": "object", "class": f"{cls.__module__}:{cls.__qualname__}", "meta": to_files(folder, name)}
    try:
        return {"kind": "json", "value": json.loads(json.dumps(value, allow_nan=False))}
    except (TypeError, ValueError):
        raise Unpersistable(f"output {name!r} ({type(value).__name__}) has no disk form") from None


def _decode(folder: Path, name: str, meta: dict[str, Any]) -> Any:
    kind = meta["kind"]
    if kind == "json":
        return meta["value"]
    if kind == "array":
        return np.load(folder / meta["file"], mmap_mode="r", allow_pickle=False)
    if kind == "object":
        module_name, _, qualname = meta["class"].partition(":")
        if not module_name.startswith(TRUSTED_PACKAGE):
            raise ValueError(f"refusing to load {meta['class']}: not a node data type")
        cls: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        return cls.from_files(folder, name, meta["meta"])
    raise ValueError(f"unknown entry kind {kind!r}")
