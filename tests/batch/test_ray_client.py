"""``batch --executor ray --ray-address ray://HOST:PORT``: Ray Client (the cluster's client
server, ``grpcio`` from ray's ``client`` extra) on the session's real cluster, with its token auth.
The CLI runs in a subprocess: this test process is a plain driver of the same cluster already."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, STUBS, assert_capped_to_one_thread, read_results, threads_workflow, write_workflow

pytestmark = pytest.mark.slow


def test_a_batch_runs_through_ray_client(tmp_path: Path, ray_client_address: str) -> None:
    wf = write_workflow(tmp_path / "threads.json", threads_workflow())
    out = tmp_path / "out"
    env = {**os.environ, "REELGRAPH_EXTRA_NODES": STUBS, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "main.py", "batch", str(wf), "--seeds", "1-3", "--executor", "ray"]
    cmd += ["--ray-address", ray_client_address, "-o", str(out), "-q", "--no-disk-cache"]
    done = subprocess.run(cmd, check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    records = read_results(out)
    assert len(records) == 3
    assert_capped_to_one_thread(out, records)  # every variant done, on the cluster's workers


def test_a_client_server_that_fails_to_start_is_retried_and_other_errors_are_not(monkeypatch) -> None:
    """Ray's proxier can fail to start a client's server on a loaded machine (it raced a process
    that had already exited) while the next connection's start succeeds: ``connect`` tries again
    for that failure only. ``ray.init`` is replaced here so the failure happens on demand; the
    real Ray Client path is the test above."""
    import socket

    import ray

    from server.batch import cluster

    listener = socket.create_server(("127.0.0.1", 0))  # the TCP probe finds a listener
    address = f"ray://127.0.0.1:{listener.getsockname()[1]}"
    calls: list[str] = []

    def init(**kwargs) -> None:
        calls.append(kwargs["address"])
        if len(calls) == 1:
            raise ConnectionAbortedError(f"{cluster.SERVER_START_FAILED}: psutil.ZombieProcess ...")

    monkeypatch.setattr(ray, "init", init)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "shutdown", lambda: None)
    try:
        assert cluster.connect(address) is True
        assert calls == [address, address]

        calls.clear()
        monkeypatch.setattr(ray, "init", lambda **kw: (calls.append(kw["address"]), _refuse())[1])
        with pytest.raises(cluster.ClusterUnreachable, match="token"):
            cluster.connect(address)
        assert calls == [address], "an error that is not the server's start failure is not retried"
    finally:
        listener.close()


def _refuse() -> None:
    raise ConnectionError("the cluster refused the token")
