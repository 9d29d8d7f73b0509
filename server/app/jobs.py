"""ComfyUI's jobs API over our SQLite history: ``GET /api/jobs``, ``GET /api/jobs/{id}`` and
cancelling (``POST /api/jobs/{id}/cancel``, ``POST /api/jobs/cancel`` with ``{job_ids}``).

The ComfyUI frontend reads its queue panel and job history only through these routes (never
``/queue`` or ``/history``), and checks their shape with a schema: a job is
``{id, status, priority, create_time, execution_start_time, execution_end_time, outputs_count,
preview_output, execution_error, workflow_id}`` with times in milliseconds, and a listing is
``{jobs, pagination: {offset, limit, total, has_more}}``. Our run statuses map onto its five.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from server.engine import Registry
from server.engine.status import NODE_OK, Status
from server.store import Run

from .bodies import MAX_OFFSET, int_query, read_json_object
from .comfy import workflow_to_prompt
from .keys import REGISTRY, STORE
from .runs import cancel, get_run
from .security import http_error, json_response

routes = web.RouteTableDef()

# our status -> ComfyUI's
JOB_STATUS: dict[str, str] = {
    Status.QUEUED: "pending",
    Status.RUNNING: "in_progress",
    Status.SUCCEEDED: "completed",
    Status.PARTIAL: "completed",
    Status.FAILED: "failed",
    Status.CANCELLED: "cancelled",
    Status.INTERRUPTED: "cancelled",
}
# ComfyUI's status -> ours
RUN_STATUSES = {
    job: [run for run, j in JOB_STATUS.items() if j == job] for job in ("pending", "in_progress", "completed")
} | {"failed": ["failed"], "cancelled": ["cancelled", "interrupted"]}
MAX_JOBS_PAGE = 500


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds * 1000)


def _outputs(run: Run) -> dict[str, dict[str, Any]]:
    """Per output node, ComfyUI's ``executed.output`` shape (``images``, ``animated``, ``text``)."""
    return {n: ui for n, ui in ((run.result or {}).get("ui") or {}).items() if ui}


def _preview(outputs: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    for node, ui in outputs.items():
        for media in ("images", "video", "audio"):
            for item in ui.get(media) or []:
                if isinstance(item, dict) and item.get("filename"):
                    return {**item, "nodeId": node, "mediaType": media}
    return None


def _error(run: Run) -> dict[str, Any] | None:
    if run.status != "failed":
        return None
    empty: dict[str, Any] = {}
    node, state = next(((n, s) for n, s in run.nodes.items() if s.get("status") == "failed"), ("", empty))
    error = state.get("error") or (run.result or {}).get("error") or {}
    return {
        "prompt_id": run.id,
        "timestamp": _ms(run.finished),
        "node_id": node or "",
        "node_type": state.get("type") or run.workflow.get("nodes", {}).get(node, {}).get("type") or "",
        "executed": [n for n, s in run.nodes.items() if s.get("status") in NODE_OK],
        "exception_message": str(error.get("message", "")),
        "exception_type": str(error.get("type", "")),
        "traceback": [],  # tracebacks stay in the log and on the websocket, never in HTTP answers
    }


def _workflow_id(run: Run) -> str | None:
    """The id of the ComfyUI graph the run was queued from, if it was."""
    pnginfo = (run.extra.get("extra_data") or {}).get("extra_pnginfo")
    graph = pnginfo.get("workflow") if isinstance(pnginfo, dict) else None
    wid = graph.get("id") if isinstance(graph, dict) else None
    return wid if isinstance(wid, str) else None


def job(run: Run) -> dict[str, Any]:
    """The listing form of one run."""
    outputs = _outputs(run)
    count = sum(len(v) for ui in outputs.values() for k, v in ui.items() if k in ("images", "video", "audio"))
    return {
        "id": run.id,
        "status": JOB_STATUS.get(run.status, "failed"),
        "priority": run.number,
        "create_time": _ms(run.created),
        "execution_start_time": _ms(run.started),
        "execution_end_time": _ms(run.finished),
        "outputs_count": count,
        "previewable_outputs_count": count,
        "preview_output": _preview(outputs),
        "execution_error": _error(run),
        "workflow_id": _workflow_id(run),
    }


def job_detail(run: Run, registry: Registry) -> dict[str, Any]:
    """One run with what re-opening it needs: the API prompt and, when the run came from the
    ComfyUI frontend, its graph (``workflow.extra_data.extra_pnginfo.workflow``)."""
    extra_data = run.extra.get("extra_data") if isinstance(run.extra.get("extra_data"), dict) else {}
    return {
        **job(run),
        "workflow": {"prompt": workflow_to_prompt(run.workflow, registry), "extra_data": extra_data},
        "outputs": _outputs(run),
        "update_time": _ms(run.finished or run.started or run.created),
    }


@routes.get("/api/jobs")
async def list_jobs(request: web.Request) -> web.Response:
    """``?status=pending,in_progress,completed,failed,cancelled&limit=&offset=&sort_order=asc|desc``."""
    raw = [s.strip() for s in request.query.get("status", "").split(",") if s.strip()]
    unknown = [s for s in raw if s not in RUN_STATUSES]
    if unknown:
        raise http_error(web.HTTPBadRequest, f"unknown job status {unknown[0]!r}; one of {', '.join(RUN_STATUSES)}")
    statuses = [r for s in (raw or list(RUN_STATUSES)) for r in RUN_STATUSES[s]]
    limit = int_query(request, "limit", 100, 1, MAX_JOBS_PAGE)
    offset = int_query(request, "offset", 0, 0, MAX_OFFSET)
    order = request.query.get("sort_order", "desc").lower()
    if order not in ("asc", "desc"):
        raise http_error(web.HTTPBadRequest, "sort_order must be 'asc' or 'desc'")
    store = request.app[STORE]

    def build() -> dict[str, Any]:
        runs, total = store.page(statuses, limit=limit, offset=offset, newest_first=order == "desc")
        return {
            "jobs": [job(r) for r in runs],
            "pagination": {"offset": offset, "limit": limit, "total": total, "has_more": offset + len(runs) < total},
        }

    return json_response(await asyncio.to_thread(build))


@routes.get("/api/jobs/{job_id}")
async def get_job(request: web.Request) -> web.Response:
    run = request.app[STORE].get(request.match_info["job_id"])
    if run is None:
        raise http_error(web.HTTPNotFound, f"no job {request.match_info['job_id']!r}")
    detail = await asyncio.to_thread(job_detail, run, request.app[REGISTRY])
    return json_response(detail)


def _cancel_outcome(request: web.Request, job_id: str) -> dict[str, Any]:
    run = get_run(request.app, job_id)
    status = cancel(request.app, run)
    return {
        "id": run.id,
        "status": JOB_STATUS["cancelled"] if status else JOB_STATUS[run.status],
        "cancelled": bool(status),
    }


@routes.post("/api/jobs/{job_id}/cancel")
async def cancel_job(request: web.Request) -> web.Response:
    """Cancel one job, queued or running; 409 when it has already ended (the frontend shows the text)."""
    outcome = _cancel_outcome(request, request.match_info["job_id"])
    if not outcome["cancelled"]:
        raise http_error(web.HTTPConflict, f"job {outcome['id']!r} has already ended ({outcome['status']})")
    return json_response(outcome)


@routes.post("/api/jobs/cancel")
async def cancel_jobs(request: web.Request) -> web.Response:
    """``{"job_ids": [...]}``: cancel each; ended or unknown ones are reported, not fatal."""
    body = await read_json_object(request)
    ids = body.get("job_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(ids) > MAX_JOBS_PAGE:
        raise http_error(web.HTTPBadRequest, f"job_ids must be a list of at most {MAX_JOBS_PAGE} job id strings")
    results = []
    for job_id in dict.fromkeys(ids):
        try:
            results.append(_cancel_outcome(request, job_id))
        except web.HTTPNotFound:
            results.append({"id": job_id, "status": None, "cancelled": False, "error": "no such job"})
    return json_response({"jobs": results})
