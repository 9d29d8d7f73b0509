"""The queue worker: one thread that takes runs from the store and executes them through the engine.

The engine calls back from its own threads; every event is translated there (JSON, preview
JPEG, thumbnails of finished FRAMES and IMAGE outputs) and handed to the event loop with
``loop.call_soon_threadsafe``, where the hub fans it out. Per-node state is kept live for
``GET /api/runs/{id}`` and written to the store at every node transition, so a crash leaves a
record of how far a run got.

Cancelling the running run sets the engine's cancel event (it ends ``cancelled``); stopping
the server does the same but records the run as ``interrupted`` so that it can be re-queued,
exactly as after a crash.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from server.engine import Engine, Event, Workflow, WorkflowInvalid
from server.engine.status import EVENT_STATUS, Status
from server.store import Run, Store

from .comfy import comfy_embed
from .file_refs import file_ref
from .message import Message
from .messages import RunMessages, queue_messages
from .thumbnails import Thumbnails

log = logging.getLogger("reelgraph.server")
PAUSED = "queue_paused"
Publish = Callable[[list[Message], "str | None"], None]
FINISHED = ("node_finished", "node_cached")


@dataclass
class Live:
    """The run being executed, as the worker sees it."""

    run: Run
    cancel: threading.Event
    messages: RunMessages
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    final: Event | None = None
    previews: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # node → output → preview keys
    lock: threading.Lock = field(default_factory=threading.Lock)


class Worker:
    def __init__(
        self,
        store: Store,
        engine: Engine,
        loop: asyncio.AbstractEventLoop,
        publish: Publish,
        queue_changed: Callable[[], None],
        *,
        roots: dict[str, Path],
        preview_interval: float = 0.1,
        preview_max_side: int = 512,
        thumbnails: Thumbnails | None = None,
        runner: Any = None,
    ) -> None:
        self.store = store
        self.engine = engine
        self.runner = runner or engine  # what executes runs: the engine, or a RemoteRunner (remote.py)
        self.loop = loop
        self.publish = publish
        self.queue_changed = queue_changed
        self.roots = roots
        self.preview_interval = preview_interval
        self.preview_max_side = preview_max_side
        self.thumbnails = thumbnails
        self._wake = threading.Event()
        self._stopping = False
        self._live: Live | None = None
        self._lock = threading.Lock()
        self._paused = bool(store.get_setting(PAUSED, False))
        self._thread = threading.Thread(target=self._main, name="reelgraph-queue", daemon=True)

    # -- control (from the event loop) -------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Interrupt the running run and wait for the thread to end."""
        with self._lock:
            self._stopping = True
            if self._live:
                self._live.cancel.set()
        self._wake.set()
        self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        """Pause or resume taking runs from the queue; remembered across restarts."""
        self.store.set_setting(PAUSED, paused)
        self._paused = paused
        self.wake()

    def cancel(self, run_id: str | None = None) -> bool:
        """Cancel the running run (if ``run_id`` is None or names it); True if one was signalled."""
        with self._lock:
            live = self._live
            if live is None or (run_id is not None and live.run.id != run_id):
                return False
            live.cancel.set()
            return True

    def running_id(self) -> str | None:
        live = self._live
        return live.run.id if live else None

    def live_nodes(self, run_id: str) -> dict[str, dict[str, Any]] | None:
        live = self._live
        if live is None or live.run.id != run_id:
            return None
        with live.lock:
            return {n: dict(s) for n, s in live.nodes.items()}

    def queue_messages(self, sid: str | None = None) -> list[Message]:
        queued, running = self.store.pending()
        current = [r for r in (self.running_id(),) if r]
        return queue_messages(queued + running, queued, current, self.paused, sid)

    # -- the thread ----------------------------------------------------------------------
    def _main(self) -> None:
        while not self._stopping:
            self._wake.clear()
            with self._lock:  # claimed and live at once: a cancel never finds it in between
                run = None if self._paused or self._stopping else self.store.claim_next()
                live = self._live = self._new_live(run) if run else None
            if live is None:
                self._wake.wait(1.0)
                continue
            try:
                self._execute(live)
            except Exception:  # the worker must outlive any one run
                log.exception("run %s could not be recorded", live.run.id)
            finally:
                with self._lock:
                    self._live = None

    def _emit(self, messages: list[Message], audience: str | None) -> None:
        self._call(self.publish, messages, audience)

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        """Run ``fn(*args)`` on the event loop."""
        try:
            self.loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop is closed: the server is going away
            pass

    def _new_live(self, run: Run) -> Live:
        types = {n: spec.get("type", "") for n, spec in run.workflow["nodes"].items()}
        outputs = {n for n, t in types.items() if (d := self.engine.registry.get(t)) is not None and d.output}
        messages = RunMessages(
            run.id,
            types,
            outputs,
            self.roots,
            preview_interval=self.preview_interval,
            preview_max_side=self.preview_max_side,
            scratch=self.engine.temp_root / run.id,
        )
        return Live(run, threading.Event(), messages)

    def _execute(self, live: Live) -> None:
        run = live.run
        self._call(self.queue_changed)
        status, result = self._engine_run(live)
        if status == Status.CANCELLED and self._stopping:
            status = Status.INTERRUPTED
        with live.lock:
            nodes = {n: dict(s) for n, s in live.nodes.items()}
        self.store.finish(run.id, status, result, nodes)
        with self._lock:
            self._live = None
        # Only now that the record is final do clients hear that the run ended: a client that
        # fetches the history on "executing: null" must find it there.
        final = live.final or Event("run_finished", run.id, None, {})
        self._emit(
            live.messages.translate("run_finished", None, {**final.data, "status": status}, final.time), run.client_id
        )
        self._call(self.queue_changed)

    def _engine_run(self, live: Live) -> tuple[str, dict[str, Any]]:
        run = live.run
        try:
            workflow = Workflow.from_json(run.workflow)
            result = self.runner.run(
                workflow,
                targets=run.targets,
                run_id=run.id,
                on_event=lambda e: self._on_event(live, e),
                cancel=live.cancel,
                embed=comfy_embed(run.workflow, run.extra, self.engine.registry),
            )
        except WorkflowInvalid as exc:
            errors = [p.to_json() for p in exc.problems]
            self._on_event(
                live,
                Event(
                    "run_finished",
                    run.id,
                    None,
                    {
                        "status": Status.FAILED,
                        "errors": errors,
                        "error": {"type": "WorkflowInvalid", "message": str(exc)},
                    },
                ),
            )
            return Status.FAILED, {"status": Status.FAILED, "errors": errors}
        except Exception as exc:  # an engine failure fails this run, not the server
            log.exception("run %s failed in the engine", run.id)
            error = {"type": type(exc).__name__, "message": str(exc) or type(exc).__name__}
            self._on_event(live, Event("run_finished", run.id, None, {"status": Status.FAILED, "error": error}))
            return Status.FAILED, {"status": Status.FAILED, "error": error}
        record = result.to_json()
        for node, previews in live.previews.items():
            if outputs := record["nodes"].get(node, {}).get("outputs"):
                record["nodes"][node]["outputs"] = {n: {**s, **previews.get(n, {})} for n, s in outputs.items()}
        record["files"] = live.messages.files
        record["ui"] = live.messages.ui
        return result.status, record

    def _on_event(self, live: Live, event: Event) -> None:
        """Called from engine threads: update live state, translate, hand to the loop. The end
        of the run is announced by :meth:`_execute` once it is recorded."""
        if event.type in FINISHED and event.node is not None:
            event = self._with_previews(live, event)
        self._track(live, event)
        if event.type == "run_finished":
            live.final = event
            return
        messages = live.messages.translate(event.type, event.node, event.data, event.time)
        self._emit(messages, live.run.client_id)

    def _with_previews(self, live: Live, event: Event) -> Event:
        """The event with ``preview_url``, ``preview_size`` [w, h] and ``preview_tiles`` on the
        summary of each output that has a thumbnail (by socket type: FRAMES, IMAGE). This runs on
        the engine's scheduling thread before the node's consumers start, so a lazy producer is
        not read from two threads at once; it costs at most 8 frame reads per output."""
        definition = self.engine.registry.get(event.data.get("type", ""))
        values = event.data.get("values") or {}
        if self.thumbnails is None or definition is None or not values:
            return event
        outputs = dict(event.data.get("outputs") or {})
        for name, value in values.items():
            output = definition.outputs.get(name)
            thumb = self.thumbnails.make(output.type, value) if output is not None else None
            ref = file_ref(thumb.path, self.roots) if thumb is not None else None
            if thumb is None or ref is None or event.node is None or not isinstance(outputs.get(name), dict):
                continue
            keys = {
                "preview_url": ref["url"],
                "preview_size": [thumb.width, thumb.height],
                "preview_tiles": thumb.tiles,
            }
            outputs[name] = {**outputs[name], **keys}
            live.previews.setdefault(event.node, {})[name] = keys
        return replace(event, data={**event.data, "outputs": outputs})

    def _track(self, live: Live, event: Event) -> None:
        data, node = event.data, event.node
        with live.lock:
            if event.type == "run_started":
                for n in data.get("nodes", []):
                    live.nodes[n] = {
                        "type": live.run.workflow["nodes"].get(n, {}).get("type"),
                        "status": Status.PENDING,
                    }
                return
            if event.type == "run_finished":
                for n, final in (data.get("nodes") or {}).items():
                    if n in live.nodes and isinstance(final, dict):
                        live.nodes[n].update(final)
                return
            if node is None or node not in live.nodes:
                return
            state = live.nodes[node]
            if event.type == "node_progress":
                state["progress"] = [data.get("done"), data.get("total")]
                return
            state["status"] = EVENT_STATUS.get(event.type, state["status"])
            if event.type == "node_started":
                state["started"] = event.time
            if "seconds" in data:
                state["seconds"] = data["seconds"]
            if event.type == "node_failed":
                state["error"] = {**(data.get("error") or {}), "input": data.get("input")}
            if event.type == "node_skipped":
                state["reason"] = data.get("reason")
            snapshot = {n: dict(s) for n, s in live.nodes.items()}
        self.store.set_nodes(live.run.id, snapshot)
