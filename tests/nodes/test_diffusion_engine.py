"""The diffusion nodes in a workflow through the real engine: progress events with previews,
the engine's result cache, the manager keeping the model resident, and errors on the widget."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from server.engine import Engine, Event, Registry, Workflow
from server.models import ModelManager
from tests.models.tiny import block_network, tiny_model


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_modules(
        ["nodes.text.prompt", "nodes.diffusion.load", "nodes.video.diffuse", "nodes.audio.diffuse"]
    )


def workflow(model: str) -> Workflow:
    return Workflow.from_json(
        {
            "format": "reelgraph.workflow",
            "version": 1,
            "nodes": {
                "prompt": {"type": "text.prompt", "params": {"text": "rain on a neon street"}},
                "model": {"type": "diffusion.load", "params": {"model": model}},
                "video": {
                    "type": "video.diffuse",
                    "params": {"steps": 2, "width": 16, "height": 16, "clip_frames": 5, "fps": 8, "seed": 3},
                },
                "sound": {"type": "audio.diffuse", "params": {"steps": 2, "seconds": 1.0}},
                "sound_model": {"type": "diffusion.load", "params": {"model": str(tiny_model("stable_audio"))}},
            },
            "links": [
                ["prompt", "text", "video", "text"],
                ["model", "pipeline", "video", "pipeline"],
                ["prompt", "text", "sound", "text"],
                ["sound_model", "pipeline", "sound", "pipeline"],
            ],
        }
    )


def run(engine: Engine, wf: Workflow) -> tuple[object, list[Event]]:
    events: list[Event] = []
    result = engine.run(wf, targets=["video", "sound"], on_event=events.append)
    return result, events


def test_video_and_sound_through_the_engine(registry: Registry, tmp_path: Path) -> None:
    manager = ModelManager()
    engine = Engine(registry, output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp", models=manager)
    try:
        result, events = run(engine, workflow(str(tiny_model("wan"))))
        assert result.status == "succeeded", result.to_json()
        assert result.values["video"]["frames"].to_array().shape == (5, 16, 16, 3)
        assert result.values["sound"]["audio"].channels == 2
        progress = [e for e in events if e.type == "node_progress" and e.node == "video"]
        assert progress[-1].data["done"] == progress[-1].data["total"] == 2
        assert any(isinstance(e.data["preview"], np.ndarray) for e in progress)
        assert result.nodes["model"].outputs["pipeline"]["class"] == "WanPipeline"
        loaded = len(manager.loaded())

        again, events = run(engine, workflow(str(tiny_model("wan"))))  # same work: served from the cache
        assert again.status == "succeeded"
        assert {e.node for e in events if e.type == "node_cached"} >= {"model", "video", "sound"}
        assert not any(e.type == "node_progress" for e in events)
        assert np.array_equal(again.values["video"]["frames"].to_array(), result.values["video"]["frames"].to_array())
    finally:
        engine.close()

    fresh = Engine(registry, output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp", models=manager)
    try:  # a new engine (empty result cache) finds the models still resident in the manager
        third, _ = run(fresh, workflow(str(tiny_model("wan"))))
        assert third.status == "succeeded" and len(manager.loaded()) == loaded
        assert np.array_equal(third.values["video"]["frames"].to_array(), result.values["video"]["frames"].to_array())
    finally:
        fresh.close()


def test_a_bad_model_path_fails_on_the_model_widget_and_skips_the_video(registry: Registry, tmp_path: Path) -> None:
    engine = Engine(registry, output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp", models=ModelManager())
    try:
        result, events = run(engine, workflow(str(tmp_path / "missing-model")))
    finally:
        engine.close()
    assert result.status == "partial"  # the sound branch still finishes
    failed = next(e for e in events if e.type == "node_failed")
    assert failed.node == "model" and failed.data["input"] == "model"
    assert "missing-model" in failed.data["error"]["message"]
    assert result.nodes["video"].status == "skipped" and result.nodes["sound"].status == "succeeded"
