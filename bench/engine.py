"""Engine overhead: what the engine costs on top of calling node functions directly.

Prints before/after tables whose baselines are measured in the same run: the same trivial
node functions called in a plain Python loop; the un-cached path beside the cached one (a
plan validated afresh vs one reused by content); the thread pool beside inline trivial nodes;
the networkx graph work the planner used to do beside its plain-dict replacement.

Targets (2-core machine): validation ≤ 10 ms for 1,000 nodes and ≤ 150 ms for 10,000 (JSON
parse and schema check reported apart); ≤ 50 µs engine overhead per node; a fully cached
1,000-node re-run ≤ 20 ms median; fan-out per node ≈ chain per node.

    .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import gc
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx

from server.engine import Engine, NodeContext, Registry, Workflow
from server.engine import engine as engine_module
from server.engine.plan import compile_workflow
from tests import stub_nodes

REPEATS = 5
MEDIAN_RUNS = 21


def chain_doc(n: int) -> dict:
    nodes = {"n0": {"type": "test.value", "params": {"value": 1}}}
    nodes |= {f"n{i}": {"type": "test.add", "params": {"offset": 1}} for i in range(1, n)}
    nodes["end"] = {"type": "test.sink", "params": {}}
    links = [[f"n{i}", "out", f"n{i + 1}", "a"] for i in range(n - 1)] + [[f"n{n - 1}", "out", "end", "a"]]
    return {"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links}


def chain(n: int) -> Workflow:
    return Workflow.from_json(chain_doc(n))


def fan_out(width: int) -> Workflow:
    nodes = {"root": {"type": "test.value", "params": {"value": 1}}}
    nodes |= {f"a{i}": {"type": "test.add", "params": {"offset": i}} for i in range(width)}
    nodes |= {f"s{i}": {"type": "test.sink", "params": {}} for i in range(width)}
    links = [["root", "out", f"a{i}", "a"] for i in range(width)] + [
        [f"a{i}", "out", f"s{i}", "a"] for i in range(width)
    ]
    return Workflow.from_json({"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links})


def cycle(n: int) -> Workflow:
    ids = [f"n{i}" for i in range(n)]
    nodes = {i: {"type": "test.add", "params": {}} for i in ids} | {"end": {"type": "test.sink", "params": {}}}
    links = [[a, "out", b, "a"] for a, b in zip(ids, ids[1:] + ids[:1])] + [[ids[-1], "out", "end", "a"]]
    return Workflow.from_json({"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links})


def timed(
    fn: Callable[[], object], repeats: int = REPEATS, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    times = []
    for _ in range(repeats):
        started = clock()
        fn()
        times.append(clock() - started)
    return times


def best(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    return min(timed(fn, repeats))


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


def networkx_graph_work(wf: Workflow) -> None:
    """What the planner did with networkx before (build, check acyclic, ancestors, order)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(wf.nodes)
    graph.add_edges_from((link.from_node, link.to_node) for link in wf.links)
    nx.is_directed_acyclic_graph(graph)
    needed = {"end"} | nx.ancestors(graph, "end")
    list(nx.topological_sort(graph.subgraph(needed)))


def table(title: str, rows: list[tuple[str, float, str, str]]) -> None:
    print(f"\n{title}")
    print(f"{'measure':<52} {'value':>9}  unit  note")
    print("-" * 100)
    for name, value, unit, note in rows:
        print(f"{name:<52} {value:>9.2f}  {unit:<4}  {note}")


def validation(engine: Engine) -> None:
    rows = []
    for n, target in ((1000, 10), (10_000, 150)):
        doc = chain_doc(n)
        text = json.dumps(doc)
        wf = Workflow.from_json(doc)
        parse = best(lambda text=text: json.loads(text))
        schema = best(lambda doc=doc: Workflow.from_json(doc))
        check = best(lambda wf=wf: compile_workflow(wf, engine.registry), repeats=REPEATS if n < 10_000 else 3)
        graph_old = best(lambda wf=wf: networkx_graph_work(wf), repeats=3)
        rows.append((f"{n:,} nodes: JSON parse", parse * 1e3, "ms", ""))
        rows.append((f"{n:,} nodes: schema check + workflow model", schema * 1e3, "ms", ""))
        rows.append((f"{n:,} nodes: validate + plan", check * 1e3, "ms", f"target ≤ {target} ms"))
        rows.append(
            ("  before: + networkx graph work (old planner)", (check + graph_old) * 1e3, "ms", "same run, baseline")
        )
    big = cycle(10_000)
    [problem] = engine.validate(big)
    rows.append(("10,000-node cycle: message length", len(problem.message), "char", "was 78,931 (uncapped list)"))
    table("Validation (fresh each time: no plan reuse)", rows)


def runs(engine: Engine) -> None:
    rows = []
    wf = chain(1000)
    base = plain_loop(1000)

    def cold(reuse: bool) -> None:
        engine.cache.clear()
        if not reuse:
            engine._plans.clear()
        stub_nodes.CALLS.clear()
        engine.run(wf)

    cold_fresh = best(lambda: cold(False))
    cold_reused = best(lambda: cold(True))
    rows.append(("1,000-node chain: plain loop (baseline)", base * 1e3, "ms", ""))
    rows.append(("1,000-node chain: cold cache, plan validated afresh", cold_fresh * 1e3, "ms", "before"))
    rows.append(("1,000-node chain: cold cache, plan reused", cold_reused * 1e3, "ms", "after"))
    rows.append(
        ("  engine overhead per node (plan validated afresh)", (cold_fresh - base) / 1001 * 1e6, "µs", "target ≤ 50")
    )
    engine.run(wf)

    def cached(reuse: bool) -> None:
        if not reuse:
            engine._plans.clear()
        engine.run(wf)

    fresh = timed(lambda: cached(False), MEDIAN_RUNS)
    reused = timed(lambda: cached(True), MEDIAN_RUNS)
    rows.append(("fully cached re-run, plan validated afresh: median", statistics.median(fresh) * 1e3, "ms", "before"))
    rows.append(("fully cached re-run, plan reused: median", statistics.median(reused) * 1e3, "ms", "target ≤ 20"))
    rows.append(("fully cached re-run, plan reused: best", min(reused) * 1e3, "ms", f"of {MEDIAN_RUNS}"))
    cpu = timed(lambda: cached(True), MEDIAN_RUNS, time.process_time)  # what other processes' load does not inflate
    rows.append(("fully cached re-run, plan reused: CPU time median", statistics.median(cpu) * 1e3, "ms", "process"))
    gc.collect()
    gc.freeze()  # as `serve` does after start-up
    frozen = timed(lambda: cached(True), MEDIAN_RUNS)
    gc.unfreeze()
    rows.append(("  … after gc.freeze() (as serve does): median", statistics.median(frozen) * 1e3, "ms", "after"))
    table("Runs (1,000-node chain)", rows)

    rows = []
    wide = fan_out(200)
    wide_base = plain_loop(401)
    chain_per_node = (cold_reused - base) / 1001 * 1e6

    def wide_run() -> None:
        engine.cache.clear()
        engine.run(wide)

    saved = engine_module.TRIVIAL_SECONDS
    engine_module.TRIVIAL_SECONDS = 0.0  # every node through the pool, as before
    pooled = best(wide_run)
    engine_module.TRIVIAL_SECONDS = saved
    wide_run()  # the node types' timings are now known
    inline = best(wide_run)
    rows.append(("chain, per node (plan reused)", chain_per_node, "µs", "the cost to match"))
    rows.append(("200-wide fan-out, per node, all through the pool", (pooled - wide_base) / 401 * 1e6, "µs", "before"))
    rows.append(("200-wide fan-out, per node, trivial nodes inline", (inline - wide_base) / 401 * 1e6, "µs", "after"))
    table("Fan-out (401 nodes) against a chain", rows)


def main() -> None:
    registry = Registry.from_modules([stub_nodes])
    engine = Engine(registry, output_dir="/tmp/reelgraph-bench", cpu_workers=2)
    validation(engine)
    runs(engine)
    engine.close()
    print(f"\n(best of {REPEATS} unless a median is named; python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
