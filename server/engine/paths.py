"""Confining user-named paths: where a request or a node parameter may point on disk.

One rule set for the file routes and for nodes that read media the user names, so a
workflow can never read what the server would refuse to serve.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .errors import NodeInputError

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_path(base: Path, relative: str) -> Path | None:
    """``base/relative`` resolved (symlinks followed) if it stays inside ``base``; None otherwise.

    Refuses outright what has no business in a request path: absolute paths, drive letters,
    backslashes, NULs and other control characters, ``..``/``.``/empty segments, hidden names
    (a leading ``.``: partial files being written, dotfiles) and any ``%`` left after the router
    decoded the URL once (a double-encoded ``%252e%252e``).
    """
    if not relative or len(relative) > 1024:
        return None
    if any(c in "\\%" or ord(c) < 32 for c in relative) or relative.startswith("/") or _DRIVE.match(relative):
        return None
    if any(part == "" or part.startswith(".") for part in relative.split("/")):
        return None
    root = base.resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return target if target.is_relative_to(root) else None


def resolve_input(folders: Sequence[Path], name: str, param: str) -> Path:
    """The existing regular file ``name`` inside the first of ``folders`` that holds it.

    Why a list: the server lets nodes read uploads and its own outputs (to enhance a rendered
    clip), the CLI the folders given with ``--input-dir``. Raises :class:`NodeInputError`
    naming ``param``, the rule broken and the folders searched.
    """
    where = ", ".join(str(f) for f in folders) or "(none)"
    if not folders:
        raise NodeInputError(param, "this run may not read input files: no input folder is configured")
    candidates = [safe_path(Path(folder), name) for folder in folders]
    if all(c is None for c in candidates):
        raise NodeInputError(
            param,
            f"{name!r} is not a plain relative path inside the input folders ({where}): "
            "no absolute paths, '..', hidden names or control characters",
        )
    for path in candidates:
        if path is not None and path.is_file():
            return path
    raise NodeInputError(param, f"no file {name!r} in the input folders ({where}); upload it or copy it there")


def file_fingerprint(folders: Sequence[Path], name: str) -> str:
    """Which file ``name`` is and which version of it: path, size and modification time (or why
    there is none), for the cache key of a node that reads it (see ``node(fingerprint=...)``)."""
    try:
        path = resolve_input(folders, name, "file")
        stat = path.stat()
    except (NodeInputError, OSError) as exc:
        return f"missing: {exc}"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
