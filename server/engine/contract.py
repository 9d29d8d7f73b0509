"""The node contract: a node is declared once, and everything else is derived from it.

A node is a plain function decorated with :func:`node`::

    class Params(BaseModel):
        text: str = Param("", description="The prompt.", multiline=True)

    @node(id="text.prompt", version="1.0.0", title="Prompt", category="text",
          outputs={"text": Output("TEXT")}, params=Params)
    def prompt(ctx: NodeContext, params: Params) -> dict:
        return {"text": params.text}

Inputs (sockets) are keyword-only arguments of the function, named exactly as declared;
parameters (widgets) come as one validated pydantic model. The decorator checks the whole
declaration at import time and raises :class:`ContractError` naming the node and the fix,
so a malformed node never reaches a user. Validation, the JSON catalog for the browser and
the docs are all derived from the returned :class:`NodeDef`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ContractError, OutputTypeError
from .sockets import PARAM_SOCKETS, SOCKET_TYPES, SocketType, socket_type

NODE_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
NAME = re.compile(r"[a-z][a-z0-9_]*")

Migration = Callable[[dict], dict]
# (validated params, the run's input folders) -> what the node would read, e.g. "path:size:mtime"
Fingerprint = Callable[[BaseModel, tuple[Path, ...]], str]


@dataclass(frozen=True)
class Input:
    """A typed socket the node reads from another node's output."""

    type: str
    description: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Output:
    """A named, typed result of the node."""

    type: str
    description: str = ""


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def Param(
    default: Any,
    *,
    description: str,
    ge: float | None = None,
    le: float | None = None,
    step: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    multiline: bool = False,
    widget: str | None = None,
    advanced: bool = False,
    model_kinds: tuple[str, ...] | None = None,
    model_optional: bool = False,
) -> Any:
    """A widget parameter: a pydantic ``Field`` with the hints the editor needs.

    ``widget`` names a special editor ("seed", "file", "color", "model"); ``advanced`` folds the
    widget away by default. ``model_kinds`` (with ``widget="model"``) lists the model kinds the
    parameter accepts (``server.models.KINDS``), so that the model picker offers only those;
    ``model_optional`` says the node also works with none (its default, empty), so pickers offer
    "none" beside the models.
    """
    extra: dict[str, Any] = {}
    if step is not None:
        extra["step"] = step
    if multiline:
        extra["multiline"] = True
    if widget:
        extra["widget"] = widget
    if advanced:
        extra["advanced"] = True
    if model_kinds:
        extra["model_kinds"] = list(model_kinds)
    if model_optional:
        extra["model_optional"] = True
    return Field(
        default,
        description=description,
        ge=ge,
        le=le,
        min_length=min_length,
        max_length=max_length,
        json_schema_extra=extra or None,
    )


@dataclass(frozen=True)
class NodeDef:
    """A node's whole contract plus its function. Calling it calls the function."""

    id: str
    version: str
    title: str
    category: str
    description: str
    inputs: Mapping[str, Input]
    outputs: Mapping[str, Output]
    params: type[BaseModel]
    fn: Callable[..., dict]
    output: bool = False
    resource: Literal["cpu", "gpu"] = "cpu"
    deterministic: bool = True
    persist: bool = False
    constant: bool = False
    migrations: Mapping[int, Migration] = field(default_factory=dict)
    # Ids this node had before (a rename): workflows saved with them load as this node.
    former_ids: tuple[str, ...] = ()
    fingerprint: Fingerprint | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> dict:
        return self.fn(*args, **kwargs)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    @property
    def module(self) -> str:
        return self.fn.__module__

    @cached_property
    def param_schema(self) -> dict:
        return self.params.model_json_schema()

    @cached_property
    def defaults(self) -> dict[str, Any]:
        """Widget defaults. A default may be a placeholder that fails validation on purpose
        (an empty prompt), so that an untouched node is reported rather than run."""
        return self.params.model_construct().model_dump(mode="json")

    @cached_property
    def has_seed(self) -> bool:
        return "seed" in self.params.model_fields

    @cached_property
    def linkable_params(self) -> dict[str, str]:
        """Parameters that may be fed by a link instead of a widget, with their socket type."""
        linkable = {}
        for name, info in self.params.model_fields.items():
            socket = PARAM_SOCKETS.get(info.annotation)  # type: ignore[arg-type]
            if socket:
                linkable[name] = socket
        return linkable

    @cached_property
    def output_types(self) -> tuple[tuple[str, SocketType], ...]:
        """(output name, socket type) pairs, for the engine's check of returned values."""
        return tuple((name, SOCKET_TYPES[o.type]) for name, o in self.outputs.items())

    @cached_property
    def param_names(self) -> tuple[str, ...]:
        """Parameter names in declaration order (pydantic's ``model_fields`` is slow to reach)."""
        return tuple(self.params.model_fields)

    @cached_property
    def names(self) -> frozenset[str]:
        """Declared inputs and parameters: what a ``NodeInputError`` may name."""
        return frozenset(self.inputs) | frozenset(self.params.model_fields)

    def check_outputs(self, outputs: Any, node_id: str) -> None:
        """Raise :class:`OutputTypeError` unless ``outputs`` holds exactly the declared outputs,
        each of its declared socket type. One ``isinstance`` per output: cheap enough for every call."""
        if not isinstance(outputs, dict) or outputs.keys() != self.outputs.keys():
            got = sorted(outputs) if isinstance(outputs, dict) else type(outputs).__name__
            raise OutputTypeError(
                f"node {node_id!r} ({self.id}) returned {got}; it declares outputs {sorted(self.outputs)}"
            )
        for name, socket in self.output_types:
            value = outputs[name]
            if not socket.accepts(value):
                actual = f"{type(value).__module__}.{type(value).__qualname__}"
                raise OutputTypeError(
                    f"node {node_id!r} ({self.id}): output {name!r} expected {socket.name} "
                    f"({socket.expected()}), got {actual}"
                )

    def parse_params(self, values: Mapping[str, Any]) -> BaseModel:
        """Validate parameter values; raises pydantic's ``ValidationError``."""
        return self.params.model_validate(dict(values))

    def to_json(self) -> dict:
        """The catalog entry the browser builds its UI from."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "category": self.category,
            "description": self.description,
            "inputs": {
                n: {"type": i.type, "description": i.description, "optional": i.optional}
                for n, i in self.inputs.items()
            },
            "outputs": {n: {"type": o.type, "description": o.description} for n, o in self.outputs.items()},
            "params": self.param_schema,
            "linkable_params": self.linkable_params,
            "output": self.output,
            "resource": self.resource,
            "deterministic": self.deterministic,
            "persist": self.persist,
        }


def node(
    *,
    id: str,
    version: str,
    title: str,
    category: str,
    outputs: Mapping[str, Output],
    inputs: Mapping[str, Input] | None = None,
    params: type[BaseModel] = NoParams,
    description: str | None = None,
    output: bool = False,
    resource: Literal["cpu", "gpu"] = "cpu",
    deterministic: bool = True,
    persist: bool = False,
    constant: bool = False,
    migrations: Mapping[int, Migration] | None = None,
    former_ids: tuple[str, ...] = (),
    fingerprint: Fingerprint | None = None,
) -> Callable[[Callable[..., dict]], NodeDef]:
    """Declare a node. See the module docstring for the shape of the function.

    ``persist=True`` marks outputs worth keeping on disk across restarts (hours of GPU work);
    the engine stores them in its disk cache when it has one. ``constant=True`` promises that
    the outputs are a cheap, pure function of the parameters alone (no inputs, and the function
    is called with ``ctx=None``), so validation may compute them to check the parameters they
    are linked into (a duration of 1e6 wired from a number node is refused before anything runs).
    ``former_ids`` lists ids the node was renamed from: saved workflows using them keep loading.
    ``fingerprint(params, input_dirs)``, for nodes that read a file the user names, returns a
    short string that changes when that file does (its size and modification time); it joins
    the cache key, so a replaced file is read again while an unchanged one stays cached."""

    def declare(fn: Callable[..., dict]) -> NodeDef:
        definition = NodeDef(
            id=id,
            version=version,
            title=title,
            category=category,
            description=(description or inspect.getdoc(fn) or "").strip(),
            inputs=dict(inputs or {}),
            outputs=dict(outputs),
            params=params,
            fn=fn,
            output=output,
            resource=resource,
            deterministic=deterministic,
            persist=persist,
            constant=constant,
            migrations=dict(migrations or {}),
            former_ids=tuple(former_ids),
            fingerprint=fingerprint,
        )
        check_contract(definition)
        return definition

    return declare


def check_contract(d: NodeDef) -> None:
    """Raise :class:`ContractError` for the first thing wrong with a declaration."""

    def fail(what: str) -> None:
        raise ContractError(f"node {d.id!r} ({d.fn.__module__}.{d.fn.__qualname__}): {what}")

    if not isinstance(d.id, str) or not NODE_ID.fullmatch(d.id):
        fail("id must be namespaced lower-case words joined by dots, e.g. 'text.prompt'")
    if not isinstance(d.version, str) or not SEMVER.fullmatch(d.version):
        fail(f"version {d.version!r} must be semver 'MAJOR.MINOR.PATCH', e.g. '1.0.0'")
    if not d.title or not d.category:
        fail("title and category must be non-empty strings")
    if d.resource not in ("cpu", "gpu"):
        fail(f"resource {d.resource!r} must be 'cpu' or 'gpu'")
    if not d.outputs and not d.output:
        fail("declare at least one output, or set output=True for a node that only writes results")
    for kind, sockets, cls in (("input", d.inputs, Input), ("output", d.outputs, Output)):
        for name, sock in sockets.items():
            if not isinstance(name, str) or not NAME.fullmatch(name):
                fail(f"{kind} name {name!r} must be a lower-case identifier")
            if not isinstance(sock, cls):
                fail(f"{kind} {name!r} must be declared with {cls.__name__}(type, description)")
            if socket_type(sock.type) is None:
                fail(
                    f"{kind} {name!r} has unknown socket type {sock.type!r}; known: {', '.join(SOCKET_TYPES)} "
                    "(a node pack registers its own with server.engine.sockets.register_socket_type)"
                )
    if not (isinstance(d.params, type) and issubclass(d.params, BaseModel)):
        fail("params must be a pydantic BaseModel subclass")
    if d.params.model_config.get("extra") != "forbid":
        fail("params model must set model_config = ConfigDict(extra='forbid') so typos are caught")
    for name, info in d.params.model_fields.items():
        if not NAME.fullmatch(name):
            fail(f"parameter name {name!r} must be a lower-case identifier")
        if info.is_required():
            fail(f"parameter {name!r} needs a default so that the editor can show a fresh node")
        if name in d.inputs:
            fail(f"parameter {name!r} has the same name as an input; rename one of them")
    try:
        d.param_schema  # noqa: B018 - building it is the check
        d.defaults  # noqa: B018
    except (ValidationError, TypeError, ValueError) as exc:
        fail(f"parameters cannot be described as JSON or their defaults are invalid: {exc}")
    if d.constant and (d.inputs or not d.deterministic or d.resource != "cpu"):
        fail("constant=True is for a cheap, deterministic CPU node with no inputs (its outputs follow from its params)")
    for former in d.former_ids:
        if not isinstance(former, str) or not NODE_ID.fullmatch(former) or former == d.id:
            fail(f"former id {former!r} must be another namespaced id, e.g. 'text.old_name'")
    for major in d.migrations:
        if not isinstance(major, int) or major >= d.major:
            fail(f"migration key {major!r} must be an older major version (an int below {d.major})")
    check_signature(d, fail)


def check_signature(d: NodeDef, fail: Callable[[str], None]) -> None:
    """The function must be ``fn(ctx, params, *, <one keyword per input>)``."""
    sig = inspect.signature(d.fn)
    positional = [p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keywords = {p.name: p for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY}
    if len(positional) != 2:
        fail("the function must take (ctx, params, *, <inputs>): two positional parameters")
    missing = [n for n in d.inputs if n not in keywords]
    extra = [n for n in keywords if n not in d.inputs]
    if missing:
        fail(f"declared inputs {missing} are not keyword-only parameters of the function")
    if extra:
        fail(f"function parameters {extra} are not declared inputs; declared: {list(d.inputs) or 'none'}")
    for name, sock in d.inputs.items():
        has_default = keywords[name].default is not inspect.Parameter.empty
        if sock.optional and not has_default:
            fail(f"optional input {name!r} needs a default (usually None) in the function signature")
