"""Hostile workflow documents for the fuzzers: a valid workflow, mutated the ways a careless
editor, a broken script or an attacker would.

``mutated_texts(base)`` is a hypothesis strategy of JSON texts (not always valid JSON): values
swapped for hostile ones anywhere in the tree, keys dropped, nodes and links added with odd
ids and shapes, and raw-text damage (truncation, deep nesting, duplicate keys, NaN, huge
integers, lone surrogates). ``EXAMPLES`` is small for CI; ``REELGRAPH_FUZZ_EXAMPLES=2000``
runs the long campaign.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("REELGRAPH_FUZZ_EXAMPLES", "40"))

# problems of these codes are about one node, so they must name it
NODE_CODES = frozenset(
    {
        "unknown_node_type",
        "invalid_value",
        "missing_input",
        "unknown_input",
        "unknown_param",
        "unknown_output",
        "type_mismatch",
        "duplicate_link",
        "version_mismatch",
        "dependency_cycle",
    }
)

hostile_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", ".", "..", "../../etc/passwd", "a\n", "tokyo\n", "\ud800", "%2e%2e", "CON", "a" * 300]),
)
hostile_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
hostile_value = st.recursive(
    hostile_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple) -> Any:
    if not path:
        return doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return doc


@st.composite
def mutated_docs(draw: st.DrawFn, base: dict) -> Any:
    """A structurally mutated copy of ``base`` (1-3 mutations)."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "delete", "add_node", "add_link", "retype", "param"]))
        paths = _paths(doc)
        if kind == "replace":
            doc = _set(doc, draw(st.sampled_from(paths)), draw(hostile_value))
        elif kind == "delete" and len(paths) > 1:
            doc = _delete(doc, draw(st.sampled_from(paths[1:])))
        elif kind == "add_node" and isinstance(doc, dict) and isinstance(doc.get("nodes"), dict):
            node_type = draw(st.one_of(hostile_text, st.sampled_from(_types(base))))
            doc["nodes"][draw(hostile_text)] = {"type": node_type, "params": draw(hostile_value)}
        elif kind == "add_link" and isinstance(doc, dict) and isinstance(doc.get("links"), list):
            names = [*_node_ids(base), "ghost"]
            link = draw(
                st.one_of(
                    st.lists(st.one_of(st.sampled_from(names), hostile_text), min_size=4, max_size=4),
                    st.lists(hostile_value, max_size=6),
                )
            )
            doc["links"].append(link)
        elif kind == "retype" and _node_ids(doc):
            node_id = draw(st.sampled_from(_node_ids(doc)))
            if isinstance(doc["nodes"][node_id], dict):
                doc["nodes"][node_id]["type"] = draw(st.sampled_from(_types(base)))
        elif kind == "param" and _node_ids(doc):
            node_id = draw(st.sampled_from(_node_ids(doc)))
            node = doc["nodes"][node_id]
            if isinstance(node, dict) and isinstance(node.get("params"), dict):
                node["params"][draw(st.sampled_from([*node["params"], "value", "seed", "text"]))] = draw(hostile_value)
    return doc


def _node_ids(doc: Any) -> list[str]:
    return list(doc["nodes"]) if isinstance(doc, dict) and isinstance(doc.get("nodes"), dict) else []


def _types(doc: dict) -> list[str]:
    return sorted({n["type"] for n in doc["nodes"].values()})


def to_text(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, allow_nan=True)


@st.composite
def mutated_texts(draw: st.DrawFn, base: dict) -> str:
    """A JSON text: a mutated document, sometimes damaged as text."""
    text = to_text(draw(mutated_docs(base)))
    damage = draw(st.sampled_from(["none", "none", "truncate", "nest", "duplicate", "nan", "bigint", "surrogate"]))
    if damage == "truncate":
        text = text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    elif damage == "nest":
        depth = draw(st.sampled_from([70, 600, 5000, 100_000]))
        text = text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    elif damage == "duplicate":
        text = text[:-1] + ', "nodes": {}}'
    elif damage == "nan":
        text = text.replace("3", "NaN", 1) if "3" in text else text[:-1] + ', "x": Infinity}'
    elif damage == "bigint":
        text = text[:-1] + ', "x": ' + "9" * draw(st.sampled_from([70, 4301, 20_000])) + "}"
    elif damage == "surrogate":
        text = text[:-1] + ', "title": "\\ud800"}'
    return text
