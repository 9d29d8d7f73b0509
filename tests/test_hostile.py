"""Hostile input at the engine and the command line: each reproducer from the hardening review,
and a property-based fuzzer over workflow mutations.

Promises: loading and validating never raises anything but ``WorkflowInvalid``; every problem
about a node names the node; the CLI exits 0, 1 or 2, never with a traceback, never hangs on
a device file or a FIFO. (The server's side is in ``tests/server/test_hostile_input.py``.)
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.engine import Engine, Registry, Workflow, WorkflowInvalid
from server.engine.jsondoc import JSONRejected, dumps, parse

from .hostile import EXAMPLES, NODE_CODES, mutated_texts

ROOT = Path(__file__).resolve().parents[1]
STUBS = "tests.stub_nodes"

BASE = {
    "format": "reelgraph.workflow",
    "version": 1,
    "title": "hostile base",
    "nodes": {
        "num": {"type": "value.number", "params": {"value": 3}},
        "v": {"type": "test.value", "params": {"value": 2}},
        "a": {"type": "test.add", "params": {"offset": 3}},
        "s": {"type": "test.sink", "params": {}},
        "g": {"type": "subgraph:plus", "params": {"offset": 1}, "mode": "bypass"},
        "s2": {"type": "test.sink", "params": {}},
    },
    "links": [
        ["v", "out", "a", "a"],
        ["num", "integer", "a", "b"],
        ["a", "out", "s", "a"],
        ["v", "out", "g", "a"],
        ["g", "out", "s2", "a"],
    ],
    "subgraphs": {
        "plus": {
            "nodes": {"x": {"type": "test.add", "params": {}}},
            "links": [],
            "inputs": {"a": [["x", "a"]]},
            "outputs": {"out": ["x", "out"]},
            "params": {"offset": ["x", "offset"]},
        }
    },
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    eng = Engine(Registry.from_modules([STUBS, "nodes.value", "nodes.text.prompt"]), cpu_workers=0)
    yield eng
    eng.close()


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REELGRAPH_EXTRA_NODES": STUBS}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )


# -- the fuzzer --------------------------------------------------------------------------------
def test_the_fuzzers_base_is_valid(engine):
    assert engine.validate(Workflow.from_json(BASE)) == []


@settings(max_examples=EXAMPLES * 5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_texts(BASE))
def test_fuzzed_workflows_give_problems_never_exceptions(engine, text):
    try:
        problems = engine.validate(Workflow.loads(text))
    except WorkflowInvalid as exc:
        problems = exc.problems
    for problem in problems:
        assert problem.message and problem.code
        if problem.code in NODE_CODES:
            assert problem.node is not None, problem
        json.loads(json.dumps(problem.to_json(), allow_nan=False))  # reportable as strict JSON


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 10, 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(mutated_texts(BASE), min_size=15, max_size=15))
def test_fuzzed_files_exit_0_or_2_without_a_traceback(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("fuzz")
    paths = []
    for k, text in enumerate(texts):
        path = folder / f"wf{k}.json"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        paths.append(str(path))
    out = cli("validate", *paths, timeout=120)
    assert out.returncode in (0, 2), out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr


# -- reproducers: parsing --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests 100000 levels"),
        ("[" * 600 + "]" * 600, "nests 600 levels"),
        ('{"x": ' + "9" * 5000 + "}", "5,000 digits"),
        ('{"x": NaN}', "NaN is not a JSON number"),
        ('{"x": -Infinity}', "-Infinity is not a JSON number"),
        ('{"x": 1e999}', "overflows to infinity"),
        ('{"title": "\\ud800"}', "/title: a string holds a lone UTF-16 surrogate"),
        ('{"nodes": {"a": {"type": "x", "type": "y"}}}', "duplicate key /nodes/a/type"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
    ],
)
def test_the_json_door_refuses_with_a_clear_message(text, fragment):
    with pytest.raises(JSONRejected) as caught:
        parse(text)
    assert fragment in str(caught.value)


def test_the_json_door_accepts_real_documents_unchanged():
    doc = {"t": '😀 [brackets] {in} "strings"', "n": [1, 2.5, -3, 10**20], "deep": [[[[]]]]}
    assert parse(json.dumps(doc)) == doc
    assert parse(json.dumps(doc, ensure_ascii=False).encode()) == doc


def test_nothing_non_finite_goes_out():
    assert dumps({"a": math.nan, "b": [math.inf, 1.5]}) == '{"a": null, "b": [null, 1.5]}'


# -- reproducers: the CLI ---------------------------------------------------------------------
def test_validate_refuses_device_files_and_fifos_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    out = cli("validate", "/dev/zero", str(fifo), timeout=30)  # a hang would time out
    assert out.returncode == 2
    assert out.stderr.count("not a regular file") == 2
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests 100000 levels deep"),
        ('{"a": ' + "1" * 4400 + "}", "4,400 digits"),
        ('{"format": "reelgraph.workflow", "format": "x"}', "duplicate key 'format'"),
    ],
)
def test_run_and_validate_exit_2_on_unparseable_files(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text)
    for command in ("validate", "run"):
        out = cli(command, str(path), "-o", str(tmp_path / "out")) if command == "run" else cli(command, str(path))
        assert out.returncode == 2, (command, out.stderr)
        assert fragment in out.stderr and "Traceback" not in out.stderr


def test_set_refuses_non_finite_numbers(tmp_path):
    path = tmp_path / "wf.json"
    path.write_text(json.dumps(BASE))
    for raw in ("NaN", "Infinity", "1e999"):
        out = cli("run", str(path), "-o", str(tmp_path / "out"), "--set", f"num.value={raw}")
        assert out.returncode == 2, out.stderr
        assert "finite" in out.stderr and "Traceback" not in out.stderr


def test_non_finite_numbers_built_in_python_are_refused_at_validation(engine):
    wf = Workflow.from_json(BASE)
    wf.nodes["num"].params["value"] = math.nan
    problems = engine.validate(wf)
    assert [(p.code, p.node, p.name) for p in problems] == [("invalid_value", "num", "value")]
    assert "finite" in problems[0].message


def test_a_linked_constant_out_of_range_in_the_tokyo_workflow_exits_2(tmp_path):
    doc = json.loads((ROOT / "workflows" / "tokyo_walk.json").read_text())
    doc["nodes"]["dur"] = {"type": "value.number", "params": {"value": 1_000_000}}
    doc["links"].append(["dur", "value", "shots", "duration"])
    doc["nodes"]["shots"]["params"].pop("duration", None)
    path = tmp_path / "tokyo_long.json"
    path.write_text(json.dumps(doc))
    out = cli("validate", str(path))
    assert out.returncode == 2, out.stderr
    assert "shots.duration: invalid_value" in out.stderr and "dur.value" in out.stderr


def test_bad_ids_and_links_name_their_culprits(engine):
    def problems_of(doc: dict) -> list:
        try:
            return engine.validate(Workflow.from_json(doc))
        except WorkflowInvalid as exc:
            return exc.problems

    bad_id = {**BASE, "nodes": {**BASE["nodes"], "bad id\n": {"type": "test.sink"}}}
    (problem,) = problems_of(bad_id)
    assert "'bad id\\n'" in problem.message and "is not allowed" in problem.message

    short_link = {**BASE, "links": [*BASE["links"], ["v", "out", "s", 3]]}
    (problem,) = problems_of(short_link)
    assert '["v", "out", "s", 3]' in problem.message

    duplicate = {**BASE, "links": [*BASE["links"], ["num", "integer", "s", "a"]]}
    (problem,) = problems_of(duplicate)
    assert problem.code == "duplicate_link" and "a.out" in problem.message and "num.integer" in problem.message


def test_file_stems_and_names_must_match_in_full():
    from nodes.naming import check_file_stem

    check_file_stem("tokyo")
    for bad in ("tokyo\n", "../x", ".", ""):
        with pytest.raises(ValueError, match="not a safe file name"):
            check_file_stem(bad)


def test_a_run_id_that_is_not_one_plain_name_is_refused(engine):
    for bad in ("..", ".", "a\n", "a/b", ""):
        with pytest.raises(ValueError, match="run id"):
            engine.run(Workflow.from_json(BASE), run_id=bad)
