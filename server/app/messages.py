"""Engine events → websocket messages, for our editor and for ComfyUI clients at once.

One :class:`RunMessages` per run turns each engine event into a few :class:`Message` s:

* ``native`` (this module): ``{"type": event type, "data": {run_id, node, time, ...event
  data}}``, plus ``files`` on a finished node that wrote some (see docs/DESIGN.md);
* ``comfy``: the messages ComfyUI clients read (:mod:`.comfy_messages`);
* ``binary``: preview frames in ComfyUI's format, throttled per node (:mod:`.previews`).

The translation is plain data in, data out; the worker calls it from engine threads and
hands the result to the event loop.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from server.engine import jsondoc
from server.engine.events import IN_PROCESS

from .comfy_messages import ComfyRun, comfy
from .file_refs import file_refs
from .message import Message
from .previews import PreviewThrottle


def native(type_: str, data: dict[str, Any]) -> Message:
    return Message("native", jsondoc.dumps({"type": type_, "data": data}, default=str))


def queue_messages(
    remaining: int, queued: int, running: list[str], paused: bool, sid: str | None = None
) -> list[Message]:
    """The queue's state: ComfyUI's ``status`` and our ``queue``; on a new connection both also
    tell the client its id (``sid``, ``client_id``)."""
    status: dict[str, Any] = {"status": {"exec_info": {"queue_remaining": remaining}}}
    state: dict[str, Any] = {"queued": queued, "running": running, "paused": paused}
    if sid is not None:
        status["sid"] = state["client_id"] = sid
    return [comfy("status", status), native("queue", state)]


class RunMessages:
    """The messages for one run's events: native, then ComfyUI's, then a preview frame."""

    def __init__(
        self,
        run_id: str,
        node_types: dict[str, str],
        output_nodes: set[str],
        roots: dict[str, Path],
        *,
        preview_interval: float = 0.1,
        preview_max_side: int = 512,
        scratch: Path | None = None,
    ) -> None:
        self.run_id = run_id
        self.roots = roots
        self.scratch = scratch
        self.comfy = ComfyRun(run_id, node_types, output_nodes)
        self.previews = PreviewThrottle(preview_interval, preview_max_side)
        self.files: dict[str, list[dict[str, Any]]] = {}  # by node: the files it wrote
        self._lock = threading.Lock()

    @property
    def ui(self) -> dict[str, dict[str, Any]]:
        """ComfyUI's ``output`` of each output node so far (for its history)."""
        return self.comfy.ui

    def translate(self, type_: str, node: str | None, data: dict[str, Any], at: float) -> list[Message]:
        with self._lock:
            extra: dict[str, Any] = {}
            files: list[dict[str, Any]] = []
            if type_ in ("node_finished", "node_cached") and node is not None:
                # any node's files; only output nodes' reach ComfyUI
                files = file_refs(data.get("outputs") or {}, self.roots, self.scratch)
                if files:
                    self.files[node] = extra["files"] = files
            frame = self.previews.frame(node, data.get("preview")) if type_ == "node_progress" else None
            if type_ == "node_progress":
                extra["preview"] = frame is not None
            comfy_messages = self.comfy.translate(type_, node, data, at, files)
        body = {k: v for k, v in data.items() if k not in IN_PROCESS.get(type_, ())}
        out = [native(type_, {"run_id": self.run_id, "node": node, "time": at, **body, **extra})]
        return out + comfy_messages + ([Message("binary", frame)] if frame is not None else [])
