"""ComfyUI's user-data files: the ComfyUI frontend saves workflows (``workflows/x.json``),
keybindings and templates here. Stored under ``data_dir/user``.

* ``GET /api/userdata?dir=D[&recurse=true][&full_info=true][&split=true]``: the files under ``D``
  (none when ``D`` does not exist yet: a new user's ``workflows/``);
* ``GET|POST|DELETE /api/userdata/{file}``: one file (``POST`` takes the raw body,
  ``?overwrite=false`` refuses to replace, ``?full_info=true`` answers ``{path, size, modified}``);
* ``POST /api/userdata/{file}/move/{dest}``: rename.

``file`` arrives URL-encoded (``workflows%2Fx.json``). Every path goes through
:func:`server.engine.paths.safe_path` (no ``..``, absolute paths, hidden names, control characters or
symlinks out), bodies are limited by the app's ``client_max_size``, and writes are atomic
(a partial file renamed into place), like every other file route.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aiohttp import web

from server.engine.partials import is_partial, write_bytes_atomic
from server.engine.paths import safe_path

from .config import Config
from .keys import CONFIG
from .security import http_error, json_response

routes = web.RouteTableDef()
MAX_LISTED = 10_000


def user_dir(config: Config) -> Path:
    return Path(config.data_dir) / "user"


def _flag(request: web.Request, name: str, default: bool) -> bool:
    raw = request.query.get(name)
    return default if raw is None else raw.lower() in ("true", "1")


def _resolve(request: web.Request, key: str = "file") -> tuple[Path, Path, str]:
    """(root, path, relative) for the URL part ``key``, or a 400 naming the rule."""
    root = user_dir(request.app[CONFIG])
    relative = request.match_info[key]
    path = user_path(root, relative)
    if path is None:
        raise http_error(
            web.HTTPBadRequest,
            f"user data path {relative[:200]!r} is not allowed: use a relative path of plain names "
            "inside the user folder (no '..', no leading '/' or '.', no control characters)",
        )
    return root, path, relative


def user_path(root: Path, relative: str) -> Path | None:
    """``root/relative`` confined like :func:`safe_path`, except that the file name itself may
    start with a dot: the frontend keeps an index in ``workflows/.index.json``. Our own partial
    files (``.reelgraph-*.part``) and ``.``/``..`` stay out of reach."""
    parent, _, name = relative.rpartition("/")
    if not name.startswith("."):
        path = safe_path(root, relative)
        return None if path is None or path == root.resolve() else path
    if name in (".", "..") or is_partial(name) or len(relative) > 1024 or any(c in "\\%" or ord(c) < 32 for c in name):
        return None
    folder = safe_path(root, parent) if parent else root.resolve()
    if folder is None:
        return None
    target = folder / name
    try:
        return target if target.resolve().is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError):
        return None


def file_info(path: Path, relative_to: Path) -> dict[str, Any]:
    """ComfyUI's ``{path, size, modified, created}`` (times in milliseconds)."""
    stat = path.stat()
    return {
        "path": path.relative_to(relative_to).as_posix(),
        "size": stat.st_size,
        "modified": int(stat.st_mtime * 1000),
        "created": int(stat.st_ctime * 1000),
    }


def _listing(folder: Path, *, recurse: bool) -> list[Path]:
    files: list[Path] = []
    stack = [folder]
    while stack and len(files) < MAX_LISTED:
        current = stack.pop()
        for entry in sorted(os.scandir(current), key=lambda e: e.name):
            if entry.name.startswith(".") or is_partial(entry.name):
                continue
            if entry.is_file(follow_symlinks=False):
                files.append(Path(entry.path))
            elif recurse and entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return sorted(files)[:MAX_LISTED]


@routes.get("/api/userdata")
async def list_userdata(request: web.Request) -> web.Response:
    directory = request.query.get("dir", "").rstrip("/")
    if not directory:
        raise http_error(web.HTTPBadRequest, "give the folder to list as ?dir=")
    root = user_dir(request.app[CONFIG])
    folder = safe_path(root, directory)
    if folder is None:
        raise http_error(web.HTTPBadRequest, f"user data folder {directory[:200]!r} is not allowed")
    if folder.exists() and not folder.is_dir():
        raise http_error(web.HTTPBadRequest, f"user data path {directory[:200]!r} is a file, not a folder")
    files = _listing(folder, recurse=_flag(request, "recurse", False)) if folder.is_dir() else []
    if _flag(request, "full_info", False):
        return json_response([file_info(f, folder) for f in files])
    relative = [f.relative_to(folder).as_posix() for f in files]
    if _flag(request, "split", False):
        return json_response([[r, *r.split("/")] for r in relative])
    return json_response(relative)


@routes.get("/api/userdata/{file}")
async def get_userdata(request: web.Request) -> web.StreamResponse:
    _, path, relative = _resolve(request)
    if not path.is_file():
        raise http_error(web.HTTPNotFound, f"no user data file {relative[:200]!r}")
    is_css = path.suffix == ".css"
    return web.FileResponse(
        path,
        headers={
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            # arbitrary user content: never rendered as a page on our origin
            "Content-Disposition": "inline" if is_css else "attachment",
            **({"Content-Type": "text/css"} if is_css else {"Content-Security-Policy": "sandbox"}),
        },
    )


@routes.post("/api/userdata/{file}")
async def post_userdata(request: web.Request) -> web.Response:
    root, path, relative = _resolve(request)
    data = await request.read()  # 413 past the app's client_max_size
    if path.is_dir():
        raise http_error(web.HTTPConflict, f"{relative[:200]!r} is a folder")
    if path.exists() and not _flag(request, "overwrite", True):
        raise http_error(web.HTTPConflict, f"user data file {relative[:200]!r} exists; send overwrite=true")
    write_bytes_atomic(path, data)
    return json_response(_answer(request, path, root))


def _answer(request: web.Request, path: Path, root: Path) -> Any:
    resolved = root.resolve()
    return file_info(path, resolved) if _flag(request, "full_info", False) else path.relative_to(resolved).as_posix()


@routes.delete("/api/userdata/{file}")
async def delete_userdata(request: web.Request) -> web.Response:
    _, path, relative = _resolve(request)
    if not path.is_file():
        raise http_error(web.HTTPNotFound, f"no user data file {relative[:200]!r}")
    path.unlink()
    return web.Response(status=204)


@routes.post("/api/userdata/{file}/move/{dest}")
async def move_userdata(request: web.Request) -> web.Response:
    root, source, relative = _resolve(request)
    _, dest, dest_relative = _resolve(request, "dest")
    if not source.is_file():
        raise http_error(web.HTTPNotFound, f"no user data file {relative[:200]!r}")
    if dest.exists() and (dest.is_dir() or not _flag(request, "overwrite", True)):
        raise http_error(web.HTTPConflict, f"user data file {dest_relative[:200]!r} exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, dest)
    return json_response(_answer(request, dest, root))
