"""What the engine asks of a value that travels along a socket, as typed protocols.

Plain values (str, numbers, bools, numpy arrays, lists and dicts of them) need nothing.
A domain value class (a scene graph, a frame stream...) implements :class:`NodeValue` so that
the engine can describe it in events and bound its in-memory cache in bytes; it may add
:class:`Structured` (its whole content as JSON, for ``--print``), :class:`Expiring` (a cached
result that can go stale, e.g. a file that was deleted) and, for a socket type registered with
``codec="files"``, :class:`Persistable` (its disk form in the persistent cache).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class NodeValue(Protocol):
    """A value with a small JSON description and a size in memory."""

    @property
    def nbytes(self) -> int:
        """Bytes held in memory (0 for a lazy value or a handle whose memory lives elsewhere)."""
        ...

    def summary(self) -> dict[str, Any]:
        """Small JSON for events, logs and the browser: a type name plus shape-like facts."""
        ...


@runtime_checkable
class Structured(Protocol):
    """A value whose whole content is JSON (``--print``)."""

    def to_json(self) -> Any: ...


@runtime_checkable
class Expiring(Protocol):
    """A value that may go stale in the cache (its file was deleted)."""

    def is_valid(self) -> bool: ...


@runtime_checkable
class Persistable(Protocol):
    """A value with a disk form: ``to_files`` writes data files into ``folder`` (names starting
    with ``name``) and returns JSON meta; the classmethod ``from_files`` reads them back."""

    def to_files(self, folder: Path, name: str) -> dict[str, Any]: ...

    @classmethod
    def from_files(cls, folder: Path, name: str, meta: dict[str, Any]) -> Any: ...


_IMPLEMENTS: dict[tuple[type, type], bool] = {}


def implements(value: Any, protocol: type) -> bool:
    """``isinstance(value, protocol)`` for the protocols above, remembered per class: a
    runtime protocol check costs ~10 µs on Python 3.11, paid on every cache hit otherwise.
    (A value class is assumed not to gain or lose methods after its first use.)"""
    key = (type(value), protocol)
    known = _IMPLEMENTS.get(key)
    if known is None:
        known = _IMPLEMENTS[key] = isinstance(value, protocol)
    return known
