"""Bypass and mute: what runs, what passes through, what validation says, and that the
modes survive the workflow file."""

from __future__ import annotations

import itertools

import pytest

from server.engine import Workflow, WorkflowInvalid
from tests import stub_nodes

from .helpers import workflow


def with_modes(wf: Workflow, **modes: str) -> Workflow:
    doc = wf.to_json()
    for node_id, mode in modes.items():
        doc["nodes"][node_id]["mode"] = mode
    return Workflow.from_json(doc)


def chain() -> Workflow:
    """v(5) → plus(+1) → sink;  v2(100) → plus.b (optional)."""
    return workflow(
        {
            "v": ("test.value", {"value": 5}),
            "v2": ("test.value", {"value": 100}),
            "plus": ("test.add", {"offset": 1}),
            "sink": "test.sink",
        },
        [["v", "out", "plus", "a"], ["v2", "out", "plus", "b"], ["plus", "out", "sink", "a"]],
    )


def test_bypass_passes_the_first_input_of_the_same_type_through(run) -> None:
    result = run(with_modes(chain(), plus="bypass"))
    assert result.status == "succeeded"
    assert sorted(run.ran()) == ["sink", "v"], "the bypassed node and what only fed it do not run"
    assert result.values["sink"]["out"] == 5


def test_a_chain_of_bypassed_nodes_passes_through_all_of_them(run) -> None:
    wf = workflow(
        {"v": ("test.value", {"value": 7}), "p1": "test.add", "p2": ("test.add", {"offset": 3}), "sink": "test.sink"},
        [["v", "out", "p1", "a"], ["p1", "out", "p2", "a"], ["p2", "out", "sink", "a"]],
    )
    result = run(with_modes(wf, p1="bypass", p2="bypass"))
    assert result.values["sink"]["out"] == 7
    assert sorted(run.ran()) == ["sink", "v"]


def test_mute_stops_the_node_and_what_needs_it_but_not_optional_readers(run) -> None:
    result = run(with_modes(chain(), v2="mute"))
    assert result.status == "succeeded"
    assert "v2" not in run.ran()
    assert result.values["sink"]["out"] == 6, "plus ran without its optional input"

    wf = chain().to_json()
    wf["nodes"]["other"] = {"type": "test.sink"}
    wf["links"].append(["v2", "out", "other", "a"])
    wf = with_modes(Workflow.from_json(wf), v="mute")
    stub_nodes.CALLS.clear()
    result = run(wf)
    assert sorted(run.ran()) == ["other", "v2"], "plus needs v (required input), so it and sink do not run"
    assert result.values["other"]["out"] == 100


def test_bypass_without_a_matching_input_is_a_validation_problem(engine) -> None:
    wf = workflow({"t": "test.text", "join": "text.join"}, [["t", "out", "join", "first"]])
    problems = engine.validate(with_modes(wf, t="bypass"), targets=["join"])
    assert [(p.code, p.node, p.name) for p in problems] == [("bypass_impossible", "t", "out")]
    assert "it has no TEXT input" in problems[0].message and "mute" in problems[0].message


def test_an_unlinked_input_of_the_right_type_is_named(engine) -> None:
    wf = workflow({"plus": "test.add", "sink": "test.sink"}, [["plus", "out", "sink", "a"]])
    [problem] = engine.validate(with_modes(wf, plus="bypass"))
    assert "input 'a' has no link" in problem.message


def test_a_muted_target_is_refused_and_an_unknown_mode_is_invalid(engine) -> None:
    problems = engine.validate(with_modes(chain(), sink="mute"), targets=["sink"])
    assert ("target_not_run", "sink") in [(p.code, p.node) for p in problems]
    doc = chain().to_json()
    doc["nodes"]["plus"]["mode"] = "sleep"
    with pytest.raises(WorkflowInvalid) as info:
        Workflow.from_json(doc)
    assert info.value.problems[0].node == "plus"


def test_modes_round_trip_the_file_and_change_the_cache_keys_downstream(run, tmp_path) -> None:
    wf = with_modes(chain(), plus="bypass")
    path = tmp_path / "wf.json"
    wf.save(path)
    again = Workflow.load(path)
    assert again.nodes["plus"].extra == {"mode": "bypass"}
    assert again.dumps() == wf.dumps()
    assert run(again).values["sink"]["out"] == 5
    assert run(chain()).values["sink"]["out"] == 106, "un-bypassed, the same graph computes again, not from the cache"


def long_chain(n: int, modes: dict[str, str], *, reverse_links: bool) -> Workflow:
    """v → p0 → p1 → … → p{n-1} → sink, with node ``modes``; links listed backwards if asked."""
    nodes = {"v": {"type": "test.value", "params": {"value": 7}}, "sink": {"type": "test.sink", "params": {}}}
    nodes |= {f"p{i}": {"type": "test.add", "params": {}} for i in range(n)}
    for node_id, mode in modes.items():
        nodes[node_id]["mode"] = mode
    names = ["v", *(f"p{i}" for i in range(n)), "sink"]
    links = [[a, "out", b, "a"] for a, b in itertools.pairwise(names)]
    if reverse_links:
        links.reverse()
    return Workflow.from_json({"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links})


def test_twenty_thousand_bypassed_nodes_resolve_without_recursion(run) -> None:
    """A hostile file: the longest chain a workflow may hold, all bypassed, links backwards."""
    result = run(long_chain(19_990, {f"p{i}": "bypass" for i in range(19_990)}, reverse_links=True))
    assert result.values["sink"]["out"] == 7 and sorted(run.ran()) == ["sink", "v"]


def test_a_mute_at_the_head_of_a_long_backwards_chain_stops_everything_after_it(run) -> None:
    doc = long_chain(19_990, {"p0": "mute"}, reverse_links=True).to_json()
    doc["nodes"] |= {"w": {"type": "test.value", "params": {"value": 1}}, "other": {"type": "test.sink", "params": {}}}
    doc["links"].append(["w", "out", "other", "a"])
    result = run(Workflow.from_json(doc))
    assert result.status == "succeeded" and sorted(run.ran()) == ["other", "w"]
