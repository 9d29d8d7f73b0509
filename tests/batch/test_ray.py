"""``batch --executor ray`` on a real local Ray cluster: the shipped workflow, a worker killed
mid-variant, Ctrl-C, GPU workflows on GPU actors, and an address where no cluster listens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import av
import pytest
from PIL import Image

from server.cli import main

from .conftest import (
    REPO,
    STUBS,
    _free_port,
    assert_capped_to_one_thread,
    gate_workflow,
    partial_files,
    pids,
    read_results,
    threads_workflow,
    wait_for,
    write_workflow,
)

pytestmark = pytest.mark.slow


def test_unreachable_address_is_exit_2_before_anything_runs(tmp_path: Path, capsys, extra_nodes: str) -> None:
    wf = write_workflow(tmp_path / "gate.json", gate_workflow(tmp_path))
    for address in (f"127.0.0.1:{_free_port()}", f"ray://127.0.0.1:{_free_port()}"):
        code = main(["batch", str(wf), "--executor", "ray", "--ray-address", address, "-o", str(tmp_path / "out")])
        assert code == 2
        assert f"no Ray cluster at --ray-address {address}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "0.pid").exists()
    assert main(["batch", str(wf), "--executor", "ray", "--ray-address", "nonsense"]) == 2
    assert "expected auto, HOST:PORT or ray://HOST:PORT" in capsys.readouterr().err


def test_tokyo_walk_four_seeds(tmp_path: Path, ray_driver: str) -> None:
    out = tmp_path / "renders"
    small = ["--set", "animatic.width=160", "--set", "animatic.height=96", "--set", "shots.duration=1.5"]
    args = ["batch", str(REPO / "workflows" / "tokyo_walk.json"), "--seeds", "1-4", "--executor", "ray"]
    assert main([*args, "--ray-address", ray_driver, "-o", str(out), "--no-disk-cache", "-q", *small]) == 0
    records = read_results(out)
    assert [r["params"] for r in records] == [{"seed": s} for s in (1, 2, 3, 4)]
    thumbs = set()
    for r in records:
        assert r["status"] == "succeeded" and r["worker"]["resources"] == {"CPU": 1.0}
        assert r["nodes"]["video"]["status"] == "succeeded" and r["nodes"]["video"]["seconds"] > 0
        [mp4] = [f for f in r["outputs"] if f.endswith(".mp4")]
        with av.open(str(out / mp4)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert sum(1 for _ in container.decode(video=0)) >= 12
        with Image.open(out / r["thumbnail"]) as thumb:
            assert thumb.format == "JPEG" and thumb.size == (160, 96)
            assert 20 < sum(thumb.convert("L").getextrema()) / 2 < 235  # a picture, not a blank
            thumbs.add(thumb.tobytes())
    assert len(thumbs) == 4  # four seeds, four different pictures
    # each worker process works out the nodes the seeds share once, then serves them from its
    # results; the pictures an output node writes are made again in every variant's own folder
    makers = {r["worker"]["pid"] for r in records}
    assert sum(not r["nodes"]["scene"]["cached"] for r in records) <= len(makers) < 4
    assert all(r["nodes"]["shots"]["cached"] == r["nodes"]["scene"]["cached"] for r in records)
    for r in records:
        assert not r["nodes"]["understanding"]["cached"] and not r["nodes"]["animatic"]["cached"]
        assert (out / r["folder"] / "tokyo_walk" / "scene_graph.png").is_file()
    page = (out / "index.html").read_text()
    for r in records:
        assert f'src="{r["thumbnail"]}"' in page
        assert f'src="{next(f for f in r["outputs"] if f.endswith(".mp4"))}"' in page
    assert page.count("<video") == 4 and "4 succeeded" in page


def test_workers_cap_their_threads_to_their_cpus(tmp_path: Path, ray_driver: str, extra_nodes: str) -> None:
    wf = write_workflow(tmp_path / "threads.json", threads_workflow())
    out = tmp_path / "out"
    args = ["batch", str(wf), "--seeds", "1-2", "--executor", "ray", "--ray-address", ray_driver]
    assert main([*args, "-o", str(out), "-q", "--no-disk-cache"]) == 0
    assert_capped_to_one_thread(out, read_results(out))


def test_a_killed_worker_does_not_lose_its_variant(tmp_path: Path, ray_driver: str, extra_nodes: str) -> None:
    wf = write_workflow(tmp_path / "gate.json", gate_workflow(tmp_path))
    out = tmp_path / "out"
    codes: list[int] = []
    args = ["batch", str(wf), "--seeds", "1-2", "--executor", "ray", "--ray-address", ray_driver, "-o", str(out), "-q"]
    batch = threading.Thread(target=lambda: codes.append(main([*args, "--no-disk-cache"])))
    batch.start()
    try:
        wait_for(lambda: pids(tmp_path / "1.pid"), what="variant 1 to start")
        victim = pids(tmp_path / "1.pid")[0]
        assert victim != os.getpid()
        os.kill(victim, signal.SIGKILL)  # the Ray worker process running variant 1, mid-variant
        wait_for(lambda: len(pids(tmp_path / "1.pid")) == 2, what="Ray to run variant 1 again")
    finally:
        (tmp_path / "open").touch()
        batch.join(120)
    assert codes == [0]
    records = read_results(out)
    assert [r["status"] for r in records] == ["succeeded", "succeeded"]
    assert records[0]["worker"]["pid"] == pids(tmp_path / "1.pid")[1] != victim
    assert (out / records[0]["folder"] / "gate_1.txt").read_text() == str(records[0]["worker"]["pid"])
    assert partial_files(out) == []  # the killed writer's partial file is gone too


def test_ctrl_c_cancels_remote_variants_and_leaves_no_partials(tmp_path: Path, ray_address: str) -> None:
    wf = write_workflow(tmp_path / "gate.json", gate_workflow(tmp_path))
    out = tmp_path / "out"
    env = {**os.environ, "REELGRAPH_EXTRA_NODES": STUBS, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "main.py", "batch", str(wf), "--seeds", "1-3", "--executor", "ray"]
    cmd += ["--ray-address", ray_address, "-o", str(out), "--no-disk-cache"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: pids(tmp_path / "1.pid") and pids(tmp_path / "2.pid"), what="two variants to start")
        wait_for(lambda: len(partial_files(out)) == 2, what="the gates' partial files")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    assert "cancelling the batch" in err and "batch cancelled" in err
    records = read_results(out)
    assert [r["status"] for r in records] == ["cancelled"] * 3
    # the two running variants heard the cancel on their worker and stopped at a progress point
    assert [r["nodes"]["gate"]["status"] for r in records[:2]] == ["cancelled", "cancelled"]
    assert not (tmp_path / "3.pid").exists()  # the queued one never started
    assert partial_files(out) == [] and not list(out.glob("v0*"))


def test_gpu_workflows_run_on_one_resident_actor_per_gpu(tmp_path: Path, ray_driver: str, extra_nodes: str) -> None:
    doc = {
        "format": "reelgraph.workflow",
        "version": 1,
        "nodes": {"gpu": {"type": "test.gpu_pid", "params": {}}},
        "links": [],
    }
    wf = write_workflow(tmp_path / "gpu.json", doc)
    out = tmp_path / "out"
    args = ["batch", str(wf), "--seeds", "1-3", "--executor", "ray", "--ray-address", ray_driver]
    assert main([*args, "-o", str(out), "-q", "--no-disk-cache"]) == 0
    records = read_results(out)
    assert [r["status"] for r in records] == ["succeeded"] * 3
    # the cluster declares one GPU: the variants asked for it, and one actor served them all
    assert {r["worker"]["resources"].get("GPU") for r in records} == {1.0}
    pids = {(out / r["folder"] / "pid.txt").read_text() for r in records}
    assert len(pids) == 1 and pids != {str(os.getpid())}


def test_a_new_user_runs_the_shipped_workflow_on_a_local_ray_cluster(tmp_path: Path) -> None:
    """As in the README: no address, so the CLI starts (and stops) its own Ray cluster."""
    out = tmp_path / "renders"
    small = ["--set", "animatic.width=128", "--set", "animatic.height=72", "--set", "shots.duration=1"]
    cmd = [sys.executable, "main.py", "batch", "workflows/tokyo_walk.json", "--seeds", "1-4", "--executor", "ray"]
    env = {k: v for k, v in os.environ.items() if k != "REELGRAPH_EXTRA_NODES"}
    cmd += ["-o", str(out), "--no-disk-cache", *small]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "4 variant(s) of workflows/tokyo_walk.json on ray (CPU tasks)" in done.stderr
    assert "batch finished" in done.stderr and "4 succeeded" in done.stderr
    assert len(list(out.glob("v000*/tokyo_walk_00001.mp4"))) == 4
    assert len(list(out.glob("v000*/thumb.jpg"))) == 4 and (out / "index.html").is_file()
