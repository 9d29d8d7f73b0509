"""Batch throughput: 8 variants of a short CPU workflow on Ray (2 workers) vs one after another
in one process, and Ray's scheduling overhead per variant.

Both sides run the same code (``server.batch.job.run_variant``) on the same variants: the
shipped ``tokyo_walk.json`` at 192×108, 2 s, seeds 1–8. Both are warmed first (imports, spaCy,
the node registry: one variant per worker process, not timed), so the figures compare steady
state. Overhead per variant = time in flight seen by the driver − time inside the worker.
Targets: speed-up ≥ 1.7× on 2 cores; overhead < 0.5 s per variant.

    .venv/bin/python bench/batch.py [--variants 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.batch.cluster import connect, disconnect
from server.batch.executors import RayExecutor
from server.batch.job import VariantJob, run_variant
from server.batch.progress import BatchProgress
from server.batch.runner import BatchSpec, run_batch
from server.batch.variants import expand, parse_seeds
from server.cli import apply_overrides, discover_registry
from server.engine import Workflow

REPO = Path(__file__).resolve().parents[1]
SMALL = ["animatic.width=192", "animatic.height=108", "shots.duration=2", "animatic.fps=12"]


def variants(registry, seeds: str):
    workflow = Workflow.load(REPO / "workflows" / "tokyo_walk.json")
    apply_overrides(workflow, SMALL)
    return expand(workflow, registry, [parse_seeds(seeds, workflow, registry)], zipped=False)


def job(v, out: Path) -> VariantJob:
    return VariantJob(v.key, v.index, v.folder, v.params, v.workflow.to_json(), str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    registry = discover_registry()
    timed = variants(registry, f"1-{args.variants}")
    warm = variants(registry, f"1001-{1000 + args.workers}")
    root = Path(tempfile.mkdtemp(prefix="rg-bench-batch-"))
    try:
        measure(args, registry, timed, warm, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def measure(args: argparse.Namespace, registry, timed, warm, root: Path) -> None:
    load_before = os.getloadavg()

    # baseline: one process, one variant after another
    run_variant(job(warm[0], root / "warm-seq"))
    started = time.perf_counter()
    records = [run_variant(job(v, root / "seq")) for v in timed]
    sequential = time.perf_counter() - started
    assert all(r["status"] == "succeeded" for r in records), [r.get("error") for r in records]

    # Ray: a local cluster of `workers` CPUs, each variant a task
    connect(None, num_cpus=args.workers)
    try:
        quiet = BatchProgress(len(warm), enabled=False)
        run_batch(BatchSpec("warm", warm, root / "warm-ray"), RayExecutor(gpu=False), registry, quiet)
        quiet = BatchProgress(len(timed), enabled=False)
        started = time.perf_counter()
        outcome = run_batch(BatchSpec("bench", timed, root / "ray"), RayExecutor(gpu=False), registry, quiet)
        on_ray = time.perf_counter() - started
    finally:
        disconnect()
    assert all(r["status"] == "succeeded" for r in outcome.records), [r.get("error") for r in outcome.records]
    overheads = [r["timing"]["overhead_seconds"] for r in outcome.records]
    work = [r["seconds"] for r in outcome.records]
    load_after = os.getloadavg()

    n = len(timed)
    print(f"\n{n} variants of tokyo_walk ({', '.join(SMALL)}), {args.workers} Ray workers, {os.cpu_count()} cores")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (other work on the machine)\n")
    print("| mode | wall s | s / variant | speed-up | target |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| baseline: sequential, one process | {sequential:.2f} | {sequential / n:.2f} | 1.00× | |")
    speedup = sequential / on_ray
    print(f"| Ray, {args.workers} workers | {on_ray:.2f} | {on_ray / n:.2f} | {speedup:.2f}× | ≥ 1.7× |")
    print("\n| Ray scheduling overhead per variant | s | target |")
    print("| --- | --- | --- |")
    print(f"| mean | {statistics.mean(overheads):.3f} | < 0.5 |")
    print(f"| max | {max(overheads):.3f} | |")
    print(f"| (time inside the worker, mean) | {statistics.mean(work):.2f} | |")


if __name__ == "__main__":
    main()
