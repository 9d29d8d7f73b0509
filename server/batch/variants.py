"""Variants: what ``--vary``, ``--prompts`` and ``--seeds`` turn one workflow into.

Each option is one *dimension*, a list of parameter assignments. Dimensions combine as a
product (every combination) or, with ``--zip``, pairwise (the n-th value of each). A variant
is the workflow with its assignments applied, named by a content key: a hash of the
parameters, links and node versions that decide what it renders. Equal work, equal key —
which is what resuming a batch relies on.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.engine import Registry, Workflow, jsondoc

MAX_VARIANTS = 100_000  # a product that explodes past this is refused before anything runs
MAX_SEED = 2**32 - 1


class VariantError(ValueError):
    """A bad ``--vary``/``--seeds``/``--prompts`` value; reported as one line, exit 2."""


Assignment = tuple[str, str, Any]  # node id, parameter, value


@dataclass(frozen=True)
class Dimension:
    """One option's values: each entry is the assignments one choice makes."""

    name: str  # "animatic.width", "seed", "prompt"
    choices: list[list[Assignment]]


@dataclass
class Variant:
    index: int
    params: dict[str, Any]  # "node.param" → value, for people and results.jsonl
    workflow: Workflow
    key: str = ""
    folder: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def parse_vary(spec: str, workflow: Workflow) -> Dimension:
    """``NODE.PARAM=v1,v2,…``: each value JSON or a plain string; ``NODE.PARAM=[…]`` is a JSON list
    (for values that contain commas)."""
    key, sep, raw = spec.partition("=")
    node_id, dot, param = key.rpartition(".")
    if not sep or not dot or not node_id or not param or not raw:
        raise VariantError(f"--vary {spec!r}: expected NODE.PARAM=v1,v2,… e.g. --vary animatic.fps=12,24")
    if node_id not in workflow.nodes:
        raise VariantError(f"--vary {spec!r}: no node {node_id!r}; nodes: {', '.join(workflow.nodes)}")
    if raw.lstrip().startswith("["):
        try:
            values = jsondoc.parse(raw)
        except jsondoc.JSONRejected as exc:
            raise VariantError(f"--vary {spec!r}: {exc}") from None
        if not isinstance(values, list) or not values:
            raise VariantError(f"--vary {spec!r}: the JSON form must be a non-empty list")
    else:
        values = [_value(part.strip()) for part in raw.split(",")]
    return Dimension(key, [[(node_id, param, v)] for v in values])


def _value(text: str) -> Any:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return text  # not JSON: a plain string
    return jsondoc.parse(text)


def parse_seeds(spec: str, workflow: Workflow, registry: Registry) -> Dimension:
    """``1-8``, ``3,5,9`` or ``1-4,10``: each seed goes into every node that has a ``seed`` parameter
    (a ``value.seed`` node linked into the others included)."""
    seeds: list[int] = []
    for part in spec.split(","):
        lo, dash, hi = part.strip().partition("-")
        try:
            first, last = int(lo), int(hi) if dash else int(lo)
        except ValueError:
            raise VariantError(f"--seeds {spec!r}: expected numbers and ranges such as 1-8 or 1,5,9") from None
        if not 0 <= first <= last <= MAX_SEED or last - first >= MAX_VARIANTS:
            raise VariantError(f"--seeds {spec!r}: {part.strip()!r} must be a range within 0-{MAX_SEED}, low to high")
        seeds.extend(range(first, last + 1))
    targets = [n for n, node in workflow.nodes.items() if _has_seed(registry, node.type)]
    if not targets:
        raise VariantError(f"--seeds {spec!r}: no node in this workflow has a seed parameter")
    return Dimension("seed", [[(n, "seed", s) for n in targets] for s in dict.fromkeys(seeds)])


def _has_seed(registry: Registry, node_type: str) -> bool:
    d = registry.get(node_type)
    return d is not None and "seed" in d.param_schema.get("properties", {})


def read_prompts(path: str | Path, workflow: Workflow, registry: Registry, node: str | None) -> Dimension:
    """One prompt per line (blank lines and ``#`` comments skipped), into the ``text`` of
    ``node`` or of the workflow's only ``text.prompt`` node."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise VariantError(f"--prompts {path}: cannot read it ({exc})") from None
    prompts = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not prompts:
        raise VariantError(f"--prompts {path}: no prompts in the file (one per line)")
    if node is None:
        candidates = [n for n, spec in workflow.nodes.items() if spec.type == "text.prompt"]
        if len(candidates) != 1:
            found = ", ".join(candidates) or "none"
            raise VariantError(
                f"--prompts {path}: name the prompt node with --prompt-node (text.prompt nodes: {found})"
            )
        node = candidates[0]
    elif node not in workflow.nodes:
        raise VariantError(f"--prompt-node {node!r}: no node {node!r}; nodes: {', '.join(workflow.nodes)}")
    return Dimension(f"{node}.text", [[(node, "text", p)] for p in prompts])


def expand(workflow: Workflow, registry: Registry, dimensions: list[Dimension], *, zipped: bool) -> list[Variant]:
    """Every variant, in a stable order, each with its content key (duplicates dropped)."""
    if zipped and len({len(d.choices) for d in dimensions}) > 1:
        sizes = ", ".join(f"{d.name}: {len(d.choices)}" for d in dimensions)
        raise VariantError(f"--zip pairs the n-th values of each option, so they need equal lengths ({sizes})")
    count = 1
    for d in dimensions:
        count = len(d.choices) if zipped else count * len(d.choices)
    if count > MAX_VARIANTS:
        raise VariantError(f"{count} variants is more than {MAX_VARIANTS}; split the batch")
    combos = (
        zip(*(d.choices for d in dimensions), strict=True)
        if zipped
        else itertools.product(*(d.choices for d in dimensions))
    )
    variants: list[Variant] = []
    seen: set[str] = set()
    for combo in combos if dimensions else [()]:
        wf = copy.deepcopy(workflow)
        params: dict[str, Any] = {}
        for dimension, choice in zip(dimensions, combo, strict=True):
            for node_id, param, value in choice:
                wf.nodes[node_id].params[param] = value
            params[dimension.name] = choice[0][2]
        key = content_key(wf, registry)
        if key in seen:
            continue
        seen.add(key)
        index = len(variants)
        variants.append(Variant(index, params, wf, key, f"v{index + 1:04d}-{key[:8]}"))
    return variants


def content_key(workflow: Workflow, registry: Registry) -> str:
    """A hash of what decides the render: node types, versions, parameters, modes and links
    (not positions in the editor, titles or descriptions)."""
    nodes = {}
    for node_id, node in sorted(workflow.nodes.items()):
        d = registry.get(node.type)
        mode = node.extra.get("mode")
        nodes[node_id] = [node.type, d.version if d else None, node.params, mode]
    material = {
        "nodes": nodes,
        "links": sorted(link.to_json() for link in workflow.links),
        "subgraphs": workflow.extra.get("subgraphs"),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()
