"""ComfyUI prompt ⇄ workflow conversion and the /object_info shape, without a server."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from server.app.comfy import node_info, prompt_to_workflow, widget_spec, workflow_to_prompt
from server.engine import Engine, Registry, Workflow
from server.engine.contract import Input, Output, Param, node
from tests import stub_nodes


class ChoiceParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["fast", "good"] = Param("fast", description="Speed or quality.")
    strength: float = Param(0.5, description="How much.", ge=0, le=1, step=0.05)
    label: str | None = Param(None, description="Optional label.")


@node(
    id="conv.choice",
    version="1.0.0",
    title="Choice",
    category="test",
    inputs={"a": Input("INT", "A number.")},
    outputs={"first": Output("INT"), "second": Output("TEXT")},
    params=ChoiceParams,
)
def choice(ctx, params: ChoiceParams, *, a: int) -> dict:
    return {"first": a, "second": params.mode}


def _registry() -> Registry:
    return Registry.from_modules([stub_nodes, "nodes.text.prompt", __name__])


def test_prompt_links_use_output_slots_in_declaration_order(tmp_path):
    registry = _registry()
    prompt = {
        "1": {"class_type": "srv.number", "inputs": {"value": 3}},
        "2": {"class_type": "conv.choice", "inputs": {"a": ["1", 0], "mode": "good"}, "_meta": {"title": "Pick"}},
        "3": {"class_type": "text.join", "inputs": {"first": ["2", 1], "separator": "-"}},
        4: {"class_type": "test.sink", "inputs": {"a": [2, 0]}},
    }
    doc, problems = prompt_to_workflow(prompt, registry)
    assert problems == []
    assert sorted(doc["links"]) == [["1", "out", "2", "a"], ["2", "first", "4", "a"], ["2", "second", "3", "first"]]
    assert doc["nodes"]["2"] == {"type": "conv.choice", "params": {"mode": "good"}, "title": "Pick"}
    engine = Engine(registry, output_dir=tmp_path, temp_dir=tmp_path)
    assert engine.validate(Workflow.from_json(doc)) == []
    back = workflow_to_prompt(doc, registry)
    assert back["3"]["inputs"] == {"separator": "-", "first": ["2", 1]}
    assert back["2"]["_meta"] == {"title": "Pick"}
    assert prompt_to_workflow(back, registry)[0] == doc
    engine.close()


def test_conversion_problems_name_the_node():
    registry = _registry()
    _, problems = prompt_to_workflow(
        {
            "1": {"class_type": "srv.number", "inputs": {}},
            "2": {"class_type": "test.sink", "inputs": {"a": ["1", 5]}},
            "3": {"class_type": "x.y", "inputs": {}},
            "4": {"class_type": "test.sink", "inputs": {"a": ["3", 0]}},
            "5": {"inputs": {}},
            "6": {"class_type": "test.sink", "inputs": [1]},
        },
        registry,
    )
    assert [(p.code, p.node, p.name) for p in problems] == [
        ("unknown_output", "2", "a"),
        ("unknown_node_type", "3", None),
        ("invalid_workflow", "5", None),
        ("invalid_workflow", "6", "inputs"),
    ]
    assert "has 1 outputs (out); slot 5" in problems[0].message
    assert prompt_to_workflow([], registry)[1][0].code == "invalid_workflow"
    # a list value that does not point at a node is a plain value, not a link
    doc, problems = prompt_to_workflow({"1": {"class_type": "srv.number", "inputs": {"value": ["9", 0]}}}, registry)
    assert doc["nodes"]["1"]["params"] == {"value": ["9", 0]} and doc["links"] == [] and problems == []


def test_object_info_widgets():
    info = node_info(choice)
    required = info["input"]["required"]
    assert required["a"] == ["INT", {"tooltip": "A number."}]
    assert required["mode"] == [["fast", "good"], {"default": "fast", "tooltip": "Speed or quality."}]
    assert required["strength"] == ["FLOAT", {"default": 0.5, "tooltip": "How much.", "min": 0, "max": 1, "step": 0.05}]
    assert required["label"][0] == "STRING" and required["label"][1]["default"] == ""  # null shown as an empty field
    assert info["output"] == ["INT", "TEXT"] and info["output_name"] == ["first", "second"]
    assert info["input_order"]["required"] == ["a", "mode", "strength", "label"]
    assert widget_spec({"type": "object", "default": {}}, {}) == ["JSON", {"default": {}}]
    assert widget_spec({"$ref": "#/$defs/E"}, {"E": {"enum": [1, 2], "type": "integer"}}) == [[1, 2], {}]
