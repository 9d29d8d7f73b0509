"""The run context a node function receives: its only window on the engine."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Cancelled
from .paths import resolve_input

ProgressHook = Callable[[float, float, Any], None]


@dataclass
class NodeContext:
    """What a running node may know and do.

    ``progress`` doubles as a cancellation point, so a node that reports progress is
    cancellable without any extra code.
    """

    node_id: str
    node_type: str
    run_id: str
    seed: int
    temp_dir: Path
    output_dir: Path
    log: logging.Logger
    models: Any = None
    workflow: dict | None = None
    # What files this node writes embed beside ``workflow`` for other editors: ComfyUI's API
    # ``prompt`` and, when the run came from the ComfyUI frontend, its graph as ``workflow``.
    embed: dict[str, Any] = field(default_factory=dict)
    # Folders whose files nodes that load media may read (uploads, outputs; the CLI's --input-dir).
    input_dirs: tuple[Path, ...] = ()
    _on_progress: ProgressHook | None = field(default=None, repr=False)
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, done: float, total: float, preview: Any = None) -> None:
        """Report ``done`` of ``total`` units; ``preview`` may be an IMAGE-like array for the UI."""
        self.check_cancelled()
        if self._on_progress is not None:
            self._on_progress(done, total, preview)

    def input_file(self, name: str, param: str) -> Path:
        """The file a parameter names, confined to :attr:`input_dirs` (see :mod:`.paths`)."""
        return resolve_input(self.input_dirs, name, param)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled(f"{self.node_id}: cancelled")
