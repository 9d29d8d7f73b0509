"""One real Ray cluster for the whole test session: ``ray start --head --block`` (2 CPUs and one
declared GPU, a 200 MB object store, a Ray Client server, its files under /tmp, a random auth token), stopped by
signalling that one process group at the end. The test process connects to it as a driver; CLI
subprocesses connect with ``--ray-address``."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
RAY = Path(sys.executable).with_name("ray")
STUBS = "tests.stub_nodes"
_client_port: list[int] = []  # the session head's Ray Client server port


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    port, client_port = _free_port(), _free_port()
    _client_port.append(client_port)
    temp = tempfile.mkdtemp(prefix="rg-ray-")
    # Ray listens on every interface whatever the node address, so the test cluster gets its own
    # random token; this process, its drivers and the CLI children inherit it through the environment
    # (read by Ray when it is imported: nothing in this process may have imported it yet).
    assert "ray" not in sys.modules, "a test imported ray before the session's cluster started"
    token = Path(temp) / "auth_token"
    token.write_text(secrets.token_hex(32))
    token.chmod(0o600)
    os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=str(token))
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "PYTHONPATH": str(REPO)}
    head = subprocess.Popen(
        [
            str(RAY), "start", "--head", "--block", f"--port={port}", "--node-ip-address=127.0.0.1",
            f"--ray-client-server-port={client_port}", "--num-cpus=2", "--num-gpus=1", "--include-dashboard=false",
            "--object-store-memory=200000000", f"--temp-dir={temp}", "--disable-usage-stats",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if head.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ray did not start: {head.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.2)
    try:
        yield address
    finally:
        import ray

        if ray.is_initialized():
            ray.shutdown()
        os.killpg(head.pid, signal.SIGTERM)  # the head and everything it started, nothing else
        try:
            head.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait(10)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="session")
def ray_client_address(ray_address: str) -> str:
    """The same cluster's Ray Client server (``ray://``), for drivers in other processes: this
    test process is a plain driver already and one process cannot be both. Ray Client sends the
    session's token like any driver (same environment)."""
    port = _client_port[-1]
    # the head starts its client server after the GCS the session fixture waited for
    wait_for(lambda: _listening(port), timeout=120, what="the Ray Client server to listen")
    return f"ray://127.0.0.1:{port}"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def ray_driver(ray_address: str) -> str:
    """This test process connected to the session's cluster."""
    from server.batch.cluster import connect

    connect(ray_address)
    return ray_address


@pytest.fixture
def extra_nodes(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REELGRAPH_EXTRA_NODES", STUBS)
    return STUBS


def gate_workflow(folder: Path, **params: Any) -> dict[str, Any]:
    return {
        "format": "reelgraph.workflow",
        "version": 1,
        "title": "gate",
        "nodes": {"gate": {"type": "test.gate", "params": {"folder": str(folder), **params}}},
        "links": [],
    }


def write_workflow(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc))
    return path


def wait_for(predicate: Any, timeout: float = 90.0, what: str = "condition") -> None:
    """Poll an observable condition (a file appearing), not a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def pids(path: Path) -> list[int]:
    """The pids a gate wrote, one per attempt; only whole lines (a line being written is not yet one)."""
    text = path.read_text() if path.exists() else ""
    return [int(line) for line in text.split("\n")[:-1]]


def read_results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def partial_files(root: Path) -> list[Path]:
    return [p for p in root.rglob(".reelgraph-*") if p.name.endswith(".part")]


def threads_workflow() -> dict[str, Any]:
    return {
        "format": "reelgraph.workflow",
        "version": 1,
        "title": "threads",
        "nodes": {"threads": {"type": "test.threads", "params": {}}},
        "links": [],
    }


def assert_capped_to_one_thread(out: Path, records: list[dict[str, Any]]) -> None:
    """Every variant ran in a worker whose OpenCV, BLAS/OpenMP pools and OMP_NUM_THREADS were one
    thread each (what each library reports from inside the worker), not the machine's cores."""
    assert [r["status"] for r in records] == ["succeeded"] * len(records)
    for r in records:
        seen = json.loads((out / r["folder"] / "threads.json").read_text())
        assert seen["pid"] == r["worker"]["pid"] != os.getpid()
        assert seen["opencv"] == 1 and seen["blas_openmp"] in ([1], []) and seen["omp_env"] == "1", seen
        assert r["worker"]["threads"] == 1
