"""The understanding chain through the real engine and CLI: prompt -> analyze -> graph -> shots -> style."""

from __future__ import annotations

import json
from pathlib import Path

from server.cli import main as cli_main
from server.engine import Engine, Registry, Workflow

WORKFLOW = Path(__file__).parent.parent / "data" / "understand_workflow.json"
MODULES = [
    "nodes.text.prompt",
    "nodes.text.analyze",
    "nodes.scene.graph_node",
    "nodes.scene.shots_node",
    "nodes.style.embed",
    "nodes.scene.picture_node",
]


def test_engine_runs_the_chain_and_writes_pictures(tmp_path) -> None:
    engine = Engine(Registry.from_modules(MODULES), output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp")
    workflow = Workflow.load(WORKFLOW)
    assert engine.validate(workflow, ["pictures", "style"]) == []
    result = engine.run(workflow, targets=["pictures", "style"])
    assert result.status == "succeeded", result.to_json()
    scene = result.values["graph"]["scene"]
    assert scene.settings["setting"] == "city_street"
    assert result.values["shots"]["shots"].duration == 10.0
    assert result.values["style"]["style"].axis("neon") > 0.8
    files = result.values["pictures"]["files"].extra["files"]
    assert sorted(Path(f).name for f in files) == [
        "scene_graph.png",
        "scene_graph.svg",
        "storyboard.png",
        "storyboard.svg",
    ]
    engine.close()


def test_cli_print_shows_the_facts(tmp_path, capsys) -> None:
    code = cli_main(
        [
            "run",
            str(WORKFLOW),
            "-o",
            str(tmp_path),
            "-q",
            "--print",
            "graph.scene",
            "--print",
            "shots.shots",
            "--print",
            "style.style",
            "--print",
            "analyze.doc",
        ]
    )
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    nodes = {n["id"]: n for n in printed["graph.scene"]["nodes"]}
    labels = {n["label"] for n in nodes.values() if n.get("kind") == "entity"}
    assert {"woman", "street", "jacket", "dress", "boot", "sunglasses", "lipstick", "people"} <= labels
    wear = [
        (nodes[e["source"]]["label"], nodes[e["target"]]["label"])
        for e in printed["graph.scene"]["links"]
        if e["kind"] == "wear"
    ]
    assert ("woman", "jacket") in wear and ("woman", "lipstick") in wear
    assert printed["analyze.doc"]["backend"] == "builtin"
    assert printed["shots.shots"]["shots"][0]["camera"]["move"] == "track"
    assert "neon" in printed["style.style"]["tags"]
