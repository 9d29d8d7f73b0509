"""``batch --executor local``: a real process pool running stub variants — results, contact
sheet, resume by content key, retries, and a variant that fails validation while others run."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import av
import numpy as np
from rich.console import Console

from server.batch.progress import BatchProgress
from server.cli import main

from .conftest import (
    REPO,
    STUBS,
    assert_capped_to_one_thread,
    gate_workflow,
    partial_files,
    pids,
    read_results,
    threads_workflow,
    wait_for,
    write_workflow,
)


def _batch(tmp_path: Path, *extra: str, **params) -> int:
    (tmp_path / "open").touch()  # the gates let every variant through
    wf = write_workflow(tmp_path / "gate.json", gate_workflow(tmp_path, **params))
    return main(["batch", str(wf), "-o", str(tmp_path / "out"), "--workers", "2", "--no-disk-cache", "-q", *extra])


def test_pool_processes_cap_their_threads(tmp_path: Path, extra_nodes: str) -> None:
    wf = write_workflow(tmp_path / "threads.json", threads_workflow())
    out = tmp_path / "out"
    assert main(["batch", str(wf), "--seeds", "1-2", "-o", str(out), "--workers", "2", "--no-disk-cache", "-q"]) == 0
    assert_capped_to_one_thread(out, read_results(out))


def test_capped_workers_render_what_run_renders(tmp_path: Path) -> None:
    """One thread per pool process and the results shared between variants change nothing in the
    pictures or the sound: the H.264 packets and the decoded audio equal those of `main.py run`."""
    small = ["--set", "animatic.width=128", "--set", "animatic.height=72", "--set", "shots.duration=1"]
    wf = str(REPO / "workflows" / "tokyo_walk.json")
    assert main(["batch", wf, "--seeds", "2-3", "--workers", "1", "-o", str(tmp_path / "b"), "-q", *small]) == 0
    seeds = [arg for node in ("animatic", "effects", "music") for arg in ("--set", f"{node}.seed=3")]
    assert main(["run", wf, "-o", str(tmp_path / "r"), "-q", "--no-disk-cache", *small, *seeds]) == 0
    second = read_results(tmp_path / "b")[1]
    assert second["worker"]["threads"] == 1 and second["nodes"]["scene"]["cached"]
    [batch_mp4] = [tmp_path / "b" / f for f in second["outputs"] if f.endswith(".mp4")]
    [run_mp4] = (tmp_path / "r").glob("*.mp4")
    assert _media(batch_mp4) == _media(run_mp4)


def _media(path: Path) -> tuple[list[bytes], bytes]:
    with av.open(str(path)) as container:
        packets = [bytes(p) for p in container.demux(container.streams.video[0]) if p.size]
    with av.open(str(path)) as container:
        sound = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=-1).tobytes()
    assert len(packets) >= 24 and len(sound) > 0
    return packets, sound


def test_runs_resumes_and_writes_the_sheet(tmp_path: Path, extra_nodes: str) -> None:
    assert _batch(tmp_path, "--seeds", "1-3") == 0
    out = tmp_path / "out"
    records = read_results(out)
    assert [r["variant"] for r in records] == [1, 2, 3]
    assert {r["status"] for r in records} == {"succeeded"}
    for r in records:
        assert (out / r["folder"] / f"gate_{r['params']['seed']}.txt").is_file()
        assert r["outputs"] == [f"{r['folder']}/gate_{r['params']['seed']}.txt"]
        assert r["nodes"]["gate"]["status"] == "succeeded"
        assert r["worker"]["resources"] == {"CPU": 1.0}
    page = (out / "index.html").read_text()
    assert page.count('class="card succeeded"') == 3 and "3 succeeded" in page
    # the same batch again: nothing re-runs (each gate wrote its pid once)
    assert _batch(tmp_path, "--seeds", "1-3") == 0
    assert all(len((tmp_path / f"{s}.pid").read_text().split()) == 1 for s in (1, 2, 3))
    assert read_results(out) == records
    # one more seed: only the new one runs
    assert _batch(tmp_path, "--seeds", "1-4") == 0
    assert [len((tmp_path / f"{s}.pid").read_text().split()) for s in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert partial_files(out) == []


def test_retries_and_resume_of_failed_variants(tmp_path: Path, extra_nodes: str) -> None:
    # fails twice; one retry is not enough, so the batch reports it and exits 1
    assert _batch(tmp_path, "--seeds", "5", "--retries", "1", fail_until=2) == 1
    [record] = read_results(tmp_path / "out")
    assert record["status"] == "failed" and record["attempt"] == 2
    assert "attempt 2 fails on purpose" in record["error"]["message"]
    assert "attempt 2 fails on purpose" in (tmp_path / "out" / "index.html").read_text()
    # running the batch again retries the failed variant, which now gets through
    assert _batch(tmp_path, "--seeds", "5", "--retries", "1", fail_until=2) == 0
    [record] = read_results(tmp_path / "out")
    assert record["status"] == "succeeded" and record["attempt"] == 1
    assert len((tmp_path / "5.pid").read_text().split()) == 3


def test_an_invalid_variant_is_reported_and_the_others_run(tmp_path: Path, extra_nodes: str) -> None:
    assert _batch(tmp_path, "--vary", "gate.seed=1,-4,2") == 1
    records = read_results(tmp_path / "out")
    assert [r["status"] for r in records] == ["succeeded", "invalid", "succeeded"]
    problem = records[1]["problems"][0]
    assert problem["node"] == "gate" and problem["name"] == "seed" and "≥ 0" in problem["message"]
    assert not (tmp_path / "out" / records[1]["folder"]).exists()
    assert 'class="card invalid"' in (tmp_path / "out" / "index.html").read_text()


def test_sigterm_cancels_pool_variants_and_leaves_no_partials(tmp_path: Path) -> None:
    wf = write_workflow(tmp_path / "gate.json", gate_workflow(tmp_path))
    out = tmp_path / "out"
    env = {**os.environ, "REELGRAPH_EXTRA_NODES": STUBS, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "main.py", "batch", str(wf), "--seeds", "1-3", "--workers", "2", "-o", str(out)]
    proc = subprocess.Popen([*cmd, "--no-disk-cache"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(partial_files(out)) == 2, what="two variants to be mid-write")
        proc.send_signal(signal.SIGTERM)  # as Ctrl-C: cancel, clean up, exit 1
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    records = read_results(out)
    assert [r["status"] for r in records] == ["cancelled"] * 3
    assert [r["nodes"]["gate"]["status"] for r in records[:2]] == ["cancelled", "cancelled"]  # stopped in the pool
    assert partial_files(out) == [] and not (tmp_path / "3.pid").exists()


def test_progress_reports_failures_and_counts() -> None:
    console = Console(file=io.StringIO(), width=120)  # not a terminal: one line per finished variant
    progress = BatchProgress(3, console=console)
    with progress:
        progress.skipped(1)
        progress.set_running(2)
        progress.finished({"variant": 2, "folder": "v0002", "status": "succeeded", "seconds": 1.5}, final=True)
        failed = {"variant": 3, "folder": "v0003", "status": "failed", "error": {"message": "animatic: boom"}}
        progress.finished(failed, final=False)
        progress.finished(failed, final=True)
    text = console.file.getvalue()
    assert "resuming: 1 variant(s) already finished" in text
    assert "✓ #2 v0002 1.5s" in text
    assert "✗ #3 v0003 failed (retrying): animatic: boom" in text and "✗ #3 v0003 failed: animatic: boom" in text
    assert (progress.done, progress.failed, progress.running) == (2, 1, 2)


def test_prompts_file_times_vary(tmp_path: Path, extra_nodes: str) -> None:
    (tmp_path / "open").touch()
    doc = gate_workflow(tmp_path)
    doc["nodes"]["prompt"] = {"type": "text.prompt", "params": {"text": "unused"}}
    wf = write_workflow(tmp_path / "prompted.json", doc)
    (tmp_path / "prompts.txt").write_text("A red fox in snow\n# skipped\nA boy flies a kite\n")
    args = ["batch", str(wf), "--prompts", str(tmp_path / "prompts.txt"), "--vary", "gate.seed=1,2"]
    assert main([*args, "-o", str(tmp_path / "out"), "--no-disk-cache", "-q"]) == 0
    assert [r["params"] for r in read_results(tmp_path / "out")] == [
        {"gate.seed": s, "prompt.text": p} for s in (1, 2) for p in ("A red fox in snow", "A boy flies a kite")
    ]


def test_a_killed_pool_process_does_not_lose_its_variant(tmp_path: Path, extra_nodes: str) -> None:
    wf = write_workflow(tmp_path / "gate.json", gate_workflow(tmp_path))
    out = tmp_path / "out"
    codes: list[int] = []
    args = ["batch", str(wf), "--seeds", "1-2", "--workers", "2", "-o", str(out), "-q", "--no-disk-cache"]
    batch = threading.Thread(target=lambda: codes.append(main(args)))
    batch.start()
    try:
        wait_for(lambda: pids(tmp_path / "1.pid"), what="variant 1 to start")  # written, not just created
        victim = pids(tmp_path / "1.pid")[0]
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(pids(tmp_path / "1.pid")) == 2, what="variant 1 to run again")
    finally:
        (tmp_path / "open").touch()
        batch.join(120)
    records = read_results(out)
    assert [r["status"] for r in records] == ["succeeded", "succeeded"], [r.get("error") for r in records]
    assert codes == [0]
    assert records[0]["worker"]["pid"] != victim
    assert partial_files(out) == []
