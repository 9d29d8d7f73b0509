"""Execution: caching, planning, failure isolation, cancellation, concurrency, events."""

from __future__ import annotations

import threading

import pytest

from server.engine import Engine, ResultCache
from tests import stub_nodes

from .helpers import workflow


def diamond(value: int = 1, offset: int = 0):
    """v → a → sink1 and v → b(offset) → sink2: two outputs sharing a source."""
    return workflow(
        {
            "v": ("test.value", {"value": value}),
            "a": "test.add",
            "b": ("test.add", {"offset": offset}),
            "s1": "test.sink",
            "s2": "test.sink",
        },
        [["v", "out", "a", "a"], ["v", "out", "b", "a"], ["a", "out", "s1", "a"], ["b", "out", "s2", "a"]],
    )


def test_run_produces_values_and_status(run):
    result = run(diamond(3, offset=10))
    assert result.status == "succeeded"
    assert result.values["s1"]["out"] == 3 and result.values["s2"]["out"] == 13
    assert sorted(run.ran()) == ["a", "b", "s1", "s2", "v"]


def test_full_cache_rerun_executes_no_node(run):
    run(diamond())
    stub_nodes.CALLS.clear()
    result = run(diamond())
    assert run.ran() == []
    assert all(r.cached and r.status == "cached" for r in result.nodes.values())
    assert [e.type for e in run.events[1:-1]] == ["node_cached"] * 5


def test_changing_one_param_reruns_only_that_node_and_descendants(run):
    run(diamond(offset=0))
    stub_nodes.CALLS.clear()
    result = run(diamond(offset=5))
    assert sorted(run.ran()) == ["b", "s2"]
    assert result.nodes["a"].cached and result.nodes["v"].cached and result.nodes["s1"].cached


def test_cache_is_shared_between_workflows_with_the_same_subgraph(run):
    run(diamond(7))
    stub_nodes.CALLS.clear()
    other = workflow(
        {"x": ("test.value", {"value": 7}), "y": "test.add", "z": ("test.add", {"offset": 1}), "out": "test.sink"},
        [["x", "out", "y", "a"], ["y", "out", "z", "a"], ["z", "out", "out", "a"]],
    )
    result = run(other)
    assert result.nodes["x"].cached and result.nodes["y"].cached  # same work as v and a, other ids
    assert sorted(run.ran()) == ["out", "z"]


def test_unneeded_branch_is_not_executed(run):
    wf = workflow(
        {"v": "test.value", "s": "test.sink", "lonely": ("test.slow", {"seconds": 0})}, [["v", "out", "s", "a"]]
    )
    result = run(wf)
    assert "lonely" not in result.nodes and "lonely" not in run.ran()


def test_targets_run_only_what_they_need(run):
    result = run(diamond(), targets=["s1"])
    assert sorted(run.ran()) == ["a", "s1", "v"]
    assert set(result.nodes) == {"v", "a", "s1"}


def test_a_non_output_node_can_be_a_target(run):
    result = run(diamond(2), targets=["a"])
    assert result.values["a"]["out"] == 2 and result.status == "succeeded"


def test_failure_fails_descendants_and_independent_branch_finishes(run):
    wf = workflow(
        {
            "v": "test.value",
            "bad": "test.fail",
            "after": "test.add",
            "s1": "test.sink",
            "good": ("test.slow", {"seconds": 0.05, "steps": 2}),
            "s2": "test.sink",
        },
        [
            ["v", "out", "bad", "a"],
            ["bad", "out", "after", "a"],
            ["after", "out", "s1", "a"],
            ["good", "out", "s2", "a"],
        ],
    )
    result = run(wf)
    assert result.status == "partial"
    assert result.nodes["bad"].status == "failed"
    assert result.nodes["bad"].error["type"] == "RuntimeError"
    assert result.nodes["bad"].error["message"] == "stub failure"
    assert "Traceback" in result.nodes["bad"].error["traceback"]
    assert result.nodes["after"].status == "skipped" and result.nodes["s1"].status == "skipped"
    assert result.nodes["s2"].status == "succeeded"
    assert "after" not in run.ran()
    failed = [e for e in run.events if e.type == "node_failed"]
    assert failed[0].node == "bad" and failed[0].data["error"]["message"] == "stub failure"


def test_all_targets_failing_is_failed(run):
    wf = workflow({"bad": "test.fail", "s": "test.sink"}, [["bad", "out", "s", "a"]])
    assert run(wf).status == "failed"


def test_failed_nodes_are_not_cached(run):
    wf = workflow({"bad": "test.fail", "s": "test.sink"}, [["bad", "out", "s", "a"]])
    run(wf)
    stub_nodes.CALLS.clear()
    run(wf)
    assert run.ran() == ["bad"]


def test_independent_cpu_branches_overlap(run):
    """Each ``test.meet`` waits for the other at a barrier: the run succeeds only if both are
    running at the same time (run one after the other, the first would wait in vain)."""
    stub_nodes.MEETING.reset()
    wf = workflow(
        {
            "x": ("test.meet", {"tag": "x"}),
            "y": ("test.meet", {"tag": "y"}),
            "sx": "test.sink",
            "sy": "test.sink",
        },
        [["x", "out", "sx", "a"], ["y", "out", "sy", "a"]],
    )
    result = run(wf)
    assert result.status == "succeeded", result.nodes["x"].error


def test_gpu_nodes_run_one_at_a_time(run):
    wf = workflow(
        {
            "x": ("test.slow_gpu", {"seconds": 0.2, "tag": "x"}),
            "y": ("test.slow_gpu", {"seconds": 0.2, "tag": "y"}),
            "sx": "test.sink",
            "sy": "test.sink",
        },
        [["x", "out", "sx", "a"], ["y", "out", "sy", "a"]],
    )
    run(wf)
    start = {e.node: e.time for e in run.events if e.type == "node_started"}
    seconds = {e.node: e.data["seconds"] for e in run.events if e.type == "node_finished"}
    first, second = sorted(("x", "y"), key=start.get)
    assert start[second] >= start[first] + seconds[first] - 0.01, "two GPU nodes overlapped"


def test_cancellation_mid_run_keeps_completed_nodes_cached(run, engine):
    wf = workflow(
        {"v": "test.value", "slow": ("test.slow", {"seconds": 5, "steps": 50}), "s": "test.sink"},
        [["v", "out", "slow", "a"], ["slow", "out", "s", "a"]],
    )
    cancel = threading.Event()

    def cancel_on_progress(event):
        if event.type == "node_progress" and event.data["done"] >= 2:
            cancel.set()

    events = []
    result = engine.run(wf, cancel=cancel, on_event=lambda e: (events.append(e), cancel_on_progress(e)))
    steps = [e.data["done"] for e in events if e.type == "node_progress" and e.node == "slow"]
    assert max(steps) < 50, "the node went on after the cancel"
    assert result.status == "cancelled"
    assert result.nodes["v"].status == "succeeded"
    assert result.nodes["slow"].status == "cancelled" and result.nodes["s"].status == "cancelled"
    stub_nodes.CALLS.clear()
    again = run(workflow({"v": "test.value", "s": "test.sink"}, [["v", "out", "s", "a"]]))
    assert again.nodes["v"].cached


def test_progress_events_carry_done_and_total(run):
    run(workflow({"s": ("test.slow", {"seconds": 0.01, "steps": 3}), "k": "test.sink"}, [["s", "out", "k", "a"]]))
    progress = [(e.data["done"], e.data["total"]) for e in run.events if e.type == "node_progress"]
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_finished_event_reports_seconds_and_outputs(run):
    run(workflow({"s": ("test.slow", {"seconds": 0.05, "steps": 1}), "k": "test.sink"}, [["s", "out", "k", "a"]]))
    finished = next(e for e in run.events if e.type == "node_finished" and e.node == "s")
    assert finished.data["seconds"] >= 0.04 and finished.data["outputs"] == {"out": 1}


def test_non_deterministic_unseeded_node_is_never_cached(run):
    wf = workflow({"n": "test.noise", "s": "test.sink"}, [["n", "out", "s", "a"]])
    first = run(wf).values["s"]["out"]
    second = run(wf).values["s"]["out"]
    assert first != second and run.ran().count("n") == 2


def test_linked_parameter_takes_the_link_value(run):
    wf = workflow(
        {"num": ("value.number", {"value": 41.6}), "v": ("test.value", {"value": 0}), "s": "test.sink"},
        [["num", "integer", "v", "value"], ["v", "out", "s", "a"]],
    )
    assert run(wf).values["s"]["out"] == 42


def test_linked_parameter_out_of_range_fails_the_node_naming_the_parameter(run):
    """A computed value is known only at run time: the receiving node fails, naming the parameter."""
    wf = workflow(
        {"a": ("test.value", {"value": 800, "mode": "double"}), "v": "test.value", "s": "test.sink"},
        [["a", "out", "v", "value"], ["v", "out", "s", "a"]],
    )
    result = run(wf)
    assert result.nodes["v"].status == "failed" and result.nodes["v"].error["input"] == "value"
    assert "1000" in result.nodes["v"].error["message"]


def test_linked_constant_out_of_range_is_refused_before_running(engine):
    """A constant node's value is known at validation: checked against the target's bounds."""
    wf = workflow(
        {"num": ("value.number", {"value": 5000}), "v": "test.value", "s": "test.sink"},
        [["num", "integer", "v", "value"], ["v", "out", "s", "a"]],
    )
    problems = engine.validate(wf)
    assert [(p.code, p.node, p.name) for p in problems] == [("invalid_value", "v", "value")]
    assert "1000" in problems[0].message and "num.integer" in problems[0].message
    wf.nodes["num"].params["value"] = 500
    assert engine.validate(wf) == []


def test_node_returning_wrong_outputs_fails_clearly(registry, tmp_path):
    from pydantic import BaseModel

    from server.engine import Output, Registry, node

    @node(id="test.wrong", version="1.0.0", title="Wrong", category="test", output=True, outputs={"out": Output("INT")})
    def wrong(ctx, params: BaseModel) -> dict:
        return {"other": 1}

    eng = Engine(Registry([wrong]), output_dir=tmp_path)
    result = eng.run(workflow({"w": "test.wrong"}))
    assert result.status == "failed"
    assert "declares outputs ['out']" in result.nodes["w"].error["message"]


def test_seed_comes_from_params_or_is_stable_per_key(run, registry, tmp_path):
    from pydantic import BaseModel, ConfigDict

    from server.engine import Output, Param, Registry, node

    class P(BaseModel):
        model_config = ConfigDict(extra="forbid")
        seed: int = Param(7, description="seed")

    @node(
        id="test.seeded",
        version="1.0.0",
        title="S",
        category="test",
        output=True,
        deterministic=False,
        outputs={"out": Output("INT")},
        params=P,
    )
    def seeded(ctx, params: P) -> dict:
        return {"out": ctx.seed}

    eng = Engine(Registry([seeded]), output_dir=tmp_path)
    assert eng.run(workflow({"s": ("test.seeded", {"seed": 99})})).values["s"]["out"] == 99
    assert eng.run(workflow({"s": ("test.seeded", {"seed": 99})})).nodes["s"].cached  # seeded → cached


def test_lru_cache_is_bounded_in_bytes():
    import numpy as np

    cache = ResultCache(max_bytes=7_000)  # room for two 3000-byte entries with overhead
    for i in range(5):
        cache.put(f"k{i}", {"out": np.zeros(3000, np.uint8)})
    assert cache.bytes <= 7_000
    assert "k4" in cache and "k3" in cache and "k2" not in cache
    cache.get("k3")
    cache.put("k5", {"out": np.zeros(3000, np.uint8)})
    assert "k3" in cache and "k4" not in cache  # k3 was used more recently
    cache.put("huge", {"out": np.zeros(20_000, np.uint8)})
    assert "huge" not in cache


def test_a_stale_file_result_is_a_cache_miss(tmp_path):
    from nodes.datatypes import MediaFile

    cache = ResultCache()
    path = tmp_path / "v.mp4"
    path.write_bytes(b"x")
    cache.put("k", {"video": MediaFile(path, "video")})
    assert cache.get("k") is not None
    path.unlink()
    assert cache.get("k") is None


def test_a_failing_event_listener_does_not_break_the_run(engine):
    def broken(event):
        raise RuntimeError("listener bug")

    assert engine.run(diamond(), on_event=broken).status == "succeeded"


def test_synchronous_engine_gives_the_same_results(registry, tmp_path):
    sync = Engine(registry, output_dir=tmp_path, cpu_workers=0)
    result = sync.run(diamond(4, offset=1))
    assert result.values["s2"]["out"] == 5


@pytest.mark.parametrize("width", [50])
def test_wide_fan_out_completes(run, width):
    nodes = {"v": "test.value"} | {f"a{i}": ("test.add", {"offset": i}) for i in range(width)}
    nodes |= {f"s{i}": "test.sink" for i in range(width)}
    links = [["v", "out", f"a{i}", "a"] for i in range(width)] + [[f"a{i}", "out", f"s{i}", "a"] for i in range(width)]
    result = run(workflow(nodes, links))
    assert [result.values[f"s{i}"]["out"] for i in range(width)] == list(range(width))


def test_timeline_events_are_summarised_but_print_in_full():
    from nodes.datatypes import Timeline, TimelineEvent
    from server.engine import describe

    timeline = Timeline(2.0, tuple(TimelineEvent(i / 10, "footstep" if i % 3 else "flicker") for i in range(20)))
    assert describe(timeline) == {
        "type": "TIMELINE",
        "duration": 2.0,
        "events": 20,
        "kinds": {"flicker": 7, "footstep": 13},
    }
    assert len(describe(timeline, full=True)["events"]) == 20
