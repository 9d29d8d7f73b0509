"""Server settings: one dataclass, filled by the CLI (``python main.py serve``) or by tests."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXTRA_NODES_ENV = "REELGRAPH_EXTRA_NODES"


@dataclass(frozen=True)
class Limits:
    """Sizes and rates that keep one request or one client from hurting the others."""

    max_body: int = 16 << 20  # a JSON request body (a workflow) in bytes
    max_upload: int = 512 << 20  # one uploaded file in bytes
    max_ws_message: int = 64 << 10  # what a websocket client may send us in one message
    ws_queue: int = 20_000  # messages waiting for one slow websocket client before it is dropped
    preview_interval: float = 0.1  # seconds between two preview frames of the same node (≤ 10/s)
    preview_max_side: int = 512  # previews are downscaled to fit this many pixels
    history_page: int = 200  # default page size of history listings


def _extra_nodes_from_env() -> tuple[str, ...]:
    return tuple(m.strip() for m in os.environ.get(EXTRA_NODES_ENV, "").split(",") if m.strip())


@dataclass(frozen=True)
class Config:
    """Where the server listens and keeps its files.

    ``data_dir`` holds the SQLite queue/history (``reelgraph.db``), the workflow library
    (``workflows/``), the ComfyUI frontend's user files (``user/``), uploads (``input/``), scratch space (``temp/``) and persisted results (``results/``). ``extra_nodes``
    names extra node modules to register (tests use it for stub nodes); by default it comes
    from the ``REELGRAPH_EXTRA_NODES`` environment variable (comma-separated module names).
    """

    host: str = "127.0.0.1"
    port: int = 8188
    token: str | None = None
    data_dir: Path = Path("data")
    output_dir: Path = Path("output")
    web_dir: Path = REPO / "web"
    examples_dir: Path = REPO / "workflows"
    limits: Limits = field(default_factory=Limits)
    extra_nodes: tuple[str, ...] = field(default_factory=_extra_nodes_from_env)
    cache_bytes: int = 2 << 30
    cpu_workers: int = 2
    frontend: str = "reelgraph"  # the editor at "/": "reelgraph" or "comfyui" (ours then moves to /reelgraph/)
    ray_address: str | None = None  # queued runs execute on this Ray cluster (server/app/remote.py)

    @property
    def db_path(self) -> Path:
        return Path(self.data_dir) / "reelgraph.db"

    @property
    def library_dir(self) -> Path:
        return Path(self.data_dir) / "workflows"

    @property
    def input_dir(self) -> Path:
        return Path(self.data_dir) / "input"

    @property
    def temp_dir(self) -> Path:
        return Path(self.data_dir) / "temp"

    @property
    def results_dir(self) -> Path:
        """Persisted results of expensive nodes (diffusion), kept across restarts."""
        return Path(self.data_dir) / "results"

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'; anything else is reachable from outside."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
