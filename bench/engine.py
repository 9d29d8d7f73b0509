"""Engine overhead: what the engine costs on top of calling node functions directly.

Prints a table. Baselines are measured in the same run: the same trivial node functions
called in a plain Python loop. Targets (2-core machine): ≤ 50 µs overhead per node on a
1,000-node chain, 10,000-node validation < 1 s, fully cached 1,000-node re-run < 50 ms.

    .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.engine import Engine, NodeContext, Registry, Workflow
from tests.engine import stub_nodes

REPEATS = 5


def chain(n: int) -> Workflow:
    nodes = {"n0": {"type": "test.value", "params": {"value": 1}}}
    nodes |= {f"n{i}": {"type": "test.add", "params": {"offset": 1}} for i in range(1, n)}
    nodes["end"] = {"type": "test.sink", "params": {}}
    links = [[f"n{i}", "out", f"n{i + 1}", "a"] for i in range(n - 1)] + [[f"n{n - 1}", "out", "end", "a"]]
    return Workflow.from_json({"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links})


def fan_out(width: int) -> Workflow:
    nodes = {"root": {"type": "test.value", "params": {"value": 1}}}
    nodes |= {f"a{i}": {"type": "test.add", "params": {"offset": i}} for i in range(width)}
    nodes |= {f"s{i}": {"type": "test.sink", "params": {}} for i in range(width)}
    links = [["root", "out", f"a{i}", "a"] for i in range(width)] + [
        [f"a{i}", "out", f"s{i}", "a"] for i in range(width)
    ]
    return Workflow.from_json({"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links})


def best(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def plain_loop(n: int) -> float:
    """The baseline: the same node functions, called directly with ready-made params."""
    ctx = NodeContext("n", "test.add", "bench", 0, Path("."), Path("."), logging.getLogger("bench"))
    value_params = stub_nodes.ValueParams(value=1)
    add_params = stub_nodes.AddParams(offset=1)

    def loop() -> None:
        stub_nodes.CALLS.clear()
        x = stub_nodes.value.fn(ctx, value_params)["out"]
        for _ in range(1, n):
            x = stub_nodes.add.fn(ctx, add_params, a=x)["out"]
        stub_nodes.sink.fn(ctx, None, a=x)

    return best(loop)


def main() -> None:
    registry = Registry.from_modules([stub_nodes])
    engine = Engine(registry, output_dir="/tmp/reelgraph-bench", cpu_workers=2)
    rows = []

    wf = chain(1000)

    def cold_run() -> None:
        engine.cache.clear()
        stub_nodes.CALLS.clear()
        engine.run(wf)

    base = plain_loop(1000)
    cold = best(cold_run)
    overhead_us = (cold - base) / 1001 * 1e6
    rows.append(("1,000-node chain, plain loop (baseline)", base * 1e3, "ms", ""))
    rows.append(("1,000-node chain, engine, cold cache", cold * 1e3, "ms", f"{cold / base:.1f}× baseline"))
    rows.append(("  engine overhead per node", overhead_us, "µs", "target ≤ 50 µs"))

    engine.run(wf)
    cached = best(lambda: engine.run(wf))
    rows.append(("1,000-node chain, fully cached re-run", cached * 1e3, "ms", "target < 50 ms"))

    wide = fan_out(200)

    def wide_run() -> None:
        engine.cache.clear()
        engine.run(wide)

    wide_time = best(wide_run)
    wide_base = plain_loop(401)
    rows.append(
        (
            "200-wide fan-out (401 nodes), engine",
            wide_time * 1e3,
            "ms",
            f"{(wide_time - wide_base) / 401 * 1e6:.0f} µs/node over a plain loop",
        )
    )

    for n in (1000, 10_000):
        big = chain(n)
        seconds = best(lambda big=big: engine.validate(big), repeats=3)
        target = "target < 1 s" if n == 10_000 else ""
        rows.append((f"validate {n:,} nodes", seconds * 1e3, "ms", target))
    big_doc = chain(10_000).to_json()
    parse = best(lambda: Workflow.from_json(big_doc), repeats=3)
    rows.append(("parse + schema-check 10,000-node file", parse * 1e3, "ms", ""))
    engine.close()

    print(f"{'measure':<42} {'value':>10}  unit  note")
    print("-" * 90)
    for name, value, unit, note in rows:
        print(f"{name:<42} {value:>10.2f}  {unit:<4}  {note}")
    print(f"\n(best of {REPEATS} runs; python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
