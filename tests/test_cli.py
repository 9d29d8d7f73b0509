"""The command line as a user meets it: real subprocesses, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUBS = "tests.stub_nodes"


def cli(*args: str, cwd: Path | None = None, extra_nodes: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if extra_nodes:
        env["REELGRAPH_EXTRA_NODES"] = STUBS
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, doc, name: str = "wf.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def wf(nodes: dict, links: list) -> dict:
    return {"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links}


CHAIN = wf(
    {
        "v": {"type": "test.value", "params": {"value": 2}},
        "a": {"type": "test.add", "params": {"offset": 3}},
        "s": {"type": "test.sink"},
    },
    [["v", "out", "a", "a"], ["a", "out", "s", "a"]],
)


def test_run_succeeds_with_a_table_and_exit_0(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "-o", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    assert "run succeeded" in out.stderr
    for node in ("v", "a", "s"):
        assert node in out.stderr


def test_print_writes_json_to_stdout(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--print", "a.out", "-q")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == 5


def test_print_of_a_whole_node_and_several_specs(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--print", "a", "--print", "v.out", "-q")
    assert json.loads(out.stdout) == {"a": {"out": 5}, "v.out": 2}


def test_set_overrides_a_parameter(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--set", "v.value=10", "--print", "s.out", "-q")
    assert json.loads(out.stdout) == 13


def test_set_with_a_bad_value_is_a_validation_error(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--set", "v.value=99999")
    assert out.returncode == 2
    assert out.stderr.startswith("v.value: invalid_value:")
    assert "Traceback" not in out.stderr


def test_set_on_a_missing_node_is_refused(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--set", "nope.value=1")
    assert out.returncode == 2 and "no node 'nope'" in out.stderr


def test_gpu_memory_must_be_a_positive_size(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--gpu-memory", "0")
    assert out.returncode == 2 and "--gpu-memory='0.0': must be more than 0 GiB" in out.stderr
    ok = cli("run", str(write(tmp_path, CHAIN)), "--gpu-memory", "12.5", "-q")
    assert ok.returncode == 0, ok.stderr


def test_only_runs_the_chosen_node_and_its_inputs(tmp_path):
    out = cli("run", str(write(tmp_path, CHAIN)), "--only", "v", "--print", "v.out", "-q")
    assert out.returncode == 0 and json.loads(out.stdout) == 2


def test_bypass_and_mute_from_the_command_line(tmp_path):
    path = write(tmp_path, CHAIN)
    out = cli("run", str(path), "--bypass", "a", "--print", "s.out", "-q")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == 2, "a's input passes straight through"
    muted = cli("run", str(path), "--mute", "v", "--print", "s.out", "-q")
    assert muted.returncode == 2 and "does not run (muted upstream)" in muted.stderr
    unknown = cli("run", str(path), "--bypass", "nope")
    assert unknown.returncode == 2 and "--bypass 'nope': no node 'nope'" in unknown.stderr
    assert json.loads(path.read_text()) == CHAIN, "the file is not changed"


def test_failed_run_exits_1_and_names_the_error(tmp_path):
    doc = wf({"f": {"type": "test.fail"}, "s": {"type": "test.sink"}}, [["f", "out", "s", "a"]])
    out = cli("run", str(write(tmp_path, doc)))
    assert out.returncode == 1
    assert "stub failure" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{oops", "invalid_json"),
        ("[]", "must be a JSON object"),
        ('{"format": "x", "version": 1, "nodes": {}, "links": []}', "unknown_format"),
        ('{"format": "reelgraph.workflow", "version": 7, "nodes": {}, "links": []}', "version 7 is not supported"),
        (json.dumps(wf({"s": {"type": "test.sink"}}, [["ghost", "out", "s", "a"]])), "unknown_node"),
        (
            json.dumps(wf({"v": {"type": "test.value"}, "s": {"type": "test.sink"}}, [["v", "zzz", "s", "a"]])),
            "s.a: unknown_output",
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(tmp_path, content, fragment):
    out = cli("run", str(write(tmp_path, content)), "-o", str(tmp_path / "out"))
    assert out.returncode == 2
    assert fragment in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "out").exists()


def test_missing_file_exits_2(tmp_path):
    out = cli("run", str(tmp_path / "nope.json"))
    assert out.returncode == 2 and "cannot read" in out.stderr


def test_validate_reports_one_line_per_problem(tmp_path):
    doc = wf(
        {
            "v": {"type": "test.value", "params": {"value": 5000}},
            "s": {"type": "test.sink"},
            "x": {"type": "text.promt"},
        },
        [],
    )
    out = cli("validate", str(write(tmp_path, doc)))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 3
    assert any(line.startswith("v.value: invalid_value:") for line in lines)
    assert any(line.startswith("s.a: missing_input:") for line in lines)
    assert any(line.startswith("x: unknown_node_type:") and "text.prompt" in line for line in lines)


def test_validate_ok(tmp_path):
    out = cli("validate", str(write(tmp_path, CHAIN)))
    assert out.returncode == 0 and "ok" in out.stdout


def test_ten_thousand_node_workflow_runs(tmp_path):
    n = 10_000
    nodes = {"n0": {"type": "text.prompt", "params": {"text": "x"}}}
    nodes |= {f"n{i}": {"type": "text.join", "params": {}} for i in range(1, n)}
    links = [[f"n{i}", "text", f"n{i + 1}", "first"] for i in range(n - 1)]
    out = cli("run", str(write(tmp_path, wf(nodes, links))), "--only", f"n{n - 1}", "--print", f"n{n - 1}.text", "-q")
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout) == "x"


def test_nodes_lists_the_catalog():
    out = cli("nodes", extra_nodes=False)
    assert out.returncode == 0 and "text.prompt" in out.stdout
    catalog = json.loads(cli("nodes", "--json", extra_nodes=False).stdout)
    assert {"text.prompt", "value.seed"} <= {entry["id"] for entry in catalog}


def test_nodes_markdown_reference_is_derived_from_the_contracts():
    out = cli("nodes", "--markdown", extra_nodes=False)
    assert out.returncode == 0
    assert "### `text.prompt` — Prompt (1.0.0)" in out.stdout
    assert "| param `seed` | integer, 0–4294967295, default `0` |" in out.stdout
