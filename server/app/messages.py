"""Engine events → websocket messages, for our editor and for ComfyUI clients at once.

One :class:`RunMessages` per run turns each engine event into a few :class:`Message` s:

* ``native``: ``{"type": event type, "data": {run_id, node, time, ...event data}}`` (DESIGN §5);
* ``comfy``: the messages ComfyUI clients read (``execution_start``, ``executing`` with
  ``node: null`` when done, ``progress``, ``executed`` with ``output.images``, ...);
* ``binary``: preview frames in ComfyUI's format (4-byte big-endian type 1 = preview image,
  4-byte format 1 = JPEG, then the JPEG), throttled per node.

The translation is plain data in, data out; the worker calls it from engine threads and
hands the result to the event loop.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from server.engine import jsondoc
from server.engine.events import IN_PROCESS

from .thumbnails import as_rgb8, encode_jpeg, resize

PREVIEW_IMAGE, JPEG = 1, 1
Kind = Literal["native", "comfy", "binary"]


@dataclass(frozen=True)
class Message:
    kind: Kind
    payload: str | bytes


def native(type_: str, data: dict[str, Any]) -> Message:
    return Message("native", jsondoc.dumps({"type": type_, "data": data}, default=str))


def comfy(type_: str, data: dict[str, Any]) -> Message:
    return Message("comfy", jsondoc.dumps({"type": type_, "data": data}, default=str))


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


# -- output files ----------------------------------------------------------------------
def file_refs(outputs: Any, roots: dict[str, Path], scratch: Path | None = None) -> list[dict[str, Any]]:
    """Every file named by ``path`` in output summaries, as ``{filename, subfolder, type, url}``
    relative to one of ``roots`` ({"output": dir, "temp": dir}); files elsewhere are left out,
    and so are files in ``scratch`` (the engine's per-run folder, deleted when the run ends)."""
    refs = []
    for path, summary in _paths(outputs):
        if file_ref(path, roots) is None or (scratch is not None and path.resolve().is_relative_to(scratch.resolve())):
            continue  # not ours to serve, or gone after the run (and a folder elsewhere is never listed)
        for file in sorted(path.iterdir())[:200] if path.is_dir() else [path]:
            ref = file_ref(file, roots)
            if ref is not None:
                if "media_type" in summary:
                    ref["media_type"] = summary["media_type"]
                refs.append(ref)
    return refs


def file_ref(path: Path, roots: dict[str, Path]) -> dict[str, Any] | None:
    for kind, root in roots.items():
        try:
            rel = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue
        subfolder = rel.parent.as_posix()
        subfolder = "" if subfolder == "." else subfolder
        return {
            "filename": rel.name,
            "subfolder": subfolder,
            "type": kind,
            "url": f"/api/files/{kind}/{rel.as_posix()}",
        }
    return None


def _paths(value: Any) -> Iterator[tuple[Path, dict]]:
    if isinstance(value, dict):
        if isinstance(value.get("path"), str):
            yield Path(value["path"]), value
        for v in value.values():
            if isinstance(v, dict | list):
                yield from _paths(v)
    elif isinstance(value, list):
        for v in value:
            yield from _paths(v)


def comfy_output(outputs: dict[str, Any], files: list[dict[str, Any]]) -> dict[str, Any]:
    """A node's result in ComfyUI's ``executed.output`` / history shape."""
    ui: dict[str, Any] = {}
    if files:
        ui["images"] = [{k: f[k] for k in ("filename", "subfolder", "type")} for f in files]
        if any(str(f.get("media_type", "")).startswith("video") for f in files):
            ui["animated"] = [True]
    texts = [v for v in outputs.values() if isinstance(v, str)]
    if texts:
        ui["text"] = texts
    return ui


# -- previews --------------------------------------------------------------------------
def encode_preview(image: Any, max_side: int) -> bytes | None:
    """A preview array (H×W×3 uint8; grey, RGBA and 0..1 floats tolerated) as a ComfyUI binary
    preview frame; None when it is not a picture."""
    rgb = as_rgb8(image)
    if rgb is None:
        return None
    h, w = rgb.shape[:2]
    if max(h, w) > max_side:
        f = max_side / max(h, w)
        rgb = resize(rgb, max(1, round(w * f)), max(1, round(h * f)))
    try:
        return struct.pack(">II", PREVIEW_IMAGE, JPEG) + encode_jpeg(rgb)
    except ValueError:
        return None


# -- one run ---------------------------------------------------------------------------
class RunMessages:
    """The messages for one run's events, keeping what ComfyUI's messages need across events
    (nodes executed so far, whether an error was already reported)."""

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
        self.node_types = node_types
        self.output_nodes = output_nodes
        self.roots = roots
        self.preview_interval = preview_interval
        self.preview_max_side = preview_max_side
        self.scratch = scratch
        self.executed: list[str] = []
        self.running: list[str] = []
        self.files: dict[str, list[dict[str, Any]]] = {}
        self.ui: dict[str, dict[str, Any]] = {}
        self.error_sent = False
        self.progress: dict[str, dict[str, Any]] = {}
        self._last_preview: dict[str, float] = {}
        self._lock = threading.Lock()

    def translate(self, type_: str, node: str | None, data: dict[str, Any], at: float) -> list[Message]:
        with self._lock:
            handler = getattr(self, f"_on_{type_}", None)
            extra, comfy_messages = handler(node, data, at) if handler else ({}, [])
        body = {k: v for k, v in data.items() if k not in IN_PROCESS.get(type_, ())}
        out = [native(type_, {"run_id": self.run_id, "node": node, "time": at, **body, **extra})]
        return out + comfy_messages

    def _ms(self, at: float) -> int:
        return int(at * 1000)

    def _on_run_started(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        return {}, [comfy("execution_start", {"prompt_id": self.run_id, "timestamp": self._ms(at)})]

    def _progress_state(self, node: str | None, state: str, value: float = 0, total: float = 1) -> Message | None:
        """ComfyUI's ``progress_state``: the run's running and failed nodes (and ``node``), with
        ``state`` running|finished|error; the ComfyUI frontend highlights nodes from it. A finished
        node is reported once and then dropped, so on a 20,000-node graph the message stays small."""
        if node is None:
            return None
        self.progress[node] = {
            "value": value,
            "max": total,
            "state": state,
            "node_id": node,
            "prompt_id": self.run_id,
            "display_node_id": node,
            "parent_node_id": None,
            "real_node_id": node,
        }
        nodes = dict(self.progress)
        if state == "finished":  # finished nodes leave the set: the message stays small on huge graphs
            del self.progress[node]
        return comfy("progress_state", {"prompt_id": self.run_id, "nodes": nodes})

    def _on_node_started(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        if node is not None:
            self.running.append(node)
        messages = [comfy("executing", {"node": node, "display_node": node, "prompt_id": self.run_id})]
        state = self._progress_state(node, "running", 0, 1)
        return {}, messages + ([state] if state else [])

    def _on_node_progress(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        value, total = data.get("done", 0), data.get("total", 0)
        messages = [comfy("progress", {"value": value, "max": total, "prompt_id": self.run_id, "node": node})]
        state = self._progress_state(node, "running", value, total or 1)
        if state is not None:
            messages.append(state)
        frame = self._preview(node, data.get("preview"))
        if frame is not None:
            messages.append(Message("binary", frame))
        return {"preview": frame is not None}, messages

    def _preview(self, node: str | None, image: Any) -> bytes | None:
        if image is None or node is None:
            return None
        now = time.monotonic()
        if now - self._last_preview.get(node, -1e9) < self.preview_interval:
            return None
        frame = encode_preview(image, self.preview_max_side)
        if frame is not None:
            self._last_preview[node] = now
        return frame

    def _on_node_cached(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        messages = [comfy("execution_cached", {"nodes": [node], "prompt_id": self.run_id, "timestamp": self._ms(at)})]
        return self._finished(node, data, messages)

    def _on_node_finished(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        return self._finished(node, data, [])

    def _finished(self, node: str | None, data: dict, messages: list[Message]) -> tuple[dict, list[Message]]:
        if node is None:
            return {}, messages
        self._settle(node)
        self.executed.append(node)
        state = self._progress_state(node, "finished", 1, 1)
        if state is not None:
            messages.append(state)
        outputs = data.get("outputs") or {}
        files = file_refs(outputs, self.roots, self.scratch)  # any node's files; only output nodes' reach ComfyUI
        extra: dict[str, Any] = {}
        if files:
            self.files[node] = files
            extra["files"] = files
        if node in self.output_nodes:
            ui = comfy_output(outputs, files)
            self.ui[node] = ui
            messages.append(
                comfy("executed", {"node": node, "display_node": node, "output": ui, "prompt_id": self.run_id})
            )
        return extra, messages

    def _on_node_failed(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        self.error_sent = True
        self._settle(node)
        state = self._progress_state(node, "error", 0, 1)
        return {}, ([state] if state else []) + [
            comfy("execution_error", self._error_data(node, data.get("error") or {}, at))
        ]

    def _settle(self, node: str | None) -> None:
        if node in self.running:
            self.running.remove(node)

    def _error_data(self, node: str | None, error: dict, at: float) -> dict[str, Any]:
        tb = error.get("traceback") or []
        return {
            "prompt_id": self.run_id,
            "node_id": node,
            "node_type": self.node_types.get(node or ""),
            "executed": list(self.executed),
            "exception_message": error.get("message", ""),
            "exception_type": error.get("type", ""),
            "traceback": tb.splitlines(keepends=True) if isinstance(tb, str) else list(tb),
            "current_inputs": {},
            "current_outputs": {},
            "timestamp": self._ms(at),
        }

    def _on_run_finished(self, node: str | None, data: dict, at: float) -> tuple[dict, list[Message]]:
        status, done = data.get("status"), {"prompt_id": self.run_id, "timestamp": self._ms(at)}
        messages = []
        if status == "succeeded":
            messages.append(comfy("execution_success", done))
        elif status in ("cancelled", "interrupted"):
            current = self.running[-1] if self.running else None
            messages.append(
                comfy(
                    "execution_interrupted",
                    {
                        **done,
                        "node_id": current,
                        "node_type": self.node_types.get(current or ""),
                        "executed": list(self.executed),
                    },
                )
            )
        elif not self.error_sent:
            messages.append(comfy("execution_error", self._error_data(None, data.get("error") or {}, at)))
        messages.append(comfy("executing", {"node": None, "prompt_id": self.run_id}))
        return {}, messages
