"""Shared fixtures: a real NodeContext for calling node functions directly, and an
output folder (tests/_out, or $REELGRAPH_TEST_OUT) for pictures a person should look at."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from server.engine.context import NodeContext

TEST_OUT = Path(os.environ.get("REELGRAPH_TEST_OUT", Path(__file__).parent / "_out"))


class ProgressRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[float, float, object]] = []

    def __call__(self, done: float, total: float, preview: object = None) -> None:
        self.calls.append((done, total, preview))


@pytest.fixture
def progress() -> ProgressRecorder:
    return ProgressRecorder()


@pytest.fixture
def ctx(tmp_path: Path, progress: ProgressRecorder) -> NodeContext:
    """A context like the engine's, for node `test.node`, seed 1234, dirs under tmp_path."""
    (tmp_path / "temp").mkdir()
    (tmp_path / "out").mkdir()
    return NodeContext(
        node_id="test_node",
        node_type="test.node",
        run_id="test-run",
        seed=1234,
        temp_dir=tmp_path / "temp",
        output_dir=tmp_path / "out",
        log=logging.getLogger("reelgraph.test"),
        workflow={"format": "reelgraph.workflow", "version": 1, "nodes": {}, "links": []},
        _on_progress=progress,
    )


@pytest.fixture(scope="session")
def test_out() -> Path:
    TEST_OUT.mkdir(parents=True, exist_ok=True)
    return TEST_OUT
