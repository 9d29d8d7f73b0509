"""The ordering contract of events.py that the server's thumbnails rely on."""

from __future__ import annotations

import threading

from tests import stub_nodes

from .helpers import workflow


def test_a_finished_node_is_announced_on_the_callers_thread_before_any_consumer_starts(engine):
    nodes = {"v": ("test.value", {"value": 2})} | {
        f"s{i}": ("test.slow", {"seconds": 0, "tag": str(i)}) for i in range(4)
    }
    wf = workflow(
        nodes | {"end": "test.sink"}, [["v", "out", f"s{i}", "a"] for i in range(4)] + [["s0", "out", "end", "a"]]
    )
    seen = []

    def listener(event) -> None:
        if event.type in ("node_finished", "node_cached"):
            started = [n for n, _ in stub_nodes.CALLS]
            seen.append((event.node, threading.current_thread().name, started))

    for _ in range(2):  # computed, then served from the cache
        stub_nodes.CALLS.clear()
        engine.run(wf, on_event=listener)
    caller = threading.current_thread().name
    assert {thread for _, thread, _ in seen} == {caller}
    for node, _, started in seen:
        consumers = [f"s{i}" for i in range(4)] if node == "v" else ["end"] if node == "s0" else []
        assert not set(consumers) & set(started), f"a consumer of {node} started before it was announced"
    assert [n for n, _, _ in seen].count("v") == 2
