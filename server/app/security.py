"""What stands between the network and the server: middlewares and safe path resolution.

* ``errors``: every failure becomes a small JSON body with a 4xx/5xx status; a stack trace
  goes to the log, never to the client.
* ``access``: with a token configured (required when binding beyond loopback) every request
  must carry it (``Authorization: Bearer``, ``X-Reelgraph-Token``, ``?token=`` or the cookie
  set after a ``?token=`` visit). Without one, the Host header must name a loopback host, so
  a DNS-rebinding page cannot talk to a server on 127.0.0.1.
* ``same_origin``: a state-changing request (and a websocket upgrade) that carries an
  ``Origin`` must come from the server's own origin; ``Origin: null`` is refused. Scripts
  and CLI clients send no Origin and pass.
* ``server.engine.paths.safe_path``: a relative path from a request, resolved inside a folder or refused.
"""

from __future__ import annotations

import hmac
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from server.engine import jsondoc

from .config import Config, is_loopback

log = logging.getLogger("reelgraph.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKEN_COOKIE = "reelgraph_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NAME_CHARS = re.compile(r"[^A-Za-z0-9 ._()\-]")


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response that never carries ``NaN``/``Infinity`` (invalid JSON that browsers refuse)."""
    return web.json_response(data, status=status, headers=headers, dumps=jsondoc.dumps)


def http_error(cls: type[web.HTTPException], message: str, **extra: object) -> web.HTTPException:
    """An HTTP error whose body is ``{"error": message, ...extra}``, ready to raise."""
    text = jsondoc.dumps({"error": message, **extra})
    if cls is web.HTTPRequestEntityTooLarge:
        return web.HTTPRequestEntityTooLarge(max_size=0, actual_size=0, text=text, content_type="application/json")
    return cls(text=text, content_type="application/json")


# -- middlewares ---------------------------------------------------------------------
@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        message = re.sub(r"^\d{3}: ", "", exc.text or "") or exc.reason
        return json_response({"error": message}, status=exc.status, headers=_keep_headers(exc))
    except ConnectionResetError:
        raise
    except Exception:
        ref = uuid.uuid4().hex[:12]
        log.exception("internal error %s on %s %s", ref, request.method, request.path)
        return json_response({"error": "internal server error", "ref": ref}, status=500)


def _keep_headers(exc: web.HTTPException) -> dict[str, str]:
    """Headers worth keeping when an error is rewritten as JSON (Allow on 405, auth hints)."""
    return {k: v for k, v in exc.headers.items() if k in (hdrs.ALLOW, hdrs.WWW_AUTHENTICATE, hdrs.CONTENT_RANGE)}


def access_middleware(config: Config) -> Callable:
    """Token check when a token is configured, loopback Host check when not."""
    token = config.token
    allowed_hosts = {"localhost", "127.0.0.1", "::1", config.host.lower().strip("[]")}

    @web.middleware
    async def access(request: web.Request, handler: Handler) -> web.StreamResponse:
        if token is None:
            host = _host_name(request.host)
            if host not in allowed_hosts and not is_loopback(host):
                raise http_error(web.HTTPForbidden, f"host {host!r} is not this server's loopback address")
            return await handler(request)
        given, from_query = request_token(request)
        if given is None or not hmac.compare_digest(given.encode(), token.encode()):
            raise http_error(
                web.HTTPUnauthorized,
                "an access token is required: open the URL the server printed, or send 'Authorization: Bearer <token>'",
            )
        response = await handler(request)
        if from_query and not response.prepared:
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response

    return access


def request_token(request: web.Request) -> tuple[str | None, bool]:
    """The token a request carries and whether it came in the query string."""
    auth = request.headers.get(hdrs.AUTHORIZATION, "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    if "X-Reelgraph-Token" in request.headers:
        return request.headers["X-Reelgraph-Token"], False
    if "token" in request.query:
        return request.query["token"], True
    return request.cookies.get(TOKEN_COOKIE), False


@web.middleware
async def same_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
    origin = request.headers.get(hdrs.ORIGIN)
    upgrade = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
    if origin is not None and (request.method not in SAFE_METHODS or upgrade):
        problem = origin_problem(origin, request.host)
        if problem:
            raise http_error(web.HTTPForbidden, problem)
    return await handler(request)


def origin_problem(origin: str, host: str) -> str | None:
    """Why ``origin`` may not act on the server reached as ``host``; None when it may.

    Host names and ports must match (a missing port is the origin scheme's default, so a TLS
    proxy in front of the server works). The scheme is not compared: nothing but this server
    can answer on its own host and port.
    """
    if origin.strip().lower() == "null":
        return "requests from an opaque origin (Origin: null) are refused"
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"origin {origin!r} is not an http(s) origin"
    default = 443 if parts.scheme == "https" else 80
    try:
        origin_port = parts.port or default
    except ValueError:
        return f"origin {origin!r} has an invalid port"
    if (parts.hostname.lower(), origin_port) != (_host_name(host), _host_port(host, default)):
        return f"cross-origin request from {origin!r} refused; this server is {host!r}"
    return None


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _host_port(host: str, default: int) -> int:
    tail = host.rsplit("]", 1)[-1] if host.startswith("[") else host
    if tail.count(":") == 1:
        try:
            return int(tail.rsplit(":", 1)[1])
        except ValueError:
            return -1
    return default


# -- paths ---------------------------------------------------------------------------
def safe_filename(name: str, *, max_length: int = 120) -> str | None:
    """A client-supplied file name reduced to a plain, harmless base name; None if nothing is left."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = _NAME_CHARS.sub("_", base)
    base = base[-max_length:].lstrip(". ")
    return base or None
