"""The runner: takes a plan through the state machine with threads, the cache and events.

CPU nodes run in a thread pool; GPU nodes go through a single-thread executor, so they run
one at a time per engine (one device) while CPU branches overlap. When exactly one node is
ready and nothing is running, it runs on the calling thread (a chain pays no thread
hand-off), and so does a CPU node whose type is known to be trivial (fan-out costs what a
chain costs). ``cpu_workers=0`` runs every node on the calling thread: a fully synchronous
engine for debugging.

A validated plan is remembered by the workflow's canonical content (:func:`plan_key`), so a
re-run (fully cached or not) skips validation and planning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .cache import ResultCache
from .context import NodeContext
from .contract import NodeDef
from .disk_cache import DiskCache
from .errors import Cancelled, NodeInputError, Problem, WorkflowInvalid
from .events import Event, EventHook
from .partials import scratch_folder, sweep_scratch
from .plan import Plan, PlannedNode, compile_workflow, param_problems
from .registry import Registry
from .state import RunState
from .status import NODE_OK, Status
from .summary import describe
from .workflow import Workflow

log = logging.getLogger("reelgraph.engine")
PLANS_KEPT = 32  # validated plans remembered per engine
TRIVIAL_SECONDS = 2e-4  # a CPU node type that last ran faster than this runs inline
KEYS_KEPT = 64  # memoised cache keys per planned node (one per distinct set of input keys)
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}")  # a run id names its scratch folder


@dataclass
class NodeResult:
    """What became of one node. ``status`` is read from the run's state machine, never kept
    in step by hand."""

    node: str
    state: RunState = field(repr=False, compare=False)
    seconds: float = 0.0
    cached: bool = False
    error: dict[str, Any] | None = None
    outputs: dict[str, Any] = field(default_factory=dict)  # JSON summaries

    @property
    def status(self) -> Status:
        return self.state.status[self.node]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "seconds": round(self.seconds, 4), "cached": self.cached}
        if self.error:
            out["error"] = self.error
        if self.outputs:
            out["outputs"] = self.outputs
        return out


@dataclass
class RunResult:
    run_id: str
    status: Status
    seconds: float
    targets: list[str]
    nodes: dict[str, NodeResult]
    values: dict[str, dict[str, Any]]  # the real output values, by node and output name

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "seconds": round(self.seconds, 4),
            "targets": self.targets,
            "nodes": {n: r.to_json() for n, r in self.nodes.items()},
        }


def plan_key(workflow: Workflow, targets: list[str] | None) -> str:
    """A hash of what planning reads: node types, parameters and modes, links, meta (node
    versions), subgraphs, and the targets; not the title, description or layout."""
    material = [
        {n: [node.type, node.params, node.extra] for n, node in workflow.nodes.items()},
        [link.to_json() for link in workflow.links],
        workflow.meta,
        workflow.extra,
        targets,
    ]
    text = json.dumps(material, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


DEFAULT_CPU_WORKERS = 2  # threads for nodes that run off the caller's thread


class Engine:
    def __init__(
        self,
        registry: Registry,
        *,
        output_dir: Path | str = "output",
        input_dirs: Sequence[Path | str] = (),
        temp_dir: Path | str | None = None,
        cache_bytes: int = 2 << 30,
        cpu_workers: int = DEFAULT_CPU_WORKERS,
        models: Any = None,
        disk_cache: DiskCache | Path | str | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        """``cache``: results to share with other engines in the process (a batch worker's
        variants share their upstream nodes); by default the engine has its own of ``cache_bytes``."""
        self.registry = registry
        self.output_dir = Path(output_dir)
        self.input_dirs = tuple(Path(d) for d in input_dirs)
        self.temp_root = Path(temp_dir) if temp_dir else Path(tempfile.gettempdir()) / "reelgraph"
        self.cache = cache if cache is not None else ResultCache(cache_bytes)
        self.disk_cache = DiskCache(disk_cache) if isinstance(disk_cache, Path | str) else disk_cache
        self.models = models
        self.cpu_workers = cpu_workers
        self.timings: dict[str, float] = {}  # node type → seconds of its last run (inline or not)
        self._plans: OrderedDict[str, Plan] = OrderedDict()  # validated plans by plan_key, newest last
        self._plans_lock = threading.Lock()
        self._cpu_pool = ThreadPoolExecutor(max(cpu_workers, 1), thread_name_prefix="reelgraph-cpu")
        self._gpu_pool = ThreadPoolExecutor(1, thread_name_prefix="reelgraph-gpu")
        sweep_scratch(self.temp_root)  # run folders of a process that was killed

    def close(self) -> None:
        self._cpu_pool.shutdown(wait=True, cancel_futures=True)
        self._gpu_pool.shutdown(wait=True, cancel_futures=True)

    def validate(self, workflow: Workflow, targets: list[str] | None = None) -> list[Problem]:
        """Every problem of the workflow (none: it may run). Always checks afresh; a valid
        workflow's plan is remembered, so the run that usually follows (the server validates
        on submission, the worker runs later) does not plan it again."""
        plan, problems = compile_workflow(workflow, self.registry, targets)
        if plan is not None:
            self._remember(plan_key(workflow, targets), plan)
        return problems

    def plan(self, workflow: Workflow, targets: list[str] | None = None) -> Plan:
        """The validated plan; raises WorkflowInvalid. A workflow validated before (same
        canonical content and targets, whatever its title or layout) reuses its plan."""
        key = plan_key(workflow, targets)
        with self._plans_lock:
            known = self._plans.get(key)
            if known is not None:
                self._plans.move_to_end(key)
                return known
        plan, problems = compile_workflow(workflow, self.registry, targets)
        if problems:
            raise WorkflowInvalid(problems)
        assert plan is not None
        self._remember(key, plan)
        return plan

    def _remember(self, key: str, plan: Plan) -> None:
        with self._plans_lock:
            self._plans[key] = plan
            self._plans.move_to_end(key)
            while len(self._plans) > PLANS_KEPT:
                self._plans.popitem(last=False)

    def run(
        self,
        workflow: Workflow,
        *,
        targets: list[str] | None = None,
        run_id: str | None = None,
        on_event: EventHook | None = None,
        cancel: threading.Event | None = None,
        embed: dict[str, Any] | None = None,
    ) -> RunResult:
        """Validate, plan and execute; blocks until the run ends. Raises WorkflowInvalid.
        ``embed``: metadata for the files the nodes write (see ``NodeContext.embed``)."""
        if run_id is not None and not RUN_ID.fullmatch(run_id):
            raise ValueError(f"run id {run_id!r} is not allowed: use letters, digits, '_', '-', '.' or ':' (not first)")
        plan = self.plan(workflow, targets)
        run = _Run(self, plan, run_id or uuid.uuid4().hex, on_event, cancel or threading.Event(), workflow)
        run.embed = dict(embed or {})
        with ExitStack() as run.scratch:
            return run.execute()


class _Run:
    """One execution: the state machine plus keys, values, timings and the event stream."""

    def __init__(
        self,
        engine: Engine,
        plan: Plan,
        run_id: str,
        on_event: EventHook | None,
        cancel: threading.Event,
        workflow: Workflow,
    ) -> None:
        self.engine, self.plan, self.run_id = engine, plan, run_id
        self.on_event, self.cancel = on_event, cancel
        self.workflow = workflow
        self.embed: dict[str, Any] = {}
        self.state = plan.new_state()
        self.keys: dict[str, str] = {}
        self.values: dict[str, dict[str, Any]] = {}
        self.results = {n: NodeResult(n, self.state) for n in plan.order}
        self.temp_dir = engine.temp_root / run_id
        self.scratch: ExitStack | None = None  # holds the scratch folder once a node runs
        self.has_scratch = False
        self.futures: dict[Future, str] = {}

    # -- the loop ----------------------------------------------------------------------
    def execute(self) -> RunResult:
        started = time.perf_counter()
        self.emit("run_started", None, nodes=self.plan.order, targets=self.plan.targets)
        while True:
            self.start_ready()
            if not self.futures:
                break
            done, _ = wait(self.futures, return_when=FIRST_COMPLETED)
            for future in done:
                self.complete(self.futures.pop(future), *future.result())
        status = self.final_status()
        seconds = time.perf_counter() - started
        if self.on_event is not None:
            self.emit(
                "run_finished",
                None,
                status=status,
                seconds=round(seconds, 4),
                nodes={
                    n: {"status": r.status, "seconds": round(r.seconds, 4), "cached": r.cached}
                    for n, r in self.results.items()
                },
            )
        return RunResult(self.run_id, status, seconds, self.plan.targets, self.results, self.values)

    def start_ready(self) -> None:
        while (node_id := self.state.take_ready()) is not None:
            if self.cancel.is_set():
                self.mark_cancelled(node_id)
                return
            job = self.prepare(node_id)
            if job is None:
                continue
            planned = self.plan.nodes[node_id]
            if self.runs_inline(planned):
                self.complete(node_id, *self.call(planned, *job))
            else:
                pool = self.engine._gpu_pool if planned.definition.resource == "gpu" else self.engine._cpu_pool
                self.futures[pool.submit(self.call, planned, *job)] = node_id

    def runs_inline(self, planned: PlannedNode) -> bool:
        """On the calling thread: everything with ``cpu_workers=0``; a node with nothing else
        to do beside it (a chain pays no hand-off); a CPU node whose type last ran in under
        :data:`TRIVIAL_SECONDS` (a thread hand-off would cost more than the node, so fan-out
        costs what a chain costs)."""
        if self.engine.cpu_workers == 0 or (not self.futures and not self.state.ready):
            return True
        d = planned.definition
        return d.resource == "cpu" and self.engine.timings.get(d.id, TRIVIAL_SECONDS) < TRIVIAL_SECONDS

    @cached_property
    def workflow_json(self) -> dict[str, Any]:
        """The workflow as JSON, for the contexts of nodes that run (a fully cached run needs none)."""
        return self.workflow.to_json()

    def prepare(self, node_id: str) -> tuple[BaseModel, dict[str, Any], NodeContext] | None:
        """Compute the key and serve from cache if possible; otherwise gather inputs, validate
        parameters and build the context. A node whose key is memoised for these input keys
        (a reused plan) is served from cache without parsing its parameters."""
        planned = self.plan.nodes[node_id]
        d = planned.definition
        params = None
        key = self.known_key(planned)
        if key is None:
            if (params := self.parse_params(planned)) is None:
                return None
            key = self.key_of(planned, params)
        cacheable = d.deterministic or d.has_seed
        if not cacheable:  # a fresh key per execution, so nothing downstream is served stale
            key = hashlib.sha256(f"{key}:{uuid.uuid4().hex}".encode()).hexdigest()
        self.keys[node_id] = key
        if cacheable and self.serve_cached(planned, key):
            return None
        if params is None and (params := self.parse_params(planned)) is None:
            return None
        inputs = {name: self.values[src][out] for name, (src, out) in planned.inputs.items()}
        self.open_scratch()
        seed = int(getattr(params, "seed", 0)) if d.has_seed else int(key[:8], 16)
        ctx = NodeContext(
            node_id=node_id,
            node_type=d.id,
            run_id=self.run_id,
            seed=seed,
            temp_dir=self.temp_dir,
            output_dir=self.engine.output_dir,
            input_dirs=self.engine.input_dirs,
            log=logging.getLogger(f"reelgraph.node.{d.id}"),
            models=self.engine.models,
            workflow=self.workflow_json,
            embed=self.embed,
            _on_progress=self.progress_hook(node_id),
            _cancel=self.cancel,
        )
        return params, inputs, ctx

    def open_scratch(self) -> None:
        """Create and lock the run's scratch folder (``ctx.temp_dir``) before the first node
        runs; removed when the run ends. A fully cached run touches no disk."""
        if self.scratch is not None and not self.has_scratch:
            self.scratch.enter_context(scratch_folder(self.temp_dir))
            self.has_scratch = True

    def parse_params(self, planned: PlannedNode) -> BaseModel | None:
        """The node's parameters, linked values included; None after failing the node."""
        d = planned.definition
        raw = dict(planned.params)
        raw.update({name: self.values[src][out] for name, (src, out) in planned.param_links.items()})
        try:
            return d.parse_params(raw)
        except ValidationError:
            problem = param_problems(planned.id, d, raw)[0]
            self.fail(planned.id, {"type": "InvalidValue", "message": problem.message, "traceback": None}, problem.name)
            return None

    def serve_cached(self, planned: PlannedNode, key: str) -> bool:
        """Finish the node from the memory (or disk) cache if ``key`` is there."""
        d = planned.definition
        cached = self.engine.cache.get(key)
        if cached is None and d.persist and self.engine.disk_cache is not None:
            cached = self.engine.disk_cache.get(key)
            if cached is not None:
                self.engine.cache.put(key, cached)
        if cached is None:
            return False
        node_id = planned.id
        self.values[node_id] = cached
        result = self.results[node_id]
        result.cached = True
        result.outputs = {k: describe(v) for k, v in cached.items()}
        self.state.finish(node_id, Status.CACHED)
        if self.on_event is not None:
            self.emit("node_cached", node_id, type=d.id, key=key, outputs=result.outputs, values=cached)
        return True

    def known_key(self, planned: PlannedNode) -> str | None:
        """The key memoised for the current keys of the node's inputs, if any."""
        sources = planned.memo_sources
        if sources is None:
            return None
        return planned.key_memo.get(tuple(map(self.keys.__getitem__, sources)))

    def key_of(self, planned: PlannedNode, params: BaseModel) -> str:
        """hash(type, version, canonical params, keys of the inputs): equal work, equal key,
        whatever the workflow or node id. Linked parameter values are already in ``params``."""
        d = planned.definition
        inputs = {name: f"{self.keys[src]}:{out}" for name, (src, out) in planned.inputs.items()}
        material = [d.id, d.version, params.model_dump(mode="json"), inputs]
        if d.fingerprint is not None:  # a user's file: its identity too (never memoised: it may change)
            try:
                material.append(d.fingerprint(params, self.engine.input_dirs))
            except Exception as exc:  # noqa: BLE001 - the node itself will report what is wrong
                material.append(f"unreadable: {exc}")
        key = hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()
        if (sources := planned.memo_sources) is not None:
            memo = planned.key_memo
            if len(memo) >= KEYS_KEPT:
                memo.clear()
            memo[tuple(map(self.keys.__getitem__, sources))] = key
        return key

    def call(
        self, planned: PlannedNode, params: BaseModel, inputs: dict[str, Any], ctx: NodeContext
    ) -> tuple[float, dict[str, Any] | None, dict[str, Any] | None, str | None]:
        """Runs on a worker thread: the node function and nothing else."""
        d = planned.definition
        self.emit("node_started", planned.id, type=d.id)
        started = time.perf_counter()
        try:
            outputs = d.fn(ctx, params, **inputs)
            d.check_outputs(outputs, planned.id)
            seconds = time.perf_counter() - started
            self.persist(planned, outputs)
            return seconds, outputs, None, None
        except Cancelled:
            return (
                time.perf_counter() - started,
                None,
                {"type": "Cancelled", "message": "cancelled", "traceback": None},
                None,
            )
        except NodeInputError as exc:
            return time.perf_counter() - started, None, *_input_error(d, exc)
        except Exception as exc:  # noqa: BLE001 - a node's failure is data, reported on the node
            return time.perf_counter() - started, None, _error_record(exc), None

    def persist(self, planned: PlannedNode, outputs: dict[str, Any]) -> None:
        """Write a persist-flagged result to disk (on the worker thread); never fails the node."""
        d, disk = planned.definition, self.engine.disk_cache
        if not d.persist or disk is None or not (d.deterministic or d.has_seed):
            return
        try:
            disk.put(self.keys[planned.id], outputs, {n: o.type for n, o in d.outputs.items()})
        except Exception:
            log.exception("could not persist the result of %s", planned.id)

    def complete(
        self,
        node_id: str,
        seconds: float,
        outputs: dict[str, Any] | None,
        error: dict[str, Any] | None,
        input_name: str | None,
    ) -> None:
        result = self.results[node_id]
        result.seconds = seconds
        if outputs is None:
            assert error is not None
            if error["type"] == "Cancelled":
                self.mark_cancelled(node_id)
            else:
                self.fail(node_id, error, input_name)
            return
        planned = self.plan.nodes[node_id]
        d = planned.definition
        self.engine.timings[d.id] = seconds
        self.values[node_id] = outputs
        if d.deterministic or d.has_seed:
            self.engine.cache.put(self.keys[node_id], outputs)
        result.outputs = {k: describe(v) for k, v in outputs.items()}
        self.state.finish(node_id, Status.SUCCEEDED)
        self.emit(
            "node_finished",
            node_id,
            type=d.id,
            key=self.keys[node_id],
            seconds=round(seconds, 4),
            outputs=result.outputs,
            values=outputs,
        )

    def fail(self, node_id: str, error: dict[str, Any], input_name: str | None) -> None:
        d = self.plan.nodes[node_id].definition
        self.results[node_id].error = {**error, "input": input_name}
        self.emit("node_failed", node_id, type=d.id, error=error, input=input_name)
        for skipped in self.state.fail(node_id):
            self.emit("node_skipped", skipped, reason=f"upstream node {node_id!r} failed")

    def mark_cancelled(self, node_id: str) -> None:
        """``node_id`` stopped for cancellation; nothing that has not started will start."""
        self.state.cancel_pending()
        self.state.fail(node_id, Status.CANCELLED)

    def final_status(self) -> Status:
        statuses = self.state.status
        if self.cancel.is_set() and any(s is Status.CANCELLED for s in statuses.values()):
            return Status.CANCELLED
        if all(s in NODE_OK for s in statuses.values()):
            return Status.SUCCEEDED
        ok_targets = [t for t in self.plan.targets if statuses[t] in NODE_OK]
        return Status.PARTIAL if ok_targets else Status.FAILED

    # -- events --------------------------------------------------------------------------
    def progress_hook(self, node_id: str):
        def report(done: float, total: float, preview: Any = None) -> None:
            self.emit("node_progress", node_id, done=done, total=total, preview=preview)

        return report

    def emit(self, kind: str, node: str | None, **data: Any) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(Event(kind, self.run_id, node, data))
        except Exception:
            log.exception("event listener failed on %s", kind)


def _input_error(d: NodeDef, exc: NodeInputError) -> tuple[dict[str, Any], str | None]:
    """The record of a ``NodeInputError`` and the input it blames, checked against the
    declaration: a name the node does not declare is reported as such, blaming nothing."""
    record = _error_record(exc)
    if exc.name in d.names:
        return record, exc.name
    declared = ", ".join(sorted(d.names)) or "none"
    record["message"] = (
        f"{record['message']} (raised for {exc.name!r}, which is not an input or parameter of {d.id}; "
        f"declared: {declared})"
    )
    return record, None


def _error_record(exc: BaseException) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "message": str(exc) or type(exc).__name__,
        "traceback": "".join(traceback.format_exception(exc)),
    }
