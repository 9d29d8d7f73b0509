"""Partial files: written under a hidden name, locked while their writer lives, swept after a crash.

Everything Reelgraph writes (videos, audio, workflows, thumbnails, disk-cache entries) is first
written as ``.reelgraph-<hex>.part`` in the destination folder and renamed into place when
complete. A cancel or an exception removes the partial file; a ``kill -9``, a power cut or a
crashed interpreter cannot, so partial files are also swept at start-up.

Sweeping must never delete a file another live process is still writing (two CLI runs, or a
server beside a CLI, may share an output folder). Each writer therefore holds an exclusive
``flock`` on its partial file (or folder) for as long as it exists; the kernel drops the lock
when the writer dies, however it dies. The sweeper deletes only partial names whose lock it
can take. Only our own prefix is swept: a user's ``.foo.tmp`` is never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = ".reelgraph-"
SUFFIX = ".part"
STAGING = ".new"  # the moment between creating a partial file and holding its lock
STALE_STAGING_SECONDS = 3600.0  # a staging name this old was left by a process killed in that moment

_live: set[Path] = set()
_live_lock = threading.Lock()


def is_partial(name: str) -> bool:
    """Whether ``name`` (a file or folder name, not a path) is one of our partial files."""
    return name.startswith(PREFIX) and name.endswith(SUFFIX)


@contextlib.contextmanager
def partial_path(folder: Path, *, directory: bool = False) -> Iterator[Path]:
    """A new, locked, hidden file (or folder) in ``folder``; removed afterwards unless it was renamed.

    Created with the process umask (unlike ``mkstemp``'s 0600), so the renamed file gets the
    same permissions as any other file the user writes. It is made and locked under a name no
    sweeper takes, then renamed to its partial name (the lock follows the inode): a sweep in
    another process can never find it unlocked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        token = secrets.token_hex(6)
        staging, path = folder / f"{PREFIX}{token}{STAGING}", folder / f"{PREFIX}{token}{SUFFIX}"
        try:
            fd = _create_locked(staging, directory)
            break
        except FileExistsError:
            continue
    try:
        os.rename(staging, path)
    except BaseException:
        _remove(staging)
        os.close(fd)
        raise
    with _held(path, fd):
        yield path


def _create_locked(path: Path, directory: bool) -> int:
    if directory:
        path.mkdir(mode=0o777)
        fd = os.open(path, os.O_RDONLY)
    else:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a partial file and ``os.replace``: never a half file."""
    with partial_path(path.parent) as temp:
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, path)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def sweep(folder: Path, *, max_depth: int = 8) -> list[Path]:
    """Remove the partial files under ``folder`` whose writer is gone; returns what was removed.

    Never raises: a folder that does not exist or cannot be read has nothing to sweep.
    """
    removed: list[Path] = []
    stack = [(Path(folder), 0)]
    while stack:
        current, depth = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if is_partial(entry.name) or _stale_staging(entry):
                if _take_if_abandoned(Path(entry.path)):
                    removed.append(Path(entry.path))
            elif depth < max_depth and entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), depth + 1))
    return removed


@contextlib.contextmanager
def scratch_folder(path: Path) -> Iterator[Path]:
    """A run's private working folder: created, locked while the run lives, removed afterwards.

    :func:`sweep_scratch` removes the ones whose process died before it could clean up. Like a
    partial file, a new folder is locked under a staging name first, so a sweep in another
    process never sees it unlocked.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f"{PREFIX}{secrets.token_hex(6)}{STAGING}"
    fd = _create_locked(staging, directory=True)
    try:
        os.rename(staging, path)
    except OSError:  # the folder exists already (a run id used again): lock it where it is
        _remove(staging)
        os.close(fd)
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY)
    with _held(path, fd):
        yield path


def sweep_scratch(root: Path) -> list[Path]:
    """Remove the run folders directly under ``root`` that no live run holds."""
    try:
        entries = [
            e
            for e in os.scandir(root)
            if e.is_dir(follow_symlinks=False) and (not e.name.endswith(STAGING) or _stale_staging(e))
        ]
    except OSError:
        return []
    return [Path(e.path) for e in entries if _take_if_abandoned(Path(e.path))]


def _stale_staging(entry: os.DirEntry) -> bool:
    if not (entry.name.startswith(PREFIX) and entry.name.endswith(STAGING)):
        return False
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_STAGING_SECONDS
    except OSError:
        return False


def remove_live() -> None:
    """Remove this process's partial files now: the last act of a forced exit (``os._exit``
    skips every ``finally``)."""
    with _live_lock:
        paths = list(_live)
    for path in paths:
        _remove(path)


@contextlib.contextmanager
def _held(path: Path, fd: int) -> Iterator[None]:
    """Lock ``path`` through ``fd`` until the context ends (or the process dies), then remove it."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    with _live_lock:
        _live.add(path)
    try:
        yield
    finally:
        _remove(path)
        with _live_lock:
            _live.discard(path)
        os.close(fd)


def _take_if_abandoned(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live writer holds it
        _remove(path)
        return True
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
