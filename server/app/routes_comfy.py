"""ComfyUI-compatible routes, so that existing ComfyUI clients and scripts work unchanged.

``POST /prompt`` takes a ComfyUI API prompt (converted, see :mod:`comfy`) or one of our
workflows; the queue and history come back in ComfyUI's shapes. The routes are also served
under ``/api/`` as recent ComfyUI versions do; ``GET /api/queue`` answers both shapes at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from server.engine import Problem, Registry
from server.store import Run

from .bodies import MAX_OFFSET, MAX_PAGE, int_query, read_json_object
from .comfy import is_workflow, node_info, object_info, prompt_to_workflow, workflow_to_prompt
from .keys import CONFIG, ENGINE, REGISTRY, STORE, WORKER
from .model_listing import available_models
from .runs import check, checked_client_id, checked_run_id, notify_queue, submit, without_tracebacks
from .security import json_response
from .system import system_stats

routes = web.RouteTableDef()


def _both(method: str, path: str):
    """Register a handler at ``path`` and at ``/api`` + ``path``."""

    def register(handler):
        routes.route(method, path)(handler)
        routes.route(method, f"/api{path}")(handler)
        return handler

    return register


QUEUE_PROMPT_NODES = 500


# -- submitting ------------------------------------------------------------------------
@_both("POST", "/prompt")
async def post_prompt(request: web.Request) -> web.Response:
    body = await read_json_object(request, lenient=True)
    prompt = body.get("prompt")
    registry = request.app[REGISTRY]
    extra_data = body.get("extra_data") or {}
    extra_data = extra_data if isinstance(extra_data, dict) else {}
    client_id = checked_client_id(body.get("client_id") or extra_data.get("client_id"))
    run_id = checked_run_id(body.get("prompt_id"))
    targets = body.get("partial_execution_targets")
    problems: list[Problem]
    if is_workflow(prompt):
        doc, problems = prompt, []
    else:  # on a thread, like the check: a huge prompt must not stall the event loop
        doc, problems = await asyncio.to_thread(prompt_to_workflow, prompt, registry)
    workflow, found = await check(request.app[ENGINE], doc, targets) if doc else (None, [])
    problems = problems + [p for p in found if p not in problems]
    if problems or workflow is None:
        return json_response(comfy_errors(problems, prompt if isinstance(prompt, dict) else {}), status=400)
    run = submit(
        request.app,
        workflow,
        targets=targets,
        client_id=client_id,
        run_id=run_id,
        front=bool(body.get("front", False)),
        extra={"extra_data": extra_data},
    )
    return json_response({"prompt_id": run.id, "number": run.number, "node_errors": {}})


def comfy_errors(problems: list[Problem], prompt: dict[str, Any]) -> dict[str, Any]:
    """ComfyUI's 400 body (``error`` + ``node_errors`` by node id), plus our ``errors`` list."""
    node_errors: dict[str, Any] = {}
    for p in problems:
        if p.node is None:
            continue
        nodes = prompt.get("nodes") if is_workflow(prompt) else prompt
        spec = nodes.get(p.node) if isinstance(nodes, dict) else None
        spec = spec if isinstance(spec, dict) else {}
        entry = node_errors.setdefault(
            p.node, {"errors": [], "dependent_outputs": [], "class_type": spec.get("class_type") or spec.get("type")}
        )
        entry["errors"].append(
            {
                "type": p.code,
                "message": p.message,
                "details": f"{p.name or ''}: {p.message}",
                "extra_info": {"input_name": p.name},
            }
        )
    general = next((p for p in problems if p.node is None), None)
    if general is not None and not node_errors:
        error = {"type": general.code, "message": general.message, "details": "", "extra_info": {}}
    else:
        error = {
            "type": "prompt_outputs_failed_validation",
            "message": "Prompt outputs failed validation",
            "details": "",
            "extra_info": {},
        }
    return {"error": error, "node_errors": node_errors, "errors": [p.to_json() for p in problems]}


@_both("GET", "/prompt")
async def get_prompt(request: web.Request) -> web.Response:
    queued, running = request.app[STORE].pending()
    return json_response({"exec_info": {"queue_remaining": queued + running}})


# -- queue -----------------------------------------------------------------------------
def queue_item(run: Run, registry: Registry) -> list[Any]:
    """``[number, prompt_id, prompt, extra_data, outputs_to_execute]``. The prompt of a very big
    workflow is left out (``{}``, with ``prompt_omitted`` in extra_data): a queue of them would
    make every poll of ``/queue`` tens of megabytes; ``GET /api/runs/{id}`` has the whole run."""
    extra = {**(run.extra.get("extra_data") or {}), "client_id": run.client_id}
    nodes = len(run.workflow.get("nodes", {}))
    if nodes > QUEUE_PROMPT_NODES:
        prompt: dict[str, Any] = {}
        extra["prompt_omitted"] = f"{nodes:,} nodes; see /api/runs/{run.id}"
    else:
        prompt = workflow_to_prompt(run.workflow, registry)
    return [run.number, run.id, prompt, extra, _outputs_to_execute(run, registry)]


def _outputs_to_execute(run: Run, registry: Registry) -> list[str]:
    if run.targets:
        return list(run.targets)
    return [
        n
        for n, spec in run.workflow["nodes"].items()
        if (d := registry.get(spec.get("type", ""))) is not None and d.output
    ]


@_both("GET", "/queue")
async def get_queue(request: web.Request) -> web.Response:
    store, registry, worker = request.app[STORE], request.app[REGISTRY], request.app[WORKER]

    def build() -> dict[str, Any]:  # on a thread: reading back queued workflows is real work
        running, queued = store.running(), store.queued()
        return {
            "queue_running": [queue_item(r, registry) for r in running],
            "queue_pending": [queue_item(r, registry) for r in queued],
            "paused": worker.paused,
            "running": [r.summary() for r in running],
            "queued": [r.summary() for r in queued],
        }

    return json_response(await asyncio.to_thread(build))


@_both("POST", "/queue")
async def post_queue(request: web.Request) -> web.Response:
    """``{"clear": true}`` empties the queue; ``{"delete": [ids]}`` removes queued runs."""
    body = await read_json_object(request, lenient=True)
    store = request.app[STORE]
    if body.get("clear"):
        store.clear(queued=True)
    if isinstance(body.get("delete"), list):
        queued = {r.id for r in store.queued()}
        store.delete([i for i in body["delete"] if isinstance(i, str) and i in queued])
    notify_queue(request.app)
    return json_response({})


@_both("POST", "/interrupt")
async def interrupt(request: web.Request) -> web.Response:
    """Cancel the running run (only it, when ``{"prompt_id"}`` names one)."""
    body = await read_json_object(request, lenient=True, optional=True)
    prompt_id = body.get("prompt_id")
    request.app[WORKER].cancel(prompt_id if isinstance(prompt_id, str) else None)
    return json_response({})


# -- history -----------------------------------------------------------------------------
def history_entry(run: Run, registry: Registry) -> dict[str, Any]:
    result = run.result or {}
    outputs = {n: ui for n, ui in (result.get("ui") or {}).items() if ui}
    return {
        "prompt": queue_item(run, registry),
        "outputs": outputs,
        "status": {
            "status_str": "success" if run.status == "succeeded" else "error",
            "completed": run.status == "succeeded",
            "messages": _messages(run),
        },
        "meta": {n: {"node_id": n, "display_node": n, "parent_node": None, "real_node_id": n} for n in outputs},
    }


def _messages(run: Run) -> list[list[Any]]:
    ms = lambda t: int((t or 0) * 1000)
    messages: list[list[Any]] = [["execution_start", {"prompt_id": run.id, "timestamp": ms(run.started)}]]
    cached = [n for n, s in run.nodes.items() if s.get("status") == "cached"]
    messages.append(["execution_cached", {"nodes": cached, "prompt_id": run.id, "timestamp": ms(run.started)}])
    done = {"prompt_id": run.id, "timestamp": ms(run.finished)}
    failed = next(((n, s) for n, s in run.nodes.items() if s.get("status") == "failed"), None)
    if run.status == "succeeded":
        messages.append(["execution_success", done])
    elif run.status in ("cancelled", "interrupted"):
        messages.append(["execution_interrupted", {**done, "node_id": None, "node_type": None, "executed": []}])
    else:
        node, state = failed or (None, {})
        error = state.get("error") or (run.result or {}).get("error") or {}
        messages.append(
            [
                "execution_error",
                {
                    **done,
                    "node_id": node,
                    "node_type": state.get("type"),
                    "exception_message": error.get("message", ""),
                    "exception_type": error.get("type", ""),
                    "traceback": [],
                    "executed": [],
                },
            ]
        )
    return messages


def _history(runs: list[Run], registry: Registry) -> dict[str, Any]:
    return without_tracebacks({r.id: history_entry(r, registry) for r in runs})


@_both("GET", "/history")
async def get_history(request: web.Request) -> web.Response:
    page = request.app[CONFIG].limits.history_page
    runs = request.app[STORE].finished(
        limit=int_query(request, "max_items", page, 1, MAX_PAGE),
        offset=int_query(request, "offset", 0, 0, MAX_OFFSET),
    )
    return json_response(_history(list(reversed(runs)), request.app[REGISTRY]))


@_both("GET", "/history/{prompt_id}")
async def get_history_entry(request: web.Request) -> web.Response:
    run = request.app[STORE].get(request.match_info["prompt_id"])
    if run is None or not run.final:
        return json_response({})
    return json_response(_history([run], request.app[REGISTRY]))


@_both("POST", "/history")
async def post_history(request: web.Request) -> web.Response:
    """``{"clear": true}`` forgets all finished runs; ``{"delete": [ids]}`` some of them."""
    body = await read_json_object(request, lenient=True)
    store = request.app[STORE]
    if body.get("clear"):
        store.clear(history=True)
    if isinstance(body.get("delete"), list):
        ids = [i for i in body["delete"] if isinstance(i, str)]
        store.delete([i for i in ids if (r := store.get(i)) is not None and r.final])
    return json_response({})


# -- catalog and system ------------------------------------------------------------------
@_both("GET", "/object_info")
async def get_object_info(request: web.Request) -> web.Response:
    """Model parameters come as combos of the models on this machine, like ComfyUI's loaders."""
    return json_response(object_info(request.app[REGISTRY], await available_models(request.app)))


@_both("GET", "/object_info/{node_class}")
async def get_object_info_one(request: web.Request) -> web.Response:
    definition = request.app[REGISTRY].get(request.match_info["node_class"])
    if definition is None:
        return json_response({})
    return json_response({definition.id: node_info(definition, await available_models(request.app))})


@_both("GET", "/system_stats")
async def get_system_stats(request: web.Request) -> web.Response:
    return json_response(system_stats(request.app[ENGINE].models))
