"""How a node output is described as JSON, and how many bytes it holds.

Domain values implement :class:`~server.engine.values.NodeValue` (``summary()`` and
``nbytes``), optionally :class:`~server.engine.values.Structured` (``to_json()``); plain
Python values and numpy arrays are described directly.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .values import NodeValue, Structured, implements

_MAX_TEXT = 2_000


def describe(value: Any, full: bool = False) -> Any:
    """A JSON-able description: ``full`` prefers the complete ``to_json()`` (for ``--print``),
    otherwise the small ``summary()`` (for events and listings)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if full or len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"
    if isinstance(value, np.ndarray):
        return {"type": "array", "shape": list(value.shape), "dtype": str(value.dtype)}
    if full and implements(value, Structured):
        return value.to_json()
    if implements(value, NodeValue):
        return value.summary()
    if implements(value, Structured):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): describe(v, full) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [describe(v, full) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return {"type": type(value).__name__}


def sizeof(value: Any) -> int:
    """Approximate bytes held, for the cache's budget."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 128
    if implements(value, NodeValue):
        return int(value.nbytes) + 128
    if isinstance(value, dict):
        return sum(sizeof(v) for v in value.values()) + 64
    if isinstance(value, list | tuple):
        return sum(sizeof(v) for v in value) + 64
    return sys.getsizeof(value)
