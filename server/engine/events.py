"""Run events: the only way anything leaves the engine.

Listeners are plain callables. They are called from engine threads, so a listener that
touches an event loop or a UI must hand the event over thread-safely.

Ordering contract (relied on by the server's thumbnails, tested in tests/engine/test_events.py):
``node_finished`` and ``node_cached`` are emitted on the thread that called ``Engine.run``,
after the node's outputs exist and before any node that reads them starts. A listener may
therefore read the values it carries (draw a frame of a lazy stream) without racing a
consumer; it delays the consumers while it does. ``node_started`` and ``node_progress`` come
from whichever thread runs the node.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

EVENT_TYPES = (
    "run_started",
    "node_started",
    "node_progress",
    "node_cached",
    "node_finished",
    "node_failed",
    "node_skipped",
    "run_finished",
)

# Data keys that hold in-process values, dropped by ``Event.to_json``.
IN_PROCESS = {"node_progress": ("preview",), "node_cached": ("values",), "node_finished": ("values",)}


@dataclass(frozen=True)
class Event:
    type: str
    run_id: str
    node: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        # Arrays and live values stay in process: a progress preview (sent separately as binary)
        # and a finished node's real output values (for listeners that make thumbnails).
        data = {k: v for k, v in self.data.items() if k not in IN_PROCESS.get(self.type, ())}
        return {"type": self.type, "run_id": self.run_id, "node": self.node, "data": data, "time": self.time}


EventHook = Callable[[Event], None]
