"""Where encoded files go: safe prefixes, numbered names, temp files and no-overwrite publishing.

A file is encoded under a hidden temporary name in its final folder and only then given its
real name, so a crash, a cancel or a full disk never leaves a partial file under a name a
user (or a browser) would open. The real name is ``{prefix}_{NNNNN}.{ext}``: the counter
is one more than the highest already in the folder, and publishing uses a hard link, which
fails instead of overwriting if another run took that number meanwhile (then we take the
next one).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from nodes.naming import check_file_stem
from server.engine.errors import NodeInputError
from server.engine.partials import partial_path

DIGITS = 5


def check_prefix(prefix: str, name: str = "filename_prefix") -> str:
    try:
        check_file_stem(prefix)
    except ValueError as exc:
        raise NodeInputError(name, str(exc)) from None
    return prefix


def ensure_folder(folder: Path, name: str) -> Path:
    """Create ``folder`` if missing and prove it is writable; otherwise a NodeInputError on ``name``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise NodeInputError(
            name, f"cannot write into the output folder {folder}: {why}; choose a writable output folder"
        ) from exc
    return folder


def next_number(folder: Path, prefix: str) -> int:
    pattern = re.compile(rf"^{re.escape(prefix)}_(\d{{{DIGITS},}})(\.|$)")
    numbers = [int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return max(numbers, default=0) + 1


def numbered(folder: Path, prefix: str, number: int, ext: str | None) -> Path:
    name = f"{prefix}_{number:0{DIGITS}d}"
    return folder / (f"{name}.{ext}" if ext else name)


def temp_path(folder: Path, *, directory: bool = False) -> contextlib.AbstractContextManager[Path]:
    """A hidden, locked temporary file (or folder) in ``folder``, removed afterwards unless it was
    published; one that a crash leaves behind is swept at the next start (see ``partials``)."""
    return partial_path(folder, directory=directory)


def publish_unique(temp: Path, folder: Path, prefix: str, ext: str | None) -> Path:
    """Give ``temp`` the next free numbered name, never overwriting anything."""
    number = next_number(folder, prefix)
    while True:
        final = numbered(folder, prefix, number, ext)
        if _claim(temp, final):
            return final
        number += 1


def _claim(temp: Path, final: Path) -> bool:
    if temp.is_dir():
        if final.exists():
            return False
        try:
            os.rename(temp, final)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                return False
            raise
        return True
    try:
        os.link(temp, final)
    except FileExistsError:
        return False
    except OSError:  # a filesystem without hard links: fall back to a checked rename
        if final.exists():
            return False
        os.replace(temp, final)
        return True
    temp.unlink()
    return True


def publish_replace(temp: Path, final: Path) -> Path:
    """Give ``temp`` the name ``final``, replacing what was there (the caller chose the name)."""
    if temp.is_dir() and final.is_dir():
        shutil.rmtree(final)
    os.replace(temp, final)
    return final
