"""How a node output is described as JSON, and how many bytes it holds.

Values opt in with ``to_json()`` (structured: the whole thing) and ``summary()`` (large:
shape, fps, path...) and ``nbytes``; plain Python values are described directly.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

_MAX_TEXT = 2_000


def describe(value: Any, full: bool = False) -> Any:
    """A JSON-able description: ``full`` prefers the complete ``to_json()`` (for ``--print``),
    otherwise the small ``summary()`` (for events and listings)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if full or len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"
    order = ("to_json", "summary") if full else ("summary", "to_json")
    for method in order:
        fn = getattr(value, method, None)
        if callable(fn):
            return fn()
    if isinstance(value, np.ndarray):
        return {"type": "array", "shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, dict):
        return {str(k): describe(v, full) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [describe(v, full) for v in value]
    return {"type": type(value).__name__}


def sizeof(value: Any) -> int:
    """Approximate bytes held, for the cache's budget."""
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes + 128
    if isinstance(value, dict):
        return sum(sizeof(v) for v in value.values()) + 64
    if isinstance(value, list | tuple):
        return sum(sizeof(v) for v in value) + 64
    return sys.getsizeof(value)
