"""Socket types: the vocabulary that links between nodes are checked against.

A socket type names the Python class its values have, so the engine can check what a node
returns at the boundary (cheaply: one ``isinstance`` per output) instead of finding out three
nodes later. It also says how its values persist on disk (``codec``) and how the server draws
them (``preview``), so the disk cache and the thumbnails dispatch on this registry rather
than on whatever class a value happens to have.

The engine core registers only the primitive types below. Domain types (DOC, SCENE, FRAMES,
...) are registered by the node package that owns their value classes (``nodes/sockets.py``);
a third-party node pack registers its own with :func:`register_socket_type` before declaring
nodes that use them. Value classes may be named as ``"module:QualName"`` strings, resolved on
first use, so that listing the catalog imports nothing heavy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .errors import RegistryError

Codec = Literal["json", "array", "files"]
"""How values persist: ``json`` (plain JSON values), ``array`` (a numpy ``.npy``), ``files``
(the value class's ``to_files``/``from_files``, see :class:`server.engine.values.Persistable`)."""

Preview = Literal["image", "frames"]
"""How the server draws a thumbnail: one H×W×3 picture, or a strip of a FRAMES-like value."""

ClassRef = type | str


@dataclass(frozen=True)
class SocketType:
    name: str
    color: str
    description: str
    # The classes a value of this type may have (``None``: not checked, e.g. a legacy type).
    value_class: ClassRef | tuple[ClassRef, ...] | None = None
    codec: Codec | None = None  # None: values of this type are not written to the disk cache
    preview: Preview | None = None
    owner: str = "server.engine"  # the package that registered it, for messages

    def classes(self) -> tuple[type, ...]:
        """The value classes, imported on first use (and remembered)."""
        cached = _RESOLVED.get(self.name)
        if cached is None or cached[0] is not self:
            refs = self.value_class if isinstance(self.value_class, tuple) else (self.value_class,)
            cached = (self, tuple(_resolve(r) for r in refs if r is not None))
            _RESOLVED[self.name] = cached
        return cached[1]

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` may travel on this socket. A bool is no number here (Python says it is)."""
        classes = self.classes()
        if not classes:
            return True
        if isinstance(value, bool | np.bool_) and bool not in classes:
            return False
        return isinstance(value, classes)

    def expected(self) -> str:
        """The accepted classes in words, for messages."""
        return " or ".join(_class_name(c) for c in self.classes()) or "anything"


_RESOLVED: dict[str, tuple[SocketType, tuple[type, ...]]] = {}


def _class_name(cls: type) -> str:
    """``int`` for a builtin, ``numpy.integer`` or ``nodes.datatypes.Frames`` otherwise."""
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _resolve(ref: ClassRef) -> type:
    if isinstance(ref, type):
        return ref
    module, _, qualname = ref.partition(":")
    value: Any = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    if not isinstance(value, type):
        raise RegistryError(f"socket value class {ref!r} is not a class")
    return value


SOCKET_TYPES: dict[str, SocketType] = {}


def register_socket_type(socket: SocketType) -> SocketType:
    """Add a socket type. Registering the same definition again is a no-op (a module imported
    twice); a different definition under a taken name is an error naming both owners."""
    existing = SOCKET_TYPES.get(socket.name)
    if existing is not None and existing != socket:
        raise RegistryError(
            f"socket type {socket.name!r} is registered by {existing.owner} and again, differently, "
            f"by {socket.owner}; pick another name for one of them"
        )
    SOCKET_TYPES[socket.name] = socket
    return socket


for _primitive in (
    SocketType("TEXT", "#8fbc5a", "A string, e.g. a prompt.", str, "json"),
    SocketType("INT", "#6a9fd8", "An integer, e.g. a seed or a frame count.", (int, np.integer), "json"),
    SocketType("FLOAT", "#5ab4c5", "A floating-point number.", (float, int, np.floating, np.integer), "json"),
    SocketType("BOOL", "#c58f5a", "True or false.", (bool, np.bool_), "json"),
):
    register_socket_type(_primitive)

# Parameters of these Python types may also be fed by a link of the matching socket type,
# so that one Seed or Number node can drive many widgets.
PARAM_SOCKETS: dict[type, str] = {str: "TEXT", int: "INT", float: "FLOAT", bool: "BOOL"}

# Imported once when a node declares a type nobody has registered yet: the built-in node
# package's domain types, so that a module declaring ``Output("FRAMES")`` works without
# importing ``nodes`` first (as node code written before the registry did).
BUILTIN_PROVIDERS: tuple[str, ...] = ("nodes.sockets",)
_providers_loaded = False


def socket_type(name: str) -> SocketType | None:
    """The registered socket type ``name``; loads the built-in domain types on a first miss."""
    global _providers_loaded
    found = SOCKET_TYPES.get(name)
    if found is None and not _providers_loaded:
        _providers_loaded = True
        for provider in BUILTIN_PROVIDERS:
            try:
                importlib.import_module(provider)
            except ImportError:  # the engine used without the built-in nodes
                pass
        found = SOCKET_TYPES.get(name)
    return found
