"""Which web editor the server shows at ``/``: ours (the default) or the official ComfyUI frontend.

``serve --frontend comfyui`` serves the static site of the pinned ``comfyui-frontend-package``
at ``/``, our editor at ``/reelgraph/``, and our API beside both (same origin, so no CORS and
the same access rules). The two sites' files do not collide (ComfyUI's are ``assets/``,
``scripts/``, ``extensions/``, ... ; ours ``js/``, ``css/``, ``node_modules/``), so a request
for a file is looked up in the chosen editor's folder first and then in the other one.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from aiohttp import web

from server.engine.paths import safe_path

from .keys import CONFIG
from .security import http_error, json_response

FRONTENDS = ("reelgraph", "comfyui")
PACKAGE = "comfyui_frontend_package"


class FrontendMissing(RuntimeError):
    """The ComfyUI frontend was asked for but its package is not installed."""


def comfyui_static() -> Path:
    """The installed ComfyUI frontend's static folder."""
    try:
        folder = Path(str(importlib.resources.files(PACKAGE) / "static"))
    except ModuleNotFoundError:
        folder = None
    if folder is None or not (folder / "index.html").is_file():
        raise FrontendMissing(
            "the ComfyUI frontend is not installed: run `pip install -r requirements.txt` "
            "(it provides comfyui-frontend-package)"
        )
    return folder


def _file(path: Path) -> web.FileResponse:
    return web.FileResponse(path, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def _folders(app: web.Application) -> list[Path]:
    config = app[CONFIG]
    ours = Path(config.web_dir)
    return [comfyui_static(), ours] if config.frontend == "comfyui" else [ours]


async def index(request: web.Request) -> web.StreamResponse:
    """The chosen editor's page."""
    path = _folders(request.app)[0] / "index.html"
    if not path.is_file():
        raise http_error(web.HTTPNotFound, f"the editor is not installed ({path} is missing)")
    return _file(path)


async def reelgraph_index(request: web.Request) -> web.StreamResponse:
    """Our editor when the ComfyUI frontend has ``/``."""
    if request.path == "/reelgraph":
        raise web.HTTPFound("/reelgraph/")
    path = Path(request.app[CONFIG].web_dir) / "index.html"
    if not path.is_file():
        raise http_error(web.HTTPNotFound, "the editor is not installed (web/index.html is missing)")
    return _file(path)


async def no_templates(request: web.Request) -> web.Response:
    """The ComfyUI frontend's core template index (``templates/index*.json``) and template logos
    (``templates/index_logo.json``), which stock ComfyUI serves from another package:
    Reelgraph's examples are in its own format, so none."""
    return json_response({} if request.match_info["name"] == "index_logo.json" else [])


async def static(request: web.Request) -> web.StreamResponse:
    """Anything else: a file of the editor(s) for GET/HEAD, a clear 404 for the rest."""
    if request.method not in ("GET", "HEAD"):
        raise http_error(web.HTTPNotFound, f"no route {request.method} {request.path}")
    for folder in _folders(request.app):
        path = safe_path(folder, request.match_info["path"])
        if path is not None and path.is_file():
            return _file(path)
    raise http_error(web.HTTPNotFound, f"no such file or route: {request.path}")


def add_editor_routes(app: web.Application) -> None:
    """The editors' files; registered last so that every API route wins."""
    if app[CONFIG].frontend not in FRONTENDS:
        raise ValueError(f"frontend must be one of {', '.join(FRONTENDS)}, not {app[CONFIG].frontend!r}")
    if app[CONFIG].frontend == "comfyui":
        comfyui_static()  # fail at start-up, not on the first page load
        app.router.add_get("/reelgraph", reelgraph_index)
        app.router.add_get("/reelgraph/", reelgraph_index)
        app.router.add_get(r"/templates/{name:index(_logo|\.[A-Za-z_-]+)?\.json}", no_templates)
    app.router.add_get("/", index)
    app.router.add_route("*", "/{path:.+}", static)
