"""Node ids that changed (so that id, category and package agree) keep old workflows working."""

from __future__ import annotations

import pytest

from server.engine import Engine, Output, Registry, node
from server.engine.errors import ContractError, RegistryError

from .helpers import workflow


@node(
    id="fresh.name",
    version="1.2.0",
    title="Fresh",
    category="fresh",
    output=True,
    outputs={"n": Output("INT")},
    former_ids=("stale.name",),
)
def fresh(ctx, params) -> dict:
    return {"n": 7}


def test_a_workflow_saved_with_the_former_id_validates_and_runs(tmp_path):
    engine = Engine(Registry([fresh]), output_dir=tmp_path, temp_dir=tmp_path / "tmp", cpu_workers=0)
    wf = workflow({"a": "stale.name"}, meta={"node_versions": {"stale.name": "1.0.0"}})
    assert engine.validate(wf) == []
    result = engine.run(wf)
    assert result.status == "succeeded" and result.values["a"]["n"] == 7
    migrated = engine.registry.migrate_ids(wf)
    assert migrated.nodes["a"].type == "fresh.name" and migrated.meta["node_versions"] == {"fresh.name": "1.0.0"}
    assert engine.registry.migrate_ids(migrated) is migrated, "nothing left to rename"
    engine.close()


def test_a_former_id_can_be_claimed_once_and_never_reused():
    registry = Registry([fresh])

    @node(id="stale.name", version="1.0.0", title="S", category="s", output=True, outputs={"n": Output("INT")})
    def stale(ctx, params) -> dict:
        return {"n": 0}

    with pytest.raises(RegistryError, match="'stale.name' is a former id of 'fresh.name'"):
        registry.add(stale)

    @node(
        id="other.name",
        version="1.0.0",
        title="O",
        category="o",
        output=True,
        outputs={"n": Output("INT")},
        former_ids=("stale.name",),
    )
    def other(ctx, params) -> dict:
        return {"n": 0}

    with pytest.raises(RegistryError, match="claims the former id 'stale.name'"):
        registry.add(other)


def test_a_former_id_must_be_a_namespaced_id():
    with pytest.raises(ContractError, match="former id 'Bad Name'"):
        node(id="x.y", version="1.0.0", title="X", category="x", output=True, outputs={}, former_ids=("Bad Name",))(
            lambda ctx, params: {}
        )


def test_the_built_in_renames_agree_with_their_category_and_package():
    registry = Registry.from_modules(["nodes.gan.dataset_node", "nodes.value"])
    dataset = registry.get("dataset.captioned")
    assert dataset is registry.get("gan.dataset") and dataset.category == "gan"
    assert {registry.get(i).category for i in ("value.number", "value.seed")} == {"value"}
