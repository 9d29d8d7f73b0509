"""Typed sockets: returned values are checked against the declared socket type, the registry
is owned by the packages that register types, and NodeInputError names declared things only."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict

from server.engine import Engine, NodeInputError, Output, Param, Registry, node
from server.engine.errors import ContractError, RegistryError
from server.engine.sockets import SOCKET_TYPES, SocketType, register_socket_type
from server.engine.summary import describe, sizeof

from .helpers import workflow


class WhatParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what: str = Param("int", description="Which value to return.")


RETURNS = {"int": 3, "str": "three", "bool": True, "float": 3.0, "npint": np.int64(3)}


@node(
    id="typed.number",
    version="1.0.0",
    title="Number",
    category="test",
    output=True,
    outputs={"n": Output("INT")},
    params=WhatParams,
)
def number(ctx, params: WhatParams) -> dict:
    return {"n": RETURNS[params.what]}


@node(id="typed.frames", version="1.0.0", title="Frames", category="test", output=True, outputs={"f": Output("FRAMES")})
def frames(ctx, params) -> dict:
    return {"f": np.zeros((2, 4, 4, 3), np.uint8)}  # an array, not a Frames stream


class BlameParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Param("size", description="The name the node blames.")
    size: int = Param(1, description="A parameter.")


@node(
    id="typed.blame",
    version="1.0.0",
    title="Blame",
    category="test",
    output=True,
    outputs={"n": Output("INT")},
    params=BlameParams,
)
def blame(ctx, params: BlameParams) -> dict:
    raise NodeInputError(params.name, "cannot use this")


@pytest.fixture
def typed_engine(tmp_path):
    registry = Registry([number, frames, blame])
    engine = Engine(registry, output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp", cpu_workers=0)
    yield engine
    engine.close()


@pytest.mark.parametrize("what", ["int", "npint"])
def test_a_value_of_the_declared_type_passes(typed_engine, what):
    result = typed_engine.run(workflow({"a": ("typed.number", {"what": what})}))
    assert result.status == "succeeded" and result.values["a"]["n"] == 3


@pytest.mark.parametrize(("what", "actual"), [("str", "builtins.str"), ("bool", "builtins.bool"), ("float", "float")])
def test_a_wrong_type_fails_the_node_naming_node_output_expected_and_actual(typed_engine, what, actual):
    result = typed_engine.run(workflow({"a": ("typed.number", {"what": what})}))
    error = result.nodes["a"].error
    assert result.status == "failed" and error["type"] == "OutputTypeError"
    message = error["message"]
    assert "'a' (typed.number)" in message and "output 'n'" in message and "expected INT" in message
    assert actual in message


def test_a_domain_type_is_checked_against_its_registered_class(typed_engine):
    result = typed_engine.run(workflow({"f": "typed.frames"}))
    message = result.nodes["f"].error["message"]
    assert "expected FRAMES (nodes.datatypes.Frames), got numpy.ndarray" in message


def test_the_engine_core_registers_only_primitives_and_nodes_registers_the_rest():
    import nodes.sockets

    assert {s.owner for s in SOCKET_TYPES.values()} >= {"server.engine", "nodes"}
    core = {name for name, s in SOCKET_TYPES.items() if s.owner == "server.engine"}
    assert core == {"TEXT", "INT", "FLOAT", "BOOL"}
    assert {s.name for s in nodes.sockets.DOMAIN_TYPES} >= {"DOC", "SCENE", "SHOTS", "STYLE", "FRAMES", "AUDIO"}
    assert SOCKET_TYPES["FRAMES"].codec == "files" and SOCKET_TYPES["IMAGE"].preview == "image"


def test_a_taken_socket_name_with_another_definition_is_an_error():
    register_socket_type(SOCKET_TYPES["INT"])  # the same definition again: fine
    with pytest.raises(RegistryError, match="'INT' is registered by server.engine and again.*by mypack"):
        register_socket_type(SocketType("INT", "#000000", "Not an int.", str, owner="mypack"))


def test_an_unknown_socket_type_is_a_contract_error_that_says_how_to_register():
    with pytest.raises(ContractError, match="unknown socket type 'WIDGET'.*register_socket_type"):

        @node(
            id="typed.widget", version="1.0.0", title="W", category="test", output=True, outputs={"w": Output("WIDGET")}
        )
        def widget(ctx, params) -> dict:
            return {}


def test_a_pack_registers_its_own_type_with_a_codec_and_its_values_are_checked(tmp_path):
    class Mesh:
        def __init__(self, n: int) -> None:
            self.n = n

        @property
        def nbytes(self) -> int:
            return self.n * 12

        def summary(self) -> dict:
            return {"type": "MESH", "vertices": self.n}

    register_socket_type(SocketType("MESH", "#123456", "A triangle mesh.", Mesh, owner="tests"))

    @node(id="typed.mesh", version="1.0.0", title="Mesh", category="test", output=True, outputs={"m": Output("MESH")})
    def mesh(ctx, params) -> dict:
        return {"m": Mesh(4)}

    engine = Engine(Registry([mesh]), output_dir=tmp_path, temp_dir=tmp_path / "tmp", cpu_workers=0)
    result = engine.run(workflow({"m": "typed.mesh"}))
    assert result.nodes["m"].outputs == {"m": {"type": "MESH", "vertices": 4}}
    assert sizeof(result.values["m"]["m"]) == 48 + 128
    engine.close()


@pytest.mark.parametrize(("name", "blamed"), [("size", "size"), ("nonsense", None)])
def test_node_input_error_names_are_checked_against_the_declaration(typed_engine, name, blamed):
    result = typed_engine.run(workflow({"b": ("typed.blame", {"name": name})}))
    error = result.nodes["b"].error
    assert error["input"] == blamed
    if blamed is None:
        assert "'nonsense', which is not an input or parameter of typed.blame" in error["message"]
        assert "declared: name, size" in error["message"]


def test_describe_uses_the_node_value_protocol():
    from nodes.datatypes import Frames, Timeline

    stream = Frames.from_array(np.zeros((3, 2, 2, 3), np.uint8), fps=6)
    assert describe(stream)["type"] == "FRAMES" and sizeof(stream) == stream.nbytes + 128
    timeline = Timeline(2.0)
    assert describe(timeline)["type"] == "TIMELINE" and describe(timeline, full=True) == {"duration": 2.0, "events": []}
