"""A third-party node pack, installed for real: the sample pack under tests/packs/sample_pack is
built and installed with pip into a temporary folder (never into the shared environment), then
found through its ``reelgraph.nodes`` entry point by the CLI (a subprocess with that folder on
PYTHONPATH) and by a live server (the editor's catalog and ComfyUI's /object_info). Broken and
clashing packs are reported by name and left out."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from server.engine import Registry

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "tests" / "packs" / "sample_pack"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample pack installed with pip (offline, no build isolation) into its own folder."""
    work = tmp_path_factory.mktemp("pack")
    source = shutil.copytree(PACK, work / "src")  # the build writes beside the sources
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--target", str(target), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (target / "reelgraph_sample_pack" / "nodes.py").is_file()
    return target


def cli(site: Path, *args: str, extra: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "REELGRAPH_EXTRA_NODES": extra}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )


WORKFLOW = {
    "format": "reelgraph.workflow",
    "version": 1,
    "nodes": {
        "prompt": {"type": "text.prompt", "params": {"text": "neon rain, neon signs and rain on neon streets"}},
        "tally": {"type": "sample.tally", "params": {"min_length": 4}},
        "top": {"type": "sample.top", "params": {"n": 2}},
    },
    "links": [["prompt", "text", "tally", "text"], ["tally", "tally", "top", "tally"]],
}


def test_the_cli_lists_and_runs_the_installed_pack(site, tmp_path):
    listing = cli(site, "nodes", "--json")
    assert listing.returncode == 0, listing.stderr
    catalog = {n["id"]: n for n in json.loads(listing.stdout)}
    assert catalog["sample.tally"]["pack"] == "sample (reelgraph-sample-pack)"
    assert catalog["sample.tally"]["outputs"]["tally"]["type"] == "TALLY"
    assert "pack" not in catalog["text.prompt"]

    path = tmp_path / "wf.json"
    path.write_text(json.dumps(WORKFLOW))
    run = cli(site, "run", str(path), "-o", str(tmp_path / "out"), "--print", "top.words", "--print", "tally.tally")
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert printed["top.words"] == "neon, rain"
    assert printed["tally.tally"] == {"counts": {"neon": 3, "rain": 2, "signs": 1, "streets": 1}}


def test_the_server_offers_the_pack_in_the_editor_catalog_and_object_info(site, tmp_path, monkeypatch):
    from tests.server.conftest import LiveServer, make_config

    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    registry = Registry.discover()
    assert registry.pack_of("sample.top") == "sample (reelgraph-sample-pack)" and not registry.problems
    server = LiveServer(make_config(tmp_path), registry).start()
    try:
        with urllib.request.urlopen(server.url("/api/nodes"), timeout=30) as resp:
            native = json.load(resp)
        with urllib.request.urlopen(server.url("/object_info"), timeout=30) as resp:
            comfy = json.load(resp)
    finally:
        server.stop()
    ids = {n["id"] for n in native["nodes"]}
    assert {"sample.tally", "sample.top"} <= ids and native["sockets"]["TALLY"]["color"] == "#4caf50"
    assert native["pack_problems"] == []
    assert comfy["sample.tally"]["output"] == ["TALLY"]
    assert comfy["sample.top"]["input"]["required"]["tally"][0] == "TALLY"


def test_broken_and_clashing_packs_are_reported_by_name_and_left_out(tmp_path):
    folder = tmp_path / "custom_nodes"
    folder.mkdir()
    (folder / "broken_pack.py").write_text("import this_module_does_not_exist\n")
    (folder / "clash_pack.py").write_text(
        "from server.engine import Output, node\n\n"
        "@node(id='text.prompt', version='1.0.0', title='Mine', category='text', outputs={'t': Output('TEXT')})\n"
        "def mine(ctx, params):\n    return {'t': ''}\n"
    )
    (folder / "fine_pack.py").write_text(
        "from server.engine import Output, node\n\n"
        "def fine(ctx, params):\n    return {'n': 1}\n\n"
        "fine = node(id='fine.one', version='1.0.0', title='One', category='fine', outputs={'n': Output('INT')})(fine)\n"
    )
    registry = Registry.discover(extra_modules=[str(folder)], installed=False)
    problems = {p.pack: p.error for p in registry.problems}
    assert set(problems) == {"broken_pack", "clash_pack"}
    assert "ModuleNotFoundError" in problems["broken_pack"] and "this_module_does_not_exist" in problems["broken_pack"]
    assert "'text.prompt' is declared twice" in problems["clash_pack"] and "pack 'clash_pack'" in problems["clash_pack"]
    assert "fine.one" in registry and registry.get("text.prompt").title == "Prompt"  # node(...)(fn) is found


def test_the_cli_reports_a_broken_pack_and_goes_on(site, tmp_path):
    (tmp_path / "broken_pack.py").write_text("raise RuntimeError('boom')\n")
    listing = cli(site, "nodes", extra=str(tmp_path))
    assert listing.returncode == 0
    assert "node pack 'broken_pack' not loaded: RuntimeError: boom" in listing.stderr
    assert "sample.tally" in listing.stdout
