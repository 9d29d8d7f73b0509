"""The native JSON API (DESIGN §5): nodes, runs, the queue, the workflow library, models, system."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from server.engine import Registry, Workflow, WorkflowInvalid
from server.engine.sockets import SOCKET_TYPES
from server.models.catalog import filter_models

from .bodies import MAX_OFFSET, MAX_PAGE, int_query, read_json_object
from .keys import CONFIG, ENGINE, REGISTRY, REMOTE, STORE, WORKER
from .library import Library
from .model_listing import available_models, model_places
from .runs import (
    announce,
    cancel,
    check,
    checked_client_id,
    checked_run_id,
    get_run,
    notify_queue,
    run_detail,
    submit,
)
from .security import http_error, json_response
from .system import system_info

routes = web.RouteTableDef()
log = logging.getLogger("reelgraph.server")


# -- nodes ---------------------------------------------------------------------------
@routes.get("/api/nodes")
async def list_nodes(request: web.Request) -> web.Response:
    sockets = {name: {"color": s.color, "description": s.description} for name, s in SOCKET_TYPES.items()}
    registry = request.app[REGISTRY]
    problems = [p.to_json() for p in registry.problems]  # node packs left out, for the editor to say why
    return json_response({"nodes": registry.catalog(), "sockets": sockets, "pack_problems": problems})


@routes.get("/api/nodes/{node_id}")
async def get_node(request: web.Request) -> web.Response:
    definition = request.app[REGISTRY].get(request.match_info["node_id"])
    if definition is None:
        raise http_error(web.HTTPNotFound, f"no node type {request.match_info['node_id']!r}")
    return json_response(definition.to_json())


# -- runs ----------------------------------------------------------------------------
@routes.post("/api/runs")
async def create_run(request: web.Request) -> web.Response:
    """``{workflow, targets?, client_id?, run_id?, front?}`` → ``{run_id, number, status}`` or
    400 ``{errors: [{code, node, name, message}]}``."""
    body = await read_json_object(request)
    if "workflow" not in body:
        raise http_error(web.HTTPBadRequest, "the body needs a 'workflow' (a reelgraph.workflow document)")
    run_id = checked_run_id(body.get("run_id"))
    client_id = checked_client_id(body.get("client_id"))
    workflow, problems = await check(request.app[ENGINE], body["workflow"], body.get("targets"))
    if problems or workflow is None:
        raise http_error(web.HTTPBadRequest, "the workflow is not valid", errors=[p.to_json() for p in problems])
    run = submit(
        request.app,
        workflow,
        targets=body.get("targets"),
        client_id=client_id,
        run_id=run_id,
        front=bool(body.get("front", False)),
    )
    return json_response({"run_id": run.id, "number": run.number, "status": run.status})


@routes.get("/api/runs")
async def list_runs(request: web.Request) -> web.Response:
    store = request.app[STORE]
    status = request.query.get("status") or None
    limit = int_query(request, "limit", request.app[CONFIG].limits.history_page, 1, MAX_PAGE)
    offset = int_query(request, "offset", 0, 0, MAX_OFFSET)
    runs = store.history(status=status, limit=limit, offset=offset)
    summaries = [r.summary() for r in runs]
    if any(r.status == "queued" for r in runs):
        order = {run_id: i for i, run_id in enumerate(store.queue_order())}
        for summary in summaries:
            if summary["status"] == "queued":
                summary["position"] = order.get(summary["run_id"])
    return json_response({"runs": summaries, "counts": store.counts()})


@routes.get("/api/runs/{run_id}")
async def show_run(request: web.Request) -> web.Response:
    run = get_run(request.app, request.match_info["run_id"])
    return json_response(run_detail(request.app, run))


@routes.post("/api/runs/{run_id}/cancel")
async def cancel_run(request: web.Request) -> web.Response:
    run = get_run(request.app, request.match_info["run_id"])
    status = cancel(request.app, run)
    if status is not None:
        return json_response({"run_id": run.id, "status": status})
    raise http_error(web.HTTPConflict, f"run {run.id!r} is already {run.status}")


@routes.post("/api/runs/{run_id}/requeue")
async def requeue_run(request: web.Request) -> web.Response:
    body = await read_json_object(request, optional=True)
    old = get_run(request.app, request.match_info["run_id"])
    run = request.app[STORE].requeue(old.id, front=bool(body.get("front", False)))
    if run is None:
        raise http_error(web.HTTPConflict, f"run {old.id!r} is {old.status}; only finished runs can be queued again")
    announce(request.app, run)
    return json_response({"run_id": run.id, "number": run.number, "status": run.status, "parent": old.id})


@routes.delete("/api/runs/{run_id}")
async def delete_run(request: web.Request) -> web.Response:
    run = get_run(request.app, request.match_info["run_id"])
    if run.status == "running":
        raise http_error(web.HTTPConflict, "the run is executing; cancel it first")
    request.app[STORE].delete([run.id])
    if run.status == "queued":
        notify_queue(request.app)
    return json_response({"run_id": run.id, "deleted": True})


@routes.post("/api/runs/{run_id}/move")
async def move_run(request: web.Request) -> web.Response:
    """``{position: n}``: move a queued run to index ``n`` of the queue (0 = next)."""
    body = await read_json_object(request)
    run = get_run(request.app, request.match_info["run_id"])
    position = body.get("position")
    if not isinstance(position, int) or isinstance(position, bool):
        raise http_error(web.HTTPBadRequest, 'send {"position": <index in the queue, 0 = next>}')
    if run.status != "queued":
        raise http_error(web.HTTPConflict, f"run {run.id!r} is {run.status}; only queued runs can move")
    order = [i for i in request.app[STORE].queue_order() if i != run.id]
    order.insert(max(0, min(position, len(order))), run.id)
    order = request.app[STORE].reorder(order)
    notify_queue(request.app)
    return json_response({"queued": order})


# -- queue ---------------------------------------------------------------------------
@routes.post("/api/queue/pause")
async def pause_queue(request: web.Request) -> web.Response:
    request.app[WORKER].set_paused(True)
    notify_queue(request.app)
    return json_response({"paused": True})


@routes.post("/api/queue/resume")
async def resume_queue(request: web.Request) -> web.Response:
    request.app[WORKER].set_paused(False)
    notify_queue(request.app)
    return json_response({"paused": False})


@routes.post("/api/queue/reorder")
async def reorder_queue(request: web.Request) -> web.Response:
    """``{run_ids: [...]}``: these queued runs first, in this order; the rest keep theirs."""
    body = await read_json_object(request)
    ids = body.get("run_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise http_error(web.HTTPBadRequest, 'send {"run_ids": [run ids in the wanted order]}')
    order = request.app[STORE].reorder(ids)
    notify_queue(request.app)
    return json_response({"queued": order})


# -- workflow library ----------------------------------------------------------------
def _library(request: web.Request) -> Library:
    config = request.app[CONFIG]
    return Library(config.library_dir, config.examples_dir)


def _name(request: web.Request) -> str:
    name = request.match_info["name"]
    if not Library.valid_name(name):
        raise http_error(
            web.HTTPBadRequest,
            "a workflow name is 1-100 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit",
        )
    return name


@routes.get("/api/workflows")
async def list_workflows(request: web.Request) -> web.Response:
    return json_response({"workflows": _library(request).list()})


@routes.get("/api/workflows/{name}")
async def get_workflow(request: web.Request) -> web.Response:
    name = _name(request)
    try:
        doc = _library(request).load(name)
    except WorkflowInvalid as exc:
        raise http_error(
            web.HTTPConflict, f"the stored workflow {name!r} is damaged", errors=[p.to_json() for p in exc.problems]
        ) from None
    if doc is None:
        raise http_error(web.HTTPNotFound, f"no workflow named {name!r}")
    return json_response(_current_ids(request.app[REGISTRY], doc))


def _current_ids(registry: Registry, doc: dict[str, Any]) -> dict[str, Any]:
    """The document with renamed node types under their current ids, for the editor."""
    try:
        workflow = Workflow.from_json(doc)
    except WorkflowInvalid:
        return doc
    migrated = registry.migrate_ids(workflow)
    return doc if migrated is workflow else migrated.to_json()


@routes.put("/api/workflows/{name}")
async def put_workflow(request: web.Request) -> web.Response:
    name = _name(request)
    body = await read_json_object(request)
    try:
        workflow = await asyncio.to_thread(_library(request).save, name, body)
    except WorkflowInvalid as exc:
        raise http_error(
            web.HTTPBadRequest, "not a workflow document", errors=[p.to_json() for p in exc.problems]
        ) from None
    problems = await asyncio.to_thread(request.app[ENGINE].validate, workflow)
    return json_response({"name": name, "saved": True, "problems": [p.to_json() for p in problems]})


@routes.delete("/api/workflows/{name}")
async def delete_workflow(request: web.Request) -> web.Response:
    name = _name(request)
    if not _library(request).delete(name):
        raise http_error(web.HTTPNotFound, f"no workflow named {name!r} in the library")
    return json_response({"name": name, "deleted": True})


# -- models --------------------------------------------------------------------------
@routes.get("/api/models")
async def list_models(request: web.Request) -> web.Response:
    """``?kind=text2image&kind=...&family=sd`` → ``{models: [...], roots: [...], hub_cache}``: the
    models on this machine (folders under the model roots, repos in the Hugging Face cache)."""
    kinds = _query_list(request, "kind")
    families = _query_list(request, "family")
    roots, cache = model_places(request.app)
    models = filter_models(await available_models(request.app, (roots, cache)), kinds, families)
    return json_response(
        {"models": [m.to_json() for m in models], "roots": [str(r) for r in roots], "hub_cache": str(cache)}
    )


def _query_list(request: web.Request, name: str) -> list[str]:
    """``?name=a&name=b`` or ``?name=a,b``."""
    return [v.strip() for raw in request.query.getall(name, []) for v in raw.split(",") if v.strip()]


# -- system --------------------------------------------------------------------------
@routes.get("/api/system")
async def system(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    info: dict[str, Any] = system_info(engine.models, engine.cache)
    info["queue"] = {
        **request.app[STORE].counts(),
        "paused": request.app[WORKER].paused,
        "running": request.app[WORKER].running_id(),
    }
    info["nodes"] = len(request.app[REGISTRY])
    if (remote := request.app.get(REMOTE)) is not None:  # the Ray cluster's nodes, GPUs and load
        info["cluster"] = await asyncio.get_running_loop().run_in_executor(None, remote.cluster_info)
    return json_response(info)
