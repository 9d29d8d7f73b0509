"""Reading request bodies: JSON only, size-limited (by the app's ``client_max_size``), with
errors that say what was wrong."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from server.engine import jsondoc

from .security import http_error

OFF_LOOP_BYTES = 256 << 10  # bigger bodies are parsed on a thread, so the event loop keeps serving
# urllib (ComfyUI's example scripts) sends JSON as form-urlencoded unless told otherwise.
LENIENT_TYPES = frozenset(
    {"application/json", "application/x-www-form-urlencoded", "text/plain", "application/octet-stream"}
)


async def read_json(request: web.Request, *, lenient: bool = False) -> Any:
    """The parsed JSON body. ``lenient`` also takes the content types that ComfyUI clients send
    (urllib's default form type, none at all); otherwise the body must be ``application/json``."""
    allowed = LENIENT_TYPES if lenient else {"application/json"}
    if request.content_type not in allowed:
        raise http_error(
            web.HTTPUnsupportedMediaType, f"send the request body as application/json, not {request.content_type}"
        )
    raw = await request.read()  # 413 past client_max_size
    if not raw.strip():
        raise http_error(web.HTTPBadRequest, "the request body is empty; send a JSON object")
    try:
        return jsondoc.parse(raw) if len(raw) < OFF_LOOP_BYTES else await asyncio.to_thread(jsondoc.parse, raw)
    except jsondoc.JSONRejected as exc:
        raise http_error(web.HTTPBadRequest, f"the request body was refused: {exc}") from None


async def read_json_object(request: web.Request, *, lenient: bool = False, optional: bool = False) -> dict[str, Any]:
    """Like :func:`read_json` but the body must be an object; an absent body is ``{}`` when
    ``optional``."""
    if optional and not request.body_exists:
        return {}
    body = await read_json(request, lenient=lenient)
    if not isinstance(body, dict):
        raise http_error(web.HTTPBadRequest, f"the request body must be a JSON object, not {type(body).__name__}")
    return body


MAX_PAGE = 10_000  # items in one page of a listing
MAX_OFFSET = 10**9


def int_query(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter, clamped to ``[low, high]``; 400 when it is not an integer."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip()) if len(raw) <= 32 else None
    except ValueError:
        value = None
    if value is None:
        raise http_error(web.HTTPBadRequest, f"{name} must be an integer from {low} to {high}")
    return min(max(value, low), high)
