"""The batch runner: resume, validate, schedule with retries, cancel, and write the results.

Executor-agnostic: it keeps at most ``executor.slots`` variants in flight (so a variant waits
here, not in a remote queue, and cancelling is cheap), appends each finished record to
``results.jsonl`` as it arrives, and at the end rewrites ``results.jsonl`` in variant order and
the ``index.html`` contact sheet.
"""

from __future__ import annotations

import shutil
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from server.engine import Registry, compile_workflow, partials

from . import results
from .executors import Executor, drain
from .job import VariantJob
from .progress import BatchProgress
from .sheet import write_index
from .variants import Variant

CANCEL_GRACE_SECONDS = 60.0  # how long cancelled variants get to stop at a progress point


@dataclass
class BatchSpec:
    title: str
    variants: list[Variant]
    out_root: Path
    retries: int = 0
    cache_dir: Path | None = None
    input_dirs: tuple[Path, ...] = ()
    extra_nodes: tuple[str, ...] = ()


@dataclass
class BatchOutcome:
    records: list[dict[str, Any]]
    cancelled: bool = False
    index: Path | None = None
    resumed: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def validate(variants: list[Variant], registry: Registry) -> dict[str, list[dict[str, Any]]]:
    """Problems per content key, for the variants that cannot run."""
    invalid = {}
    for v in variants:
        problems = compile_workflow(v.workflow, registry)[1]
        if problems:
            invalid[v.key] = [p.to_json() for p in problems]
    return invalid


def run_batch(spec: BatchSpec, executor: Executor, registry: Registry, progress: BatchProgress) -> BatchOutcome:
    started = time.perf_counter()
    out_root = spec.out_root.resolve()
    out_root.mkdir(parents=True, exist_ok=True)
    partials.sweep(out_root)  # what a killed batch left half-written
    previous = results.read(out_root)
    invalid = validate(spec.variants, registry)
    final: dict[str, dict[str, Any]] = {}
    queue: deque[VariantJob] = deque()
    resumed = 0
    for v in spec.variants:
        if results.finished(previous.get(v.key), out_root):
            final[v.key] = previous[v.key]
            resumed += 1
        elif v.key in invalid:
            final[v.key] = _invalid_record(v, invalid[v.key])
            results.append(out_root, final[v.key])
            progress.finished(final[v.key], final=True)
        else:
            queue.append(_job(spec, v, out_root))
    progress.skipped(resumed)
    cancelled = False
    submitted: dict[str, float] = {}
    try:
        while queue or executor.in_flight():
            while queue and executor.in_flight() < executor.slots:
                job = queue.popleft()
                submitted[job.key] = time.perf_counter()
                executor.submit(job)
            progress.set_running(executor.in_flight())
            for job, record in executor.collect(0.5):
                _overhead(record, submitted.get(job.key))
                retry = record.get("status") == "failed" and job.attempt <= spec.retries
                results.append(out_root, record)
                progress.finished(record, final=not retry)
                if retry:
                    queue.append(replace(job, attempt=job.attempt + 1))
                else:
                    final[job.key] = record
            progress.set_running(executor.in_flight())
    except KeyboardInterrupt:
        cancelled = True
        progress.note("cancelling the batch: stopping running variants (Ctrl-C again to stop waiting)")
        final.update(_cancel(executor, out_root))
    finally:
        executor.close()
    for v in spec.variants:  # never submitted, or lost while cancelling
        if v.key not in final:
            final[v.key] = {**_base(v), "status": "cancelled", "outputs": []}
    for record in final.values():
        if record.get("status") == "cancelled":
            shutil.rmtree(out_root / record["folder"], ignore_errors=True)  # a variant half made
            record["outputs"] = []
    partials.sweep(out_root)
    records = [final[v.key] for v in spec.variants]
    results.compact(out_root, records)
    index = write_index(out_root, spec.title, records)
    counts: dict[str, int] = {}
    for r in records:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return BatchOutcome(records, cancelled, index, resumed, time.perf_counter() - started, counts)


def _cancel(executor: Executor, out_root: Path) -> dict[str, dict[str, Any]]:
    """Cancel everything in flight and collect what it returns (their partial files are removed by
    the workers as they stop); a second Ctrl-C stops waiting and kills the workers."""
    stopped: dict[str, dict[str, Any]] = {}
    executor.cancel()
    try:
        finished = drain(executor, CANCEL_GRACE_SECONDS)
    except KeyboardInterrupt:
        finished = []
        force = getattr(executor, "force_cancel", None)
        if force is not None:
            force()
    for job, record in finished:
        if record.get("status") != "succeeded":
            record = {**record, "status": "cancelled"}
        results.append(out_root, record)
        stopped[job.key] = record
    return stopped


def _job(spec: BatchSpec, v: Variant, out_root: Path) -> VariantJob:
    return VariantJob(
        key=v.key,
        index=v.index,
        folder=v.folder,
        params=v.params,
        workflow=v.workflow.to_json(),
        out_root=str(out_root),
        cache_dir=str(spec.cache_dir.resolve()) if spec.cache_dir else None,
        input_dirs=tuple(str(Path(d).resolve()) for d in spec.input_dirs),
        extra_nodes=spec.extra_nodes,
    )


def _base(v: Variant) -> dict[str, Any]:
    return {"variant": v.index + 1, "key": v.key, "folder": v.folder, "params": v.params}


def _invalid_record(v: Variant, problems: list[dict[str, Any]]) -> dict[str, Any]:
    return {**_base(v), "status": "invalid", "problems": problems, "outputs": []}


def _overhead(record: dict[str, Any], submitted: float | None) -> None:
    """Scheduling overhead: time in flight minus time inside the worker (durations on each side,
    so no clock agreement between machines is needed)."""
    if submitted is None or "seconds" not in record:
        return
    in_flight = time.perf_counter() - submitted
    timing = record.setdefault("timing", {})
    timing["in_flight_seconds"] = round(in_flight, 4)
    timing["overhead_seconds"] = round(max(in_flight - record["seconds"], 0.0), 4)
