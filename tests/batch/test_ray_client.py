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
