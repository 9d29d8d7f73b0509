"""The workflow file: schema, canonical bytes, atomic save."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from server.engine import Workflow
from server.engine.workflow import SCHEMA_PATH

WORKFLOWS = sorted((Path(__file__).parents[2] / "workflows").glob("*.json"))

DOC = {
    "format": "reelgraph.workflow",
    "version": 1,
    "title": "T",
    "description": "D",
    "nodes": {"p": {"type": "text.prompt", "params": {"text": "hi ✨"}, "ui": {"pos": [1, 2]}, "color": "#fff"}},
    "links": [["p", "text", "q", "first"]],
    "ui": {"view": {"offset": [0, 0], "scale": 1.0}, "groups": []},
    "meta": {"node_versions": {"text.prompt": "1.0.0"}, "models": {}},
    "x_custom": {"kept": True},
}


def test_schema_is_valid_draft7_and_accepts_the_example():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(DOC)


def test_load_save_round_trips_to_identical_bytes(tmp_path):
    text = Workflow.from_json(DOC).dumps()
    path = tmp_path / "w.json"
    path.write_text(text, encoding="utf-8")
    Workflow.load(path).save(path)
    assert path.read_text(encoding="utf-8") == text
    assert json.loads(text) == DOC  # nothing lost, unknown keys kept


def test_links_are_one_per_line():
    text = Workflow.from_json(DOC).dumps()
    assert '["p", "text", "q", "first"]' in text


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "w.json"
    Workflow.from_json(DOC).save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_shipped_workflows_are_canonical(path):
    assert Workflow.load(path).dumps() == path.read_text(encoding="utf-8")
