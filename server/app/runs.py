"""Accepting runs and presenting them: shared by the native and the ComfyUI routes.

A run is accepted only when the engine finds nothing wrong with it, so the queue never holds
a workflow that cannot start. Run records shown over HTTP leave out tracebacks: they go to
the websocket (as ComfyUI does) and to the log, never into an HTTP response.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from server.engine import Engine, Problem, Workflow, WorkflowInvalid
from server.engine.engine import RUN_ID
from server.store import Run

from .keys import HUB, STORE, WORKER
from .messages import native
from .security import http_error


async def check(engine: Engine, doc: Any, targets: Any) -> tuple[Workflow | None, list[Problem]]:
    """The workflow and every problem with it, worked out on a thread: a 20,000-node workflow
    takes seconds to validate, and the event loop must keep serving everyone else meanwhile."""
    return await asyncio.to_thread(check_now, engine, doc, targets)


def check_now(engine: Engine, doc: Any, targets: Any) -> tuple[Workflow | None, list[Problem]]:
    """The workflow and every problem with it (shape, then graph and parameters)."""
    if targets is not None and not (isinstance(targets, list) and all(isinstance(t, str) for t in targets)):
        return None, [Problem("invalid_workflow", None, "targets", "targets must be a list of node ids")]
    try:
        workflow = Workflow.from_json(doc)
    except WorkflowInvalid as exc:
        return None, exc.problems
    return workflow, engine.validate(workflow, targets or None)


def checked_run_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not RUN_ID.fullmatch(value):
        raise http_error(
            web.HTTPBadRequest,
            "a run id must be 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
        )
    return value


def checked_client_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not RUN_ID.fullmatch(value):
        raise http_error(web.HTTPBadRequest, "client_id must be 1-128 letters, digits, '_', '.', ':' or '-'")
    return value


def submit(
    app: web.Application,
    workflow: Workflow,
    *,
    targets: list[str] | None,
    client_id: str | None,
    run_id: str | None = None,
    front: bool = False,
    extra: dict[str, Any] | None = None,
) -> Run:
    """Queue a validated workflow, wake the worker and tell the clients."""
    try:
        run = app[STORE].add(
            workflow.to_json(), targets=targets or None, client_id=client_id, extra=extra, run_id=run_id, front=front
        )
    except KeyError:
        raise http_error(web.HTTPConflict, f"run id {run_id!r} is already taken; use a new id") from None
    announce(app, run)
    return run


def announce(app: web.Application, run: Run) -> None:
    worker = app[WORKER]
    worker.wake()
    queued = native(
        "run_queued", {"run_id": run.id, "number": run.number, "client_id": run.client_id, "time": run.created}
    )
    app[HUB].publish([queued], run.client_id)
    notify_queue(app)


def notify_queue(app: web.Application) -> None:
    app[HUB].queue_changed()


def get_run(app: web.Application, run_id: str) -> Run:
    run = app[STORE].get(run_id)
    if run is None:
        raise http_error(web.HTTPNotFound, f"no run {run_id!r}")
    return run


def cancel(app: web.Application, run: Run) -> str | None:
    """Cancel ``run``: ``"cancelled"`` when it was still queued, ``"cancelling"`` when it is
    executing (the engine stops at the next progress point), None when it had already ended."""
    if app[STORE].cancel_queued(run.id):
        notify_queue(app)
        return "cancelled"
    if app[WORKER].cancel(run.id):
        return "cancelling"
    return None


def run_detail(app: web.Application, run: Run) -> dict[str, Any]:
    """Status, per-node state and timings (live while running), outputs and files."""
    detail = run.to_json()
    live = app[WORKER].live_nodes(run.id) if run.status == "running" else None
    if live is not None:
        detail["nodes"] = live
    result = run.result or {}
    detail["files"] = result.get("files", {})
    detail["errors"] = result.get("errors", [])
    if run.status == "queued":
        queue = app[STORE].queue_order()
        detail["position"] = queue.index(run.id) if run.id in queue else None
    return without_tracebacks(detail)


def without_tracebacks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_tracebacks(v) for k, v in value.items() if k != "traceback"}
    if isinstance(value, list):
        return [without_tracebacks(v) for v in value]
    return value
