"""Subgraphs in the workflow file: flattened before planning, run and cached per inner node,
exposed sockets and parameters, nesting, modes, and clear problems for bad references."""

from __future__ import annotations

from server.engine import Workflow
from tests import stub_nodes

# "plus2": a → add(+1) → add(+1) → out; the first offset is exposed as "first".
PLUS2 = {
    "title": "Plus two",
    "nodes": {
        "p": {"type": "test.add", "params": {"offset": 1}},
        "q": {"type": "test.add", "params": {"offset": 1}},
    },
    "links": [["p", "out", "q", "a"]],
    "inputs": {"a": [["p", "a"]]},
    "outputs": {"out": ["q", "out"]},
    "params": {"first": ["p", "offset"]},
}


def doc(nodes: dict, links: list, subgraphs: dict | None = None) -> Workflow:
    return Workflow.from_json(
        {
            "format": "reelgraph.workflow",
            "version": 1,
            "nodes": nodes,
            "links": links,
            "subgraphs": subgraphs if subgraphs is not None else {"plus2": PLUS2},
        }
    )


def test_a_subgraph_runs_as_its_inner_nodes_with_exposed_params(run) -> None:
    wf = doc(
        {
            "v": {"type": "test.value", "params": {"value": 10}},
            "g": {"type": "subgraph:plus2", "params": {"first": 5}},
            "sink": {"type": "test.sink"},
        },
        [["v", "out", "g", "a"], ["g", "out", "sink", "a"]],
    )
    result = run(wf)
    assert result.status == "succeeded"
    assert result.values["sink"]["out"] == 16
    assert sorted(run.ran()) == ["g:p", "g:q", "sink", "v"]

    stub_nodes.CALLS.clear()
    wf.nodes["g"].params["first"] = 6
    assert run(wf).values["sink"]["out"] == 17
    assert sorted(run.ran()) == ["g:p", "g:q", "sink"], "cached per inner node: v is not run again"


def test_two_uses_of_one_definition_and_nesting(run) -> None:
    outer = {
        "nodes": {"a": {"type": "subgraph:plus2"}, "b": {"type": "subgraph:plus2", "params": {"first": 10}}},
        "links": [["a", "out", "b", "a"]],
        "inputs": {"x": [["a", "a"]]},
        "outputs": {"y": ["b", "out"]},
    }
    wf = doc(
        {
            "v": {"type": "test.value", "params": {"value": 1}},
            "once": {"type": "subgraph:plus2"},
            "nest": {"type": "subgraph:plus4"},
            "s1": {"type": "test.sink"},
            "s2": {"type": "test.sink"},
        },
        [["v", "out", "once", "a"], ["v", "out", "nest", "x"], ["once", "out", "s1", "a"], ["nest", "y", "s2", "a"]],
        {"plus2": PLUS2, "plus4": outer},
    )
    result = run(wf)
    assert result.values["s1"]["out"] == 3
    assert result.values["s2"]["out"] == 1 + 2 + 11
    assert "nest:b:q" in run.ran()


def test_bad_references_are_problems_on_the_subgraph_node(engine) -> None:
    wf = doc(
        {
            "v": {"type": "test.value"},
            "g": {"type": "subgraph:plus2", "params": {"nope": 1}},
            "h": {"type": "subgraph:missing"},
            "sink": {"type": "test.sink"},
        },
        [["v", "out", "g", "b"], ["g", "out", "sink", "a"]],
    )
    problems = {(p.code, p.node, p.name): p.message for p in engine.validate(wf)}
    assert ("unknown_param", "g", "nope") in problems
    assert "parameters: first" in problems[("unknown_param", "g", "nope")]
    assert ("unknown_input", "g", "b") in problems
    assert ("unknown_subgraph", "h", None) in problems
    assert ("missing_input", "g:p", "a") in problems, "the inner input the outer link would have fed"


def test_a_subgraph_that_contains_itself_is_refused(engine) -> None:
    loop = {"nodes": {"inner": {"type": "subgraph:loop"}}, "links": []}
    wf = doc({"g": {"type": "subgraph:loop"}, "s": {"type": "test.sink"}}, [], {"loop": loop})
    assert "subgraph_cycle" in [p.code for p in engine.validate(wf)]


def test_muting_the_subgraph_node_mutes_its_inner_nodes(run) -> None:
    wf = doc(
        {
            "v": {"type": "test.value", "params": {"value": 4}},
            "g": {"type": "subgraph:plus2", "mode": "bypass"},
            "sink": {"type": "test.sink"},
        },
        [["v", "out", "g", "a"], ["g", "out", "sink", "a"]],
    )
    assert run(wf).values["sink"]["out"] == 4, "bypassed as a whole: the value passes through"


def test_subgraphs_round_trip_the_file(tmp_path) -> None:
    wf = doc({"g": {"type": "subgraph:plus2", "params": {"first": 2}}}, [])
    path = tmp_path / "wf.json"
    wf.save(path)
    assert Workflow.load(path).dumps() == wf.dumps()
    assert Workflow.load(path).extra["subgraphs"]["plus2"] == PLUS2


def test_a_subgraph_node_as_a_target_runs_what_makes_its_outputs(run) -> None:
    wf = doc(
        {
            "v": {"type": "test.value", "params": {"value": 1}},
            "g": {"type": "subgraph:plus2"},
            "sink": {"type": "test.sink"},
        },
        [["v", "out", "g", "a"], ["g", "out", "sink", "a"]],
    )
    result = run(wf, targets=["g"])
    assert sorted(run.ran()) == ["g:p", "g:q", "v"], "not the sink downstream"
    assert result.values["g:q"]["out"] == 3


def test_nested_subgraphs_that_would_expand_past_the_node_limit_are_refused(engine) -> None:
    """Ten uses of a subgraph that uses ten of the next, eight levels deep, is 10^8 nodes: a
    billion-laughs file. Expansion stops at the workflow node limit with a clear problem."""
    from server.engine.workflow import MAX_NODES

    levels = {}
    for depth in range(6):
        inner = "test.value" if depth == 0 else f"subgraph:level{depth - 1}"
        levels[f"level{depth}"] = {
            "nodes": {f"n{i}": {"type": inner, "params": {}} for i in range(10)},
            "links": [],
        }
    doc = {
        "format": "reelgraph.workflow",
        "version": 1,
        "nodes": {f"top{i}": {"type": "subgraph:level5", "params": {}} for i in range(10)},
        "links": [],
        "subgraphs": levels,
    }
    problems = engine.validate(Workflow.from_json(doc))
    assert [p.code for p in problems if p.code == "too_large"] == ["too_large"]
    assert f"{MAX_NODES:,}" in next(p.message for p in problems if p.code == "too_large")
