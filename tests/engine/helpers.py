"""Building workflows tersely and checking that an event stream is well-formed."""

from __future__ import annotations

from server.engine import Event, Workflow


def workflow(nodes: dict, links: list | None = None, **extra) -> Workflow:
    """``nodes`` maps id → type or (type, params)."""
    doc_nodes = {}
    for node_id, spec in nodes.items():
        node_type, params = (spec, {}) if isinstance(spec, str) else spec
        doc_nodes[node_id] = {"type": node_type, "params": params}
    return Workflow.from_json(
        {"format": "reelgraph.workflow", "version": 1, "nodes": doc_nodes, "links": links or [], **extra}
    )


def check_event_order(events: list[Event], sources: dict[str, list[str]] | None = None) -> None:
    """Assert a valid order: run_started first, run_finished last, each node's events form one of
    the allowed sequences, and no node starts before its sources have finished."""
    assert events, "no events"
    assert events[0].type == "run_started", events[0]
    assert events[-1].type == "run_finished", events[-1]
    assert sum(e.type in ("run_started", "run_finished") for e in events) == 2
    per_node: dict[str, list[str]] = {}
    finished_at: dict[str, int] = {}
    started_at: dict[str, int] = {}
    for i, e in enumerate(events[1:-1], 1):
        assert e.node is not None and e.run_id == events[0].run_id, e
        per_node.setdefault(e.node, []).append(e.type)
        if e.type in ("node_finished", "node_cached"):
            finished_at[e.node] = i
        if e.type in ("node_started", "node_cached"):
            started_at[e.node] = i
    for node, kinds in per_node.items():
        core = [k for k in kinds if k != "node_progress"]
        assert core in (
            ["node_cached"],
            ["node_started", "node_finished"],
            ["node_started", "node_failed"],
            ["node_failed"],
            ["node_skipped"],
        ), (node, kinds)
        if "node_progress" in kinds:
            first, last = kinds.index("node_progress"), len(kinds) - 1 - kinds[::-1].index("node_progress")
            assert kinds[0] == "node_started" and first > 0 and last < len(kinds) - 1, (node, kinds)
    for node, deps in (sources or {}).items():
        if node in started_at:
            for dep in deps:
                assert finished_at[dep] < started_at[node], f"{node} started before {dep} finished"
    statuses = events[-1].data["nodes"]
    assert set(statuses) == set(events[0].data["nodes"])
