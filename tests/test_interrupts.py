"""Ctrl-C, SIGTERM and kill -9, sent for real to real processes (``main.py run`` and ``main.py serve``).

A cancelled run prints "cancelled" and its summary table, exits 1 and leaves no partial file and
no scratch folder; a third Ctrl-C forces an exit that still removes the partial files; after a
kill -9 the partial file stays only until the next start, and is never served meanwhile.

Synchronisation is by condition, not by time: the stub node ``test.hold_partial`` writes a
marker file once its partial file exists, and the tests wait for that marker.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.server.process import Process

ROOT = Path(__file__).resolve().parents[1]
EXTRA = "tests.partial_nodes,tests.stub_nodes"


def wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def partial_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".reelgraph-*.part")] if folder.exists() else []


def start_cli(tmp_path: Path, workflow: Path, *extra: str) -> subprocess.Popen:
    """``main.py run`` in its own process group, with SIGINT at its default even when the test
    runner ignores it (background jobs), and its temp folder under ``tmp_path``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REELGRAPH_EXTRA_NODES": EXTRA,
        "TMPDIR": str(tmp_path / "tmp"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    (tmp_path / "tmp").mkdir(exist_ok=True)

    def child_setup() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()

    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "run", str(workflow), "-o", str(tmp_path / "out"), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=child_setup,  # noqa: PLW1509 - async-signal-safe calls only
    )


def hold_workflow(tmp_path: Path, *, stubborn: bool = False) -> tuple[Path, Path]:
    marker = tmp_path / "marker.txt"
    params = {"marker": str(marker), "stubborn": stubborn}
    doc = {
        "format": "reelgraph.workflow",
        "version": 1,
        "nodes": {"hold": {"type": "test.hold_partial", "params": params}},
        "links": [],
    }
    path = tmp_path / "hold.json"
    path.write_text(json.dumps(doc))
    return path, marker


def scratch_folders(tmp_path: Path) -> list[Path]:
    root = tmp_path / "tmp" / "reelgraph"
    return list(root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(
    ("signals", "name"),
    [([signal.SIGINT], "ctrl-c"), ([signal.SIGINT, signal.SIGINT], "ctrl-c twice"), ([signal.SIGTERM], "sigterm")],
)
def test_cancel_prints_the_summary_exits_1_and_leaves_nothing_behind(tmp_path, signals, name):
    workflow, marker = hold_workflow(tmp_path)
    proc = start_cli(tmp_path, workflow)
    try:
        part = Path(wait_for(lambda: marker.exists() and marker.read_text(), "the partial file"))
        assert part.exists() and part.parent == tmp_path / "out"
        for sig in signals:
            os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    assert "cancelled" in err
    assert "hold" in err and "test.hold_partial" in err  # the summary table
    assert "Traceback" not in err and "internal error" not in err and "terminate called" not in err
    assert partial_files(tmp_path / "out") == []
    assert scratch_folders(tmp_path) == []


def test_a_node_that_ignores_cancel_is_left_on_the_third_ctrl_c_without_partial_files(tmp_path):
    workflow, marker = hold_workflow(tmp_path, stubborn=True)
    proc = start_cli(tmp_path, workflow)
    try:
        wait_for(lambda: marker.exists() and marker.read_text(), "the partial file")
        said = []
        for expected in ("cancelling", "still cancelling"):
            os.killpg(proc.pid, signal.SIGINT)
            said.append(wait_for(lambda e=expected: next_line_with(proc, e), f"'{expected}' on stderr"))
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "forced quit" in err and "Traceback" not in err
    assert partial_files(tmp_path / "out") == []


def next_line_with(proc: subprocess.Popen, text: str) -> str | None:
    line = proc.stderr.readline()
    return line if text in line else None


def test_after_a_kill_9_the_next_run_sweeps_the_partial_file_and_the_scratch_folder(tmp_path):
    workflow, marker = hold_workflow(tmp_path)
    proc = start_cli(tmp_path, workflow)
    try:
        part = Path(wait_for(lambda: marker.exists() and marker.read_text(), "the partial file"))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert part.exists() and len(scratch_folders(tmp_path)) == 1  # what a crash leaves

    quick = tmp_path / "quick.json"
    quick.write_text(
        json.dumps({"format": "reelgraph.workflow", "version": 1, "nodes": {"n": {"type": "srv.number"}}, "links": []})
    )
    again = start_cli(tmp_path, quick, "--only", "n")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert partial_files(tmp_path / "out") == [] and scratch_folders(tmp_path) == []


@pytest.mark.slow
def test_ctrl_c_during_a_real_tokyo_encode(tmp_path):
    """The acceptance case: the Tokyo render, Ctrl-C once the encoder has its partial file."""
    proc = start_cli(tmp_path, ROOT / "workflows" / "tokyo_walk.json", "--no-disk-cache")
    out = tmp_path / "out"
    try:
        wait_for(lambda: partial_files(out), "the encoder's partial file", timeout=240)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    assert "cancelled" in err and "encode.video" in err
    assert "Traceback" not in err and "internal error" not in err
    assert partial_files(out) == []
    assert not list(out.glob("*.mp4"))
    assert scratch_folders(tmp_path) == []


# -- the server: kill -9 while a partial file exists -------------------------------------------
def request(base: str, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    return status, json.loads(raw)


def test_kill_9_leaves_a_partial_file_that_is_never_served_and_swept_at_restart(tmp_path):
    marker = tmp_path / "marker.txt"
    doc = {
        "format": "reelgraph.workflow",
        "version": 1,
        "nodes": {"hold": {"type": "test.hold_partial", "params": {"marker": str(marker)}}},
        "links": [],
    }
    data, out = tmp_path / "data", tmp_path / "out"
    first = Process(data, out, extra_nodes=EXTRA)
    try:
        base = asyncio.run(first.started())
        status, body = request(base, "POST", "/api/runs", {"workflow": doc})
        assert status == 200, body
        part = Path(wait_for(lambda: marker.exists() and marker.read_text(), "the partial file"))
        for path in (f"/api/files/output/{part.name}", f"/view?filename={part.name}&type=output"):
            status, _ = request(base, "GET", path)
            assert status in (400, 404), path  # never served, even while it exists
        first.kill()
    finally:
        first.stop()
    assert part.exists()  # a crash cannot clean up after itself...

    second = Process(data, out, extra_nodes=EXTRA)
    try:
        base = asyncio.run(second.started())
        assert not part.exists()  # ...so the next start does
        assert partial_files(out) == [] and partial_files(data) == []
        status, body = request(base, "GET", f"/api/runs/{body['run_id']}")
        assert status == 200 and body["status"] == "interrupted"
    finally:
        second.stop()


def test_a_sweep_never_removes_a_partial_file_that_a_live_process_holds(tmp_path):
    """Two processes may share an output folder: the sweep takes only abandoned files."""
    from server.engine.partials import partial_path, sweep

    with partial_path(tmp_path) as held:
        held.write_bytes(b"in progress")
        assert sweep(tmp_path) == []
        assert held.exists()
    abandoned = tmp_path / ".reelgraph-0123456789ab.part"
    abandoned.write_bytes(b"left by a crash")
    users_own = tmp_path / ".notes.part"
    users_own.write_bytes(b"not ours")
    assert sweep(tmp_path) == [abandoned]
    assert users_own.exists()
