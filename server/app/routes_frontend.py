"""What the official ComfyUI frontend asks of a server besides prompts: its look-ups, settings
and user.

The frontend validates some answers with a schema and stops on a 404 or a wrong shape (a
404 from ``/api/extensions`` leaves it on a blank page), so each route answers in ComfyUI's
shape: empty where Reelgraph has nothing to offer (extensions, translations, templates,
global subgraphs, model folders), real where it does (feature flags, settings).

Settings live in our SQLite store under ``comfyui.setting:`` keys; this is a single-user
server, so ``/api/users`` says so and refuses to create users.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .bodies import read_json, read_json_object
from .config import Config
from .keys import CONFIG, STORE
from .security import http_error, json_response

routes = web.RouteTableDef()
SETTING_PREFIX = "comfyui.setting:"
MAX_SETTING_ID = 256
MAX_SETTINGS = 2000


def feature_flags(config: Config) -> dict[str, Any]:
    """What this server supports, in ComfyUI's ``feature_flags`` shape (also sent on the websocket)."""
    return {"supports_preview_metadata": False, "max_upload_size": config.limits.max_upload}


# -- look-ups ----------------------------------------------------------------------------
@routes.get("/api/extensions")
async def extensions(request: web.Request) -> web.Response:
    """Script URLs of frontend extensions: Reelgraph ships none."""
    return json_response([])


@routes.get("/api/features")
async def features(request: web.Request) -> web.Response:
    return json_response(feature_flags(request.app[CONFIG]))


@routes.get("/api/i18n")
async def i18n(request: web.Request) -> web.Response:
    """Custom nodes' translations by locale: none, our node names are English."""
    return json_response({})


@routes.get("/api/workflow_templates")
async def workflow_templates(request: web.Request) -> web.Response:
    """Custom nodes' template names by module: none."""
    return json_response({})


@routes.get("/api/global_subgraphs")
async def global_subgraphs(request: web.Request) -> web.Response:
    return json_response({})


@routes.get("/api/global_subgraphs/{id}")
async def global_subgraph(request: web.Request) -> web.Response:
    raise http_error(web.HTTPNotFound, "this server has no global subgraphs")


@routes.get("/api/experiment/models")
async def model_folders(request: web.Request) -> web.Response:
    """ComfyUI's model folders: our models are chosen in node parameters, not browsed by folder."""
    return json_response([])


@routes.get("/api/experiment/models/{folder}")
async def model_folder(request: web.Request) -> web.Response:
    raise http_error(web.HTTPNotFound, "no such model folder")


# -- user and settings -------------------------------------------------------------------
@routes.get("/api/users")
async def users(request: web.Request) -> web.Response:
    """Single-user: settings and files are stored on the server (not in the browser)."""
    return json_response({"storage": "server", "migrated": True})


@routes.post("/api/users")
async def create_user(request: web.Request) -> web.Response:
    raise http_error(web.HTTPBadRequest, "this is a single-user server: there are no users to create")


def _checked_id(setting_id: str) -> str:
    if not setting_id or len(setting_id) > MAX_SETTING_ID or any(ord(c) < 32 for c in setting_id):
        raise http_error(web.HTTPBadRequest, f"a setting id is 1-{MAX_SETTING_ID} printable characters")
    return setting_id


@routes.get("/api/settings")
async def get_settings(request: web.Request) -> web.Response:
    return json_response(request.app[STORE].settings_under(SETTING_PREFIX))


@routes.get("/api/settings/{id}")
async def get_setting(request: web.Request) -> web.Response:
    """The value, or ``null`` when it was never set (as ComfyUI answers)."""
    setting_id = _checked_id(request.match_info["id"])
    return json_response(request.app[STORE].get_setting(SETTING_PREFIX + setting_id))


@routes.post("/api/settings")
async def post_settings(request: web.Request) -> web.Response:
    """Merge ``{id: value}`` into the stored settings (the frontend sends it as text/plain)."""
    body = await read_json_object(request, lenient=True)
    for key in body:
        _checked_id(key)
    store = request.app[STORE]
    if len(body) + len(store.settings_under(SETTING_PREFIX)) > MAX_SETTINGS:
        raise http_error(web.HTTPRequestEntityTooLarge, f"at most {MAX_SETTINGS} settings are kept")
    store.set_settings({SETTING_PREFIX + k: v for k, v in body.items()})
    return json_response({})


@routes.post("/api/settings/{id}")
async def post_setting(request: web.Request) -> web.Response:
    setting_id = _checked_id(request.match_info["id"])
    value = await read_json(request, lenient=True)
    store = request.app[STORE]
    if (
        store.get_setting(SETTING_PREFIX + setting_id) is None
        and len(store.settings_under(SETTING_PREFIX)) >= MAX_SETTINGS
    ):
        raise http_error(web.HTTPRequestEntityTooLarge, f"at most {MAX_SETTINGS} settings are kept")
    store.set_setting(SETTING_PREFIX + setting_id, value)
    return json_response({})
