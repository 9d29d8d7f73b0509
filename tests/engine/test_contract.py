"""A malformed node declaration is refused at import time, naming the node and the fix."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from server.engine import ContractError, Input, Output, Param, Registry, RegistryError, node
from tests import stub_nodes


def declare(**overrides):
    spec = {"id": "test.x", "version": "1.0.0", "title": "X", "category": "test", "outputs": {"out": Output("INT")}}
    spec.update(overrides)

    def fn(ctx, params):
        return {"out": 1}

    return node(**spec)(overrides.pop("fn", fn))


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"id": "NoDots"}, "namespaced"),
        ({"version": "1.0"}, "semver"),
        ({"outputs": {"out": Output("NOPE")}}, "unknown socket type 'NOPE'"),
        ({"outputs": {}}, "at least one output"),
        ({"resource": "tpu"}, "'cpu' or 'gpu'"),
        ({"inputs": {"a": Input("INT")}}, "not keyword-only parameters"),
    ],
)
def test_malformed_contracts_are_refused(overrides, fragment):
    with pytest.raises(ContractError) as info:
        declare(**overrides)
    assert "test.x" in str(info.value) or "NoDots" in str(info.value)
    assert fragment in str(info.value)


def test_params_must_forbid_extra_keys():
    class Loose(BaseModel):
        x: int = 1

    with pytest.raises(ContractError, match="extra='forbid'"):
        declare(params=Loose)


def test_params_need_defaults():
    class Required(BaseModel):
        model_config = ConfigDict(extra="forbid")
        x: int

    with pytest.raises(ContractError, match="needs a default"):
        declare(params=Required)


def test_function_parameters_must_match_inputs():
    def fn(ctx, params, *, a, extra):
        return {}

    with pytest.raises(ContractError, match=r"\['extra'\] are not declared inputs"):
        node(
            id="test.y",
            version="1.0.0",
            title="Y",
            category="t",
            inputs={"a": Input("INT")},
            outputs={"out": Output("INT")},
        )(fn)


def test_duplicate_ids_are_refused_naming_both_places():
    twin = declare(id="test.value")
    with pytest.raises(RegistryError) as info:
        Registry([stub_nodes.value, twin])
    assert "test.value" in str(info.value) and "declared twice" in str(info.value)


def test_catalog_json_is_derived_from_the_contract():
    entry = stub_nodes.value.to_json()
    assert entry["id"] == "test.value" and entry["outputs"] == {"out": {"type": "INT", "description": ""}}
    props = entry["params"]["properties"]
    assert props["value"]["minimum"] == -1000 and props["value"]["maximum"] == 1000
    assert props["mode"]["enum"] == ["plain", "double"]
    assert entry["linkable_params"] == {"value": "INT"}


def test_param_widget_hints_reach_the_schema():
    class P(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str = Param("", description="d", multiline=True)
        strength: float = Param(0.5, description="d", ge=0, le=1, step=0.05)

    props = declare(params=P).to_json()["params"]["properties"]
    assert props["text"]["multiline"] is True and props["strength"]["step"] == 0.05


def test_discovery_finds_the_real_nodes():
    registry = Registry.discover()
    assert "text.prompt" in registry and "value.seed" in registry
