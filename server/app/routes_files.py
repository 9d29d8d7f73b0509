"""Files in and out: uploads, outputs (with Range requests, so video seeks), and the editor.

Every path from a request goes through :func:`server.engine.paths.safe_path` and stays inside its
folder: outputs in ``output_dir``, uploads in ``data_dir/input``, scratch in ``data_dir/temp``.
The editors' own files are served by :mod:`frontend`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote

from aiohttp import BodyPartReader, hdrs, web
from aiohttp.http_exceptions import HttpProcessingError

from server.engine.partials import partial_path
from server.engine.paths import safe_path

from .file_refs import file_ref
from .keys import CONFIG
from .security import http_error, json_response
from .uploads import Received, receive, subfolder_dir

routes = web.RouteTableDef()
UPLOAD_TYPES = ("input", "temp")
FIELD_LIMIT = 4096


def roots(app: web.Application) -> dict[str, Path]:
    config = app[CONFIG]
    return {"output": Path(config.output_dir), "input": config.input_dir, "temp": config.temp_dir}


def file_response(path: Path) -> web.FileResponse:
    """The file, with Range support; never rendered as active content on our origin."""
    return web.FileResponse(
        path,
        headers={
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            hdrs.CONTENT_DISPOSITION: f"inline; filename*=UTF-8''{quote(path.name)}",
        },
    )


def _serve(root: Path, relative: str) -> web.FileResponse:
    path = safe_path(root, relative)
    if path is None:
        raise http_error(web.HTTPBadRequest, "that path is not allowed: use a relative path inside the folder")
    if not path.is_file():
        raise http_error(web.HTTPNotFound, "no such file")
    return file_response(path)


# -- outputs, uploads ------------------------------------------------------------------
@routes.get("/api/files/{kind}/{path:.+}")
async def get_file(request: web.Request) -> web.FileResponse:
    kind = {"uploads": "input", "outputs": "output"}.get(request.match_info["kind"], request.match_info["kind"])
    root = roots(request.app).get(kind)
    if root is None:
        raise http_error(web.HTTPNotFound, "file kinds are 'output', 'input' (uploads) and 'temp'")
    return _serve(root, request.match_info["path"])


@routes.get("/view")
@routes.get("/api/view")
async def view(request: web.Request) -> web.FileResponse:
    """ComfyUI's ``/view?filename=&subfolder=&type=output``."""
    filename = request.query.get("filename", "")
    subfolder = request.query.get("subfolder", "")
    root = roots(request.app).get(request.query.get("type", "output"))
    if root is None:
        raise http_error(web.HTTPBadRequest, "type must be 'output', 'input' or 'temp'")
    if not filename or "/" in filename:
        raise http_error(web.HTTPBadRequest, "filename must be a plain file name")
    return _serve(root, f"{subfolder}/{filename}" if subfolder else filename)


@routes.post("/api/uploads")
@routes.post("/upload/image")
@routes.post("/api/upload/image")
async def upload(request: web.Request) -> web.Response:
    """Multipart: the file in ``file`` (or ComfyUI's ``image``), optional ``subfolder``,
    ``type`` (input|temp) and ``overwrite``."""
    config = request.app[CONFIG]
    limit = config.limits.max_upload
    if not request.content_type.startswith("multipart/"):
        raise http_error(web.HTTPUnsupportedMediaType, "send the file as multipart/form-data in a 'file' field")
    if (request.content_length or 0) > limit + (1 << 20):
        raise http_error(web.HTTPRequestEntityTooLarge, f"the upload is larger than the {limit >> 20} MiB limit")
    received: Received | None = None
    fields: dict[str, str] = {}
    with contextlib.ExitStack() as partials:  # the upload's partial file: gone unless placed
        try:
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):  # a nested multipart: not ours
                    continue
                if part.name in ("file", "image") and received is None and part.filename is not None:
                    tmp = partials.enter_context(partial_path(config.temp_dir))
                    received = await receive(part, tmp, limit=limit)
                elif part.name in ("subfolder", "type", "overwrite"):
                    fields[part.name] = (await part.read_chunk(FIELD_LIMIT)).decode("utf-8", "replace")
                else:
                    await part.release()
            if received is None:
                raise http_error(web.HTTPBadRequest, "no file: send it in a multipart field named 'file'")
            kind = fields.get("type") or "input"
            if kind not in UPLOAD_TYPES:
                raise http_error(web.HTTPBadRequest, f"type must be one of {', '.join(UPLOAD_TYPES)}")
            root = roots(request.app)[kind]
            folder = subfolder_dir(root, fields.get("subfolder", "").rstrip("/"))
            target = received.place(folder, overwrite=fields.get("overwrite", "").lower() in ("true", "1"))
        except (ValueError, HttpProcessingError) as exc:  # a malformed multipart body
            raise http_error(web.HTTPBadRequest, f"malformed multipart body: {exc}") from None
    ref = file_ref(target, {kind: root}) or {}
    return json_response(
        {
            "name": target.name,
            "subfolder": ref.get("subfolder", ""),
            "type": kind,
            "media_type": received.sniffed.media_type,
            "bytes": received.size,
            "url": ref.get("url"),
        }
    )
