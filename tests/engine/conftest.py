from __future__ import annotations

import pytest

from server.engine import Engine, Registry
from tests import stub_nodes

from .helpers import check_event_order


@pytest.fixture
def registry() -> Registry:
    return Registry.from_modules([stub_nodes, "nodes.text.prompt", "nodes.value"])


@pytest.fixture
def engine(registry, tmp_path):
    eng = Engine(registry, output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp", cpu_workers=2)
    yield eng
    eng.close()


@pytest.fixture(autouse=True)
def clear_calls():
    stub_nodes.CALLS.clear()
    yield


class Runner:
    """Runs a workflow, collecting events and checking their order every time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.events = []

    def __call__(self, wf, **kwargs):
        self.events = []
        result = self.engine.run(wf, on_event=self.events.append, **kwargs)
        plan = self.engine.plan(wf, kwargs.get("targets"))
        check_event_order(self.events, {n: p.sources() for n, p in plan.nodes.items()})
        return result

    def ran(self) -> list[str]:
        return [node for node, _ in stub_nodes.CALLS]


@pytest.fixture
def run(engine) -> Runner:
    return Runner(engine)
