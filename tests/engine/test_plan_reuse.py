"""Validation and planning at scale: plans reused by content, capped messages, own codes,
and where nodes run (the calling thread for cpu_workers=0 and for trivial nodes)."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from pydantic import BaseModel, ConfigDict

from server.engine import Engine, Input, Output, Param, Registry, WorkflowInvalid, node
from server.engine import engine as engine_module
from server.engine.contract import NodeDef
from tests import stub_nodes

from .helpers import workflow


def chain(n: int, offset: int = 1, **extra) -> object:
    nodes = {"v": "test.value"} | {f"n{i}": ("test.add", {"offset": offset}) for i in range(n)} | {"s": "test.sink"}
    ids = ["v", *(f"n{i}" for i in range(n)), "s"]
    return workflow(nodes, [[a, "out", b, "a"] for a, b in pairwise(ids)], **extra)


def test_a_validated_plan_is_reused_whatever_the_title_or_layout(engine):
    first = engine.plan(chain(5))
    assert engine.plan(chain(5, title="Renamed", ui={"zoom": 2})) is first
    assert engine.plan(chain(5, offset=2)) is not first, "another parameter is another plan"
    assert engine.plan(chain(5), targets=["n2"]) is not first, "other targets are another plan"


def test_a_validated_workflow_runs_on_the_plan_validation_made(engine):
    assert engine.validate(chain(4)) == []
    [remembered] = engine._plans.values()
    assert engine.plan(chain(4, title="again")) is remembered


def test_an_invalid_workflow_is_never_remembered(engine):
    bad = chain(3, offset="x")
    assert engine.validate(bad)
    for _ in range(2):
        with pytest.raises(WorkflowInvalid):
            engine.plan(bad)
    assert not engine._plans


def test_a_reused_plan_runs_fully_cached_without_calling_nodes(engine):
    first = engine.run(chain(50))
    stub_nodes.CALLS.clear()
    again = engine.run(chain(50))
    assert stub_nodes.CALLS == [] and all(r.cached for r in again.nodes.values())
    assert again.values["s"]["out"] == first.values["s"]["out"] == 50


def test_a_fully_cached_rerun_parses_no_parameters_builds_no_context_and_makes_no_folder(engine, monkeypatch):
    engine.run(chain(20))
    made: list[str] = []
    parsed: list[str] = []
    real_context, real_parse = engine_module.NodeContext, NodeDef.parse_params
    monkeypatch.setattr(engine_module, "NodeContext", lambda **kw: made.append(kw["node_id"]) or real_context(**kw))
    monkeypatch.setattr(NodeDef, "parse_params", lambda d, values: parsed.append(d.id) or real_parse(d, values))
    monkeypatch.setattr(engine_module, "scratch_folder", lambda path: pytest.fail(f"made a scratch folder {path}"))
    again = engine.run(chain(20, title="again"))
    assert all(r.cached for r in again.nodes.values()) and again.values["s"]["out"] == 20
    assert made == [] and parsed == []


def test_a_memoised_key_whose_result_was_evicted_runs_the_node_in_its_scratch_folder(engine, tmp_path):
    first = engine.run(chain(3, offset=2))
    engine.cache.clear()  # the plan still knows every key; the values are gone
    stub_nodes.CALLS.clear()
    seen: list[bool] = []
    engine.run(
        chain(3, offset=2), run_id="evicted", on_event=lambda e: seen.append((tmp_path / "tmp/evicted").is_dir())
    )
    assert [n for n, _ in stub_nodes.CALLS] == ["v", "n0", "n1", "n2", "s"]
    assert engine.run(chain(3, offset=2)).values == first.values
    assert any(seen) and not (tmp_path / "tmp/evicted").exists(), "made for the nodes, removed after the run"


def test_a_ten_thousand_node_cycle_is_one_short_message(engine):
    n = 10_000
    ids = [f"n{i}" for i in range(n)]
    links = [[a, "out", b, "a"] for a, b in zip(ids, ids[1:] + ids[:1])] + [[ids[-1], "out", "s", "a"]]
    [problem] = engine.validate(workflow({i: "test.add" for i in ids} | {"s": "test.sink"}, links))
    assert problem.code == "dependency_cycle"
    assert "… and 9981 more" in problem.message and len(problem.message) < 400


def test_a_misspelt_parameter_has_its_own_code_and_a_suggestion(engine):
    [problem] = engine.validate(
        workflow({"v": ("test.value", {"vaule": 1}), "s": "test.sink"}, [["v", "out", "s", "a"]])
    )
    assert (problem.code, problem.node, problem.name) == ("unknown_param", "v", "vaule")
    assert "did you mean 'value'?" in problem.message


THREADS: list[tuple[str, str]] = []


class TagParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tag: int = Param(0, description="Makes nodes distinct.")


@node(id="where.root", version="1.0.0", title="Root", category="test", outputs={"n": Output("INT")}, params=TagParams)
def root(ctx, params: TagParams) -> dict:
    THREADS.append((ctx.node_id, threading.current_thread().name))
    return {"n": params.tag}


@node(
    id="where.leaf",
    version="1.0.0",
    title="Leaf",
    category="test",
    output=True,
    inputs={"a": Input("INT")},
    outputs={"n": Output("INT")},
    params=TagParams,
)
def leaf(ctx, params: TagParams, *, a: int) -> dict:
    THREADS.append((ctx.node_id, threading.current_thread().name))
    return {"n": a + params.tag}


def fan_out(width: int):
    nodes = {"r": "where.root"} | {f"l{i}": ("where.leaf", {"tag": i}) for i in range(width)}
    return workflow(nodes, [["r", "n", f"l{i}", "a"] for i in range(width)])


@pytest.fixture
def where(tmp_path):
    def make(workers: int) -> Engine:
        THREADS.clear()
        return Engine(Registry([root, leaf]), output_dir=tmp_path, temp_dir=tmp_path / "tmp", cpu_workers=workers)

    return make


def test_cpu_workers_zero_runs_every_node_on_the_calling_thread(where):
    engine = where(0)
    result = engine.run(fan_out(6))
    assert result.status == "succeeded" and len(THREADS) == 7
    assert {name for _, name in THREADS} == {threading.current_thread().name}
    engine.close()


def test_known_trivial_nodes_of_a_fan_out_run_inline_and_unknown_ones_in_the_pool(where, monkeypatch):
    monkeypatch.setattr(engine_module, "TRIVIAL_SECONDS", 3600.0)  # any recorded time counts as trivial
    engine = where(2)
    engine.run(fan_out(6))
    pooled = [n for n, name in THREADS if name.startswith("reelgraph-cpu")]
    assert pooled, "never run before: the leaves go to the pool"
    THREADS.clear()
    engine.cache.clear()
    engine.run(fan_out(6))
    assert {name for _, name in THREADS} == {threading.current_thread().name}
    engine.close()


def test_a_node_type_that_was_slow_goes_back_to_the_pool(where, monkeypatch):
    monkeypatch.setattr(engine_module, "TRIVIAL_SECONDS", 1e-12)  # nothing real is this fast
    engine = where(2)
    engine.timings["where.leaf"] = 0.0  # as if trivial, until its next run says otherwise
    engine.run(fan_out(4))
    names = dict(THREADS)
    assert names["l0"] == threading.current_thread().name, "the first leaf believed trivial ran inline"
    assert engine.timings["where.leaf"] > 1e-12
    assert any(names[f"l{i}"].startswith("reelgraph-cpu") for i in range(1, 4)), "then measured, the rest pooled"
    engine.close()
