"""Batch throughput: 8 variants of a short CPU workflow on Ray (2 workers) and on the local process
pool (2 processes) against the same 8 run one after another in one process, with the CPU time
behind each figure and the CPU other programs took meanwhile.

Variants: the shipped ``tokyo_walk.json`` at 192×108, 2 s, seeds 1–8. The baseline is the normal
``main.py run`` path (``server.cli.main(["run", …])``, default settings, one engine per run) called
8 times in this process; a second single-process row runs the 8 on one long-lived engine, as
``serve`` runs its queue (its results cache serves the nodes the seeds do not change). Every side is
warmed first (imports, spaCy, the registry; one variant per worker process, not timed) with
another prompt, so the timed variants find no upstream results from the warm-up.

CPU time is measured where the work runs: process CPU plus the finished child processes (the
encoder's worker), per variant for the batch executors (``timing.cpu_seconds`` +
``child_cpu_seconds`` in ``results.jsonl``). "Others" is the machine's busy CPU time (``/proc/stat``)
minus ours, over the same interval: the cores other programs took. On a shared machine the wall
speed-up follows the free cores, so read it with the CPU figures: with its cores to itself, a batch
of W workers takes about its CPU time / W, and the baseline about its CPU time / its cores busy.
Targets: speed-up ≥ 1.7× on 2 cores; Ray scheduling overhead < 0.5 s per variant.

    .venv/bin/python bench/batch.py [--variants 8] [--workers 2] [--skip-local]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.encode.worker import Worker
from server.batch.cluster import connect, disconnect
from server.batch.executors import LocalExecutor, RayExecutor, drain
from server.batch.job import VariantJob
from server.batch.progress import BatchProgress
from server.batch.runner import BatchSpec, run_batch
from server.batch.variants import Variant, expand, parse_seeds
from server.cli import apply_overrides, discover_registry
from server.cli import main as cli_main
from server.engine import Engine, Registry, Workflow

REPO = Path(__file__).resolve().parents[1]
SMALL = ["animatic.width=192", "animatic.height=108", "shots.duration=2", "animatic.fps=12"]
WARM_PROMPT = "prompt.text=A red fox trots across a snowy field at dawn, pine trees behind it."


@dataclass
class Phase:
    """One timed mode: wall time, our CPU time, the machine's busy time, and the records."""

    mode: str
    wall: float
    cpu: float  # ours: every process that worked on the variants
    machine: float  # every process on the machine
    records: list[dict]


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def own_cpu(*, children: bool) -> float:
    """This process's CPU seconds, and those of its finished children if asked."""
    used = time.process_time()
    if children:
        finished = resource.getrusage(resource.RUSAGE_CHILDREN)
        used += finished.ru_utime + finished.ru_stime
    return used


def encoder_start_cpu(tries: int = 3) -> float:
    """CPU seconds of one start of the H.264 encoder's worker process (interpreter and imports, no
    encode): every MP4 pays one, in a fresh process (see nodes/encode/worker.py)."""
    spent = []
    for _ in range(tries):
        before = own_cpu(children=True) - time.process_time()
        worker = Worker.start()  # as the encoder starts it; end of input: it exits without encoding
        worker.proc.stdin.close()
        worker.proc.wait()
        worker.stop()
        spent.append(own_cpu(children=True) - time.process_time() - before)
    return statistics.median(spent)


def variants(registry: Registry, seeds: str, extra: list[str] = ()) -> list[Variant]:
    workflow = Workflow.load(REPO / "workflows" / "tokyo_walk.json")
    apply_overrides(workflow, [*SMALL, *extra])
    return expand(workflow, registry, [parse_seeds(seeds, workflow, registry)], zipped=False)


def timed(mode: str, work: Callable[[], list[dict]], *, workers_cpu: bool) -> Phase:
    """Run ``work`` and account its CPU time. In one process: this process and its finished children
    (the encoder's workers). With executors: this process (the driver) and the variants' own
    accounts from their records (a pool's processes are our children too, but are reaped only when
    the pool closes, with their whole life's CPU: so children are not counted then)."""
    cpu0, busy0, started = own_cpu(children=not workers_cpu), machine_busy(), time.perf_counter()
    records = work()
    wall = time.perf_counter() - started
    cpu = own_cpu(children=not workers_cpu) - cpu0
    busy = machine_busy() - busy0
    if workers_cpu:
        cpu += sum(r["timing"]["cpu_seconds"] + r["timing"]["child_cpu_seconds"] for r in records)
    return Phase(mode, wall, cpu, busy, records)


def cli_runs(vs: list[Variant], out: Path) -> list[dict]:
    """The baseline: ``main.py run`` with its defaults for each variant, one after another."""
    for v in vs:
        path = out / f"{v.folder}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(v.workflow.to_json()))
        code = cli_main(["run", str(path), "-o", str(out / v.folder), "-q", "--cache-dir", str(out / "cache")])
        assert code == 0, f"main.py run failed for {v.folder}"
    return []


def one_engine(registry: Registry, vs: list[Variant], out: Path) -> list[dict]:
    """The 8 on one long-lived engine with default settings (what ``serve`` does with a queue)."""
    engine = Engine(registry, output_dir=out)
    try:
        for v in vs:
            result = engine.run(v.workflow)
            assert result.status == "succeeded", result.status
    finally:
        engine.close()
    return []


def jobs(vs: list[Variant], out: Path) -> list[VariantJob]:
    return [VariantJob(v.key, v.index, v.folder, v.params, v.workflow.to_json(), str(out)) for v in vs]


def batch(registry: Registry, vs: list[Variant], out: Path, make: Callable[[], object]) -> list[dict]:
    outcome = run_batch(BatchSpec("bench", vs, out), make(), registry, BatchProgress(len(vs), enabled=False))
    assert all(r["status"] == "succeeded" for r in outcome.records), [r.get("error") for r in outcome.records]
    return outcome.records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-local", action="store_true", help="leave out the local process pool")
    args = parser.parse_args()
    registry = discover_registry()
    vs = variants(registry, f"1-{args.variants}")
    warm = variants(registry, f"1001-{1000 + args.workers}", [WARM_PROMPT])
    root = Path(tempfile.mkdtemp(prefix="rg-bench-batch-"))
    try:
        phases = measure(args, registry, vs, warm, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report(args, phases, len(vs), encoder_start_cpu())


def measure(
    args: argparse.Namespace, registry: Registry, vs: list[Variant], warm: list[Variant], root: Path
) -> list[Phase]:
    phases = []
    cli_runs(warm[:1], root / "warm-cli")
    phases.append(
        timed("baseline: `main.py run` × n, one process", lambda: cli_runs(vs, root / "cli"), workers_cpu=False)
    )
    phases.append(
        timed("one process, one engine (as `serve`)", lambda: one_engine(registry, vs, root / "one"), workers_cpu=False)
    )

    if not args.skip_local:
        started = time.perf_counter()
        executor = LocalExecutor(args.workers)  # spawns its processes and waits for them all
        for j in jobs(warm, root / "warm-local"):  # one variant per process: imports, registry, spaCy
            executor.submit(j)
        assert all(r["status"] == "succeeded" for _, r in drain(executor, 600))
        print(f"local pool start and warm-up (not timed): {time.perf_counter() - started:.1f} s", file=sys.stderr)
        phases.append(
            timed(
                f"local pool, {args.workers} processes",
                lambda: batch(registry, vs, root / "local", lambda: executor),
                workers_cpu=True,
            )
        )

    connect(None, num_cpus=args.workers)
    try:
        batch(registry, warm, root / "warm-ray", lambda: RayExecutor(gpu=False))
        ray_phase = timed(
            f"Ray, {args.workers} workers",
            lambda: batch(registry, vs, root / "ray", lambda: RayExecutor(gpu=False)),
            workers_cpu=True,
        )
    finally:
        disconnect()
    phases.append(ray_phase)
    return phases


def report(args: argparse.Namespace, phases: list[Phase], n: int, encoder_start: float) -> None:
    base = phases[0]
    cores = os.cpu_count() or 1
    print(f"\n{n} variants of tokyo_walk ({', '.join(SMALL)}), {args.workers} workers, {cores} cores")
    print(f"load average now {os.getloadavg()[0]:.2f}\n")
    print(
        "| mode | wall s | s / variant | CPU s / variant | our cores busy | others' cores | speed-up | CPU-time ratio |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in phases:
        others = max(p.machine - p.cpu, 0.0) / p.wall
        print(
            f"| {p.mode} | {p.wall:.2f} | {p.wall / n:.2f} | {p.cpu / n:.3f} | {p.cpu / p.wall:.2f} "
            f"| {others:.2f} | {base.wall / p.wall:.2f}× | {base.cpu / p.cpu:.2f}× |"
        )
    print("\nspeed-up: the baseline's wall time over the mode's (target ≥ 1.7× for Ray on 2 workers).")
    print("CPU-time ratio: the baseline's CPU time over the mode's (above 1: each variant costs less CPU).")
    print("cores busy: CPU time over wall time; others': the machine's busy time not ours, over the same wall time.")
    print(
        "\n| where a variant's CPU time goes (batch executors, mean) | in the worker s | encoder process s | setup s, max |"
    )
    print("| --- | --- | --- | --- |")
    for p in phases:
        if p.records:
            inside = statistics.mean(r["timing"]["cpu_seconds"] for r in p.records)
            child = statistics.mean(r["timing"]["child_cpu_seconds"] for r in p.records)
            setup = max(r["timing"]["setup_seconds"] for r in p.records)  # near 0: the workers were warm
            print(f"| {p.mode} | {inside:.3f} | {child:.3f} | {setup:.3f} |")
    print(f"| (of which one encoder process start, measured alone) | | {encoder_start:.3f} | |")
    ray = next(p for p in phases if p.mode.startswith("Ray"))
    overheads = [r["timing"]["overhead_seconds"] for r in ray.records]
    print("\n| Ray scheduling overhead per variant | s | target |")
    print("| --- | --- | --- |")
    print(f"| mean | {statistics.mean(overheads):.3f} | < 0.5 |")
    print(f"| max | {max(overheads):.3f} | |")
    print(f"| (time inside the worker, mean) | {statistics.mean(r['seconds'] for r in ray.records):.2f} | |")
    cached = statistics.mean(sum(x["cached"] for x in r["nodes"].values()) for r in ray.records)
    print(f"| (nodes served from the worker's shared results, mean per variant) | {cached:.1f} | |")


if __name__ == "__main__":
    main()
