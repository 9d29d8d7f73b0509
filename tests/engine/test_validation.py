"""Validation reports every problem at once, each with a stable code, node and name."""

from __future__ import annotations

import json

import pytest

from server.engine import Workflow, WorkflowInvalid

from .helpers import workflow


def codes(problems):
    return sorted((p.code, p.node, p.name) for p in problems)


def test_valid_workflow_has_no_problems(engine):
    wf = workflow({"v": "test.value", "s": "test.sink"}, [["v", "out", "s", "a"]])
    assert engine.validate(wf) == []


def test_several_problems_are_reported_at_once(engine):
    wf = workflow(
        {
            "v": ("test.value", {"value": 5000, "mode": "triple", "bogus": 1}),
            "s": "test.sink",
            "x": "test.nope",
            "t": "test.text",
            "a": "test.add",
        },
        [["t", "out", "a", "a"], ["v", "out", "a", "zzz"]],
    )
    got = codes(engine.validate(wf))
    assert ("invalid_value", "v", "value") in got
    assert ("invalid_value", "v", "mode") in got
    assert ("unknown_param", "v", "bogus") in got
    assert ("missing_input", "s", "a") in got
    assert ("unknown_node_type", "x", None) in got
    assert ("type_mismatch", "a", "a") in got
    assert ("unknown_input", "a", "zzz") in got
    assert len(got) == 7


def test_out_of_range_message_names_the_allowed_range(engine):
    wf = workflow({"v": ("test.value", {"value": 5000}), "s": "test.sink"}, [["v", "out", "s", "a"]])
    [problem] = engine.validate(wf)
    assert problem.code == "invalid_value" and problem.node == "v" and problem.name == "value"
    assert "from -1000 to 1000" in problem.message and "5000" in problem.message


def test_value_not_among_choices_lists_the_choices(engine):
    wf = workflow({"v": ("test.value", {"mode": "triple"}), "s": "test.sink"}, [["v", "out", "s", "a"]])
    [problem] = engine.validate(wf)
    assert problem.name == "mode" and "'plain', 'double'" in problem.message


def test_cycle_is_named_with_its_nodes(engine):
    wf = workflow(
        {"a": "test.add", "b": "test.add", "c": "test.add", "v": "test.value", "s": "test.sink"},
        [["a", "out", "b", "a"], ["b", "out", "c", "a"], ["c", "out", "a", "a"], ["c", "out", "s", "a"]],
    )
    [problem] = engine.validate(wf)
    assert problem.code == "dependency_cycle"
    assert all(n in problem.message for n in ("a", "b", "c")) and "→" in problem.message


def test_unknown_node_type_suggests_a_close_match(engine):
    wf = workflow({"p": "text.promt", "s": "test.sink"})
    problems = {p.code: p for p in engine.validate(wf)}
    assert "did you mean 'text.prompt'" in problems["unknown_node_type"].message


def test_missing_required_input(engine):
    problems = engine.validate(workflow({"s": "test.sink"}))
    assert codes(problems) == [("missing_input", "s", "a")]


def test_wrong_socket_type(engine):
    wf = workflow({"t": "test.text", "s": "test.sink"}, [["t", "out", "s", "a"]])
    [problem] = engine.validate(wf)
    assert problem.code == "type_mismatch" and "takes INT" in problem.message and "gives TEXT" in problem.message


def test_link_to_missing_node_and_missing_output(engine):
    wf = workflow({"v": "test.value", "s": "test.sink"}, [["ghost", "out", "s", "a"], ["v", "nope", "s", "a"]])
    got = codes(engine.validate(wf))
    assert ("unknown_node", "ghost", None) in got and ("unknown_output", "s", "a") in got
    message = next(p.message for p in engine.validate(wf) if p.code == "unknown_output")
    assert "v.nope" in message and "s.a" in message  # both ends of the link


def test_no_output_nodes(engine):
    [problem] = engine.validate(workflow({"v": "test.value"}))
    assert problem.code == "no_outputs"


def test_unknown_target(engine):
    problems = engine.validate(workflow({"v": "test.value"}), targets=["nope"])
    assert codes(problems) == [("unknown_target", "nope", None)]


def test_empty_prompt_is_a_validation_error_naming_the_node(engine):
    wf = workflow({"p": ("text.prompt", {"text": "   "})})
    [problem] = engine.validate(wf, targets=["p"])
    assert (problem.code, problem.node, problem.name) == ("invalid_value", "p", "text")
    assert "empty" in problem.message


def test_version_mismatch_without_migration(engine):
    wf = workflow(
        {"v": "test.value", "s": "test.sink"}, [["v", "out", "s", "a"]], meta={"node_versions": {"test.value": "0.9.0"}}
    )
    [problem] = engine.validate(wf)
    assert problem.code == "version_mismatch" and "0.9.0" in problem.message and "1.0.0" in problem.message


def test_declared_migration_upgrades_old_params(engine):
    wf = workflow({"m": ("test.migrated", {"number": 12})}, meta={"node_versions": {"test.migrated": "1.4.0"}})
    result = engine.run(wf, targets=["m"])
    assert result.values["m"]["out"] == 12


def test_same_major_version_is_compatible(engine):
    wf = workflow(
        {"v": "test.value", "s": "test.sink"}, [["v", "out", "s", "a"]], meta={"node_versions": {"test.value": "1.3.2"}}
    )
    assert engine.validate(wf) == []


def test_running_an_invalid_workflow_raises_with_all_problems(engine):
    wf = workflow({"s": "test.sink", "x": "test.nope"})
    with pytest.raises(WorkflowInvalid) as info:
        engine.run(wf)
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_workflow"),
        ('{"format": "other", "version": 1, "nodes": {}, "links": []}', "unknown_format"),
        ('{"format": "reelgraph.workflow", "version": 99, "nodes": {}, "links": []}', "unknown_format"),
        ('{"format": "reelgraph.workflow", "version": 1, "nodes": {"a": {}}, "links": []}', "invalid_workflow"),
        ('{"format": "reelgraph.workflow", "version": 1, "nodes": {}, "links": [["a", "b"]]}', "invalid_workflow"),
    ],
)
def test_bad_files_give_one_clear_problem(text, code):
    with pytest.raises(WorkflowInvalid) as info:
        Workflow.loads(text)
    [problem] = info.value.problems
    assert problem.code == code and problem.message


def test_comfyui_prompt_gets_a_hint():
    with pytest.raises(WorkflowInvalid) as info:
        Workflow.from_json({"3": {"class_type": "KSampler", "inputs": {}}})
    assert "ComfyUI" in info.value.problems[0].message


def test_ten_thousand_node_workflow_validates(engine):
    n = 10_000
    nodes = {"n0": ("test.value", {"value": 1})} | {f"n{i}": ("test.add", {"offset": 1}) for i in range(1, n)}
    nodes["end"] = "test.sink"
    links = [[f"n{i}", "out", f"n{i + 1}", "a"] for i in range(n - 1)] + [[f"n{n - 1}", "out", "end", "a"]]
    wf = Workflow.loads(json.dumps(workflow(nodes, links).to_json()))
    assert engine.validate(wf) == []
