"""Reading JSON that people and networks send: bounded, unambiguous, finite.

Python's ``json`` module accepts things a workflow must not contain and fails on others in
ways that escape ordinary error handling. This module is the one door for untrusted JSON
(workflow files, request bodies, ``--set`` values), and refuses, with a message that says
where and what is allowed:

* documents larger than a byte limit, and files that are not regular files (``/dev/zero``
  would be read forever, a FIFO would block);
* nesting deeper than a limit (checked before parsing: 100,000 ``[`` would otherwise raise
  ``RecursionError`` inside the parser, and a document a few hundred deep is accepted and
  then breaks every later ``json.dumps`` of it);
* duplicate keys in an object (the last would silently win);
* ``NaN``, ``Infinity`` and numbers that overflow to infinity (not JSON; browsers reject them);
* integer literals longer than :data:`MAX_INT_DIGITS` (Python refuses over 4,300 digits with
  a ``ValueError``; no parameter needs more than a seed's 20);
* strings holding a lone UTF-16 surrogate (``"\\ud800"``), which cannot be written as UTF-8.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np

MAX_BYTES = 64 << 20
MAX_DEPTH = 64
MAX_INT_DIGITS = 64

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JSONRejected(ValueError):
    """The text is not JSON we accept; the message says where and why."""


def parse(data: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``data``; raises :class:`JSONRejected` for anything this module refuses."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise JSONRejected(f"the document is {len(raw):,} bytes; at most {max_bytes:,} are allowed")
    depth = nesting_depth(raw)
    if depth > max_depth:
        raise JSONRejected(f"the document nests {depth} levels deep; at most {max_depth} are allowed")
    try:
        doc = json.loads(
            raw,
            object_pairs_hook=_object,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except JSONRejected:
        raise
    except _DuplicateKey:
        raise JSONRejected(f"duplicate key {_duplicate_path(raw)}: each key may appear once in an object") from None
    except json.JSONDecodeError as exc:
        raise JSONRejected(f"not valid JSON: {exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise JSONRejected(f"not valid JSON: {exc}") from None
    if _SURROGATE_ESCAPE.search(raw):
        where = _lone_surrogate(doc, "")
        if where is not None:
            raise JSONRejected(f"{where or 'the document'}: a string holds a lone UTF-16 surrogate (\\ud800–\\udfff)")
    return doc


def read_file(path: str | Path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a JSON file; raises :class:`JSONRejected` (unreadable, not a regular file, too big, bad)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens without waiting for a writer
    except OSError as exc:
        raise JSONRejected(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise JSONRejected(f"cannot read {path}: not a regular file")
        if info.st_size > max_bytes:
            raise JSONRejected(f"{path} is {info.st_size:,} bytes; at most {max_bytes:,} are allowed")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise JSONRejected(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return parse(data, max_bytes=max_bytes, max_depth=max_depth)


def nesting_depth(raw: bytes) -> int:
    """How deep arrays and objects nest, found without parsing (strings may hold brackets)."""
    brackets = np.frombuffer(_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS), np.uint8)
    if brackets.size == 0:
        return 0
    steps = np.where((brackets == ord("[")) | (brackets == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def finite_or_none(doc: Any) -> Any:
    """``doc`` with every non-finite float replaced by None: what goes out must parse in a browser."""
    if isinstance(doc, float):
        return doc if math.isfinite(doc) else None
    if isinstance(doc, dict):
        return {k: finite_or_none(v) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [finite_or_none(v) for v in doc]
    return doc


def dumps(doc: Any, **kwargs: Any) -> str:
    """``json.dumps`` that never writes ``NaN``/``Infinity``: they become ``null``."""
    try:
        return json.dumps(doc, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(finite_or_none(doc), allow_nan=False, **kwargs)


# -- the parser's hooks ----------------------------------------------------------------------
class _DuplicateKey(Exception):
    pass


class _Marked(dict):
    """An object that had a duplicate key (second pass only, to find where)."""

    duplicate: str = ""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKey
    return obj


def _marking_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = _Marked(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicate = next(k for k, _ in pairs if k in seen or _add(seen, k))
    return obj


def _duplicate_path(raw: bytes) -> str:
    doc = json.loads(raw, object_pairs_hook=_marking_object)
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _Marked) and value.duplicate:
            return f"{path}/{value.duplicate}" if path else repr(value.duplicate)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        stack.extend((v, f"{path}/{k}") for k, v in items)
    return "(unknown)"


def _refuse_constant(name: str) -> Any:
    raise JSONRejected(f"{name} is not a JSON number; numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRejected(f"the number {text[:40]} is too large (it overflows to infinity); numbers must be finite")
    return value


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JSONRejected(f"an integer with {digits:,} digits; at most {MAX_INT_DIGITS} digits are allowed")
    return int(text)


def _lone_surrogate(value: Any, path: str) -> str | None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path
        elif isinstance(value, dict):
            for k, v in value.items():
                stack.append((k, path))
                stack.append((v, f"{path}/{k}"))
        elif isinstance(value, list):
            stack.extend((v, f"{path}/{i}") for i, v in enumerate(value))
    return None


def _add(seen: set[str], key: str) -> bool:
    """``seen.add(key)`` as an expression that is false (for the duplicate search above)."""
    seen.add(key)
    return False
