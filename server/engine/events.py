"""Run events: the only way anything leaves the engine.

Listeners are plain callables. They are called from engine threads, so a listener that
touches an event loop or a UI must hand the event over thread-safely.
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


@dataclass(frozen=True)
class Event:
    type: str
    run_id: str
    node: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        data = self.data
        if self.type == "node_progress":  # the preview is an array, sent separately as binary
            data = {k: v for k, v in data.items() if k != "preview"}
        return {"type": self.type, "run_id": self.run_id, "node": self.node, "data": data, "time": self.time}


EventHook = Callable[[Event], None]
