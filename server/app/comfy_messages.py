"""The ComfyUI websocket protocol for one run: the messages ComfyUI clients read
(``execution_start``, ``executing`` with ``node: null`` when done, ``progress``,
``progress_state``, ``executed`` with ``output.images``, ``execution_error``, ...), kept
apart from our native protocol (:mod:`.messages`) and the binary preview frames
(:mod:`.previews`)."""

from __future__ import annotations

from typing import Any

from server.engine import jsondoc
from server.engine.status import Status

from .message import Message


def comfy(type_: str, data: dict[str, Any]) -> Message:
    return Message("comfy", jsondoc.dumps({"type": type_, "data": data}, default=str))


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


class ComfyRun:
    """Translates one run's events, keeping what ComfyUI's messages need across events
    (nodes executed so far, the running ones, whether an error was already reported)."""

    def __init__(self, run_id: str, node_types: dict[str, str], output_nodes: set[str]) -> None:
        self.run_id = run_id
        self.node_types = node_types
        self.output_nodes = output_nodes
        self.executed: list[str] = []
        self.running: list[str] = []
        self.ui: dict[str, dict[str, Any]] = {}
        self.error_sent = False
        self.progress: dict[str, dict[str, Any]] = {}

    def translate(
        self, type_: str, node: str | None, data: dict[str, Any], at: float, files: list[dict[str, Any]]
    ) -> list[Message]:
        """The ComfyUI messages for one event; ``files``: the node's output files, if any."""
        ms = int(at * 1000)
        if type_ == "run_started":
            return [comfy("execution_start", {"prompt_id": self.run_id, "timestamp": ms})]
        if type_ == "node_started":
            if node is not None:
                self.running.append(node)
            messages = [comfy("executing", {"node": node, "display_node": node, "prompt_id": self.run_id})]
            return messages + self._state(node, "running", 0, 1)
        if type_ == "node_progress":
            value, total = data.get("done", 0), data.get("total", 0)
            messages = [comfy("progress", {"value": value, "max": total, "prompt_id": self.run_id, "node": node})]
            return messages + self._state(node, "running", value, total or 1)
        if type_ == "node_cached":
            cached = comfy("execution_cached", {"nodes": [node], "prompt_id": self.run_id, "timestamp": ms})
            return [cached, *self._finished(node, data, files)]
        if type_ == "node_finished":
            return self._finished(node, data, files)
        if type_ == "node_failed":
            self.error_sent = True
            self._settle(node)
            error = comfy("execution_error", self._error_data(node, data.get("error") or {}, ms))
            return [*self._state(node, "error", 0, 1), error]
        if type_ == "run_finished":
            return self._run_finished(data, ms)
        return []

    def _state(self, node: str | None, state: str, value: float = 0, total: float = 1) -> list[Message]:
        """ComfyUI's ``progress_state``: the run's running and failed nodes (and ``node``), with
        ``state`` running|finished|error; the ComfyUI frontend highlights nodes from it. A finished
        node is reported once and then dropped, so on a 20,000-node graph the message stays small."""
        if node is None:
            return []
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
        if state == "finished":
            del self.progress[node]
        return [comfy("progress_state", {"prompt_id": self.run_id, "nodes": nodes})]

    def _finished(self, node: str | None, data: dict[str, Any], files: list[dict[str, Any]]) -> list[Message]:
        if node is None:
            return []
        self._settle(node)
        self.executed.append(node)
        messages = self._state(node, "finished", 1, 1)
        if node in self.output_nodes:
            ui = comfy_output(data.get("outputs") or {}, files)
            self.ui[node] = ui
            messages.append(
                comfy("executed", {"node": node, "display_node": node, "output": ui, "prompt_id": self.run_id})
            )
        return messages

    def _settle(self, node: str | None) -> None:
        if node in self.running:
            self.running.remove(node)

    def _error_data(self, node: str | None, error: dict[str, Any], ms: int) -> dict[str, Any]:
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
            "timestamp": ms,
        }

    def _run_finished(self, data: dict[str, Any], ms: int) -> list[Message]:
        status, done = data.get("status"), {"prompt_id": self.run_id, "timestamp": ms}
        messages = []
        if status == Status.SUCCEEDED:
            messages.append(comfy("execution_success", done))
        elif status in (Status.CANCELLED, Status.INTERRUPTED):
            current = self.running[-1] if self.running else None
            interrupted = {
                **done,
                "node_id": current,
                "node_type": self.node_types.get(current or ""),
                "executed": list(self.executed),
            }
            messages.append(comfy("execution_interrupted", interrupted))
        elif not self.error_sent:
            messages.append(comfy("execution_error", self._error_data(None, data.get("error") or {}, ms)))
        messages.append(comfy("executing", {"node": None, "prompt_id": self.run_id}))
        return messages
