"""Subgraphs: a group of nodes stored once in the workflow file and used as one node.

The file holds the definitions under ``"subgraphs"``; a node of type ``"subgraph:NAME"``
uses one::

    "subgraphs": {"look": {
        "title": "Look", "nodes": {...}, "links": [...],
        "inputs":  {"text": [["analysis", "text"]]},    # exposed input → the inner inputs it feeds
        "outputs": {"doc": ["analysis", "doc"]},        # exposed output → the inner output
        "params":  {"backend": ["analysis", "backend"]} # exposed widget → an inner parameter
    }},
    "nodes": {"look1": {"type": "subgraph:look", "params": {"backend": "auto"}}}

Before planning, every subgraph node is replaced by its inner nodes under ids
``"OUTER:INNER"`` (nested subgraphs flatten recursively), links are rewired through the
exposed sockets, and exposed parameter values override the inner ones. The planner, the
cache (one key per inner node) and the events then see an ordinary graph. A mode (bypass,
mute) on the subgraph node applies to each inner node.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .errors import Problem
from .registry import Registry
from .workflow import MAX_NODES, Link, Workflow, WorkflowNode

PREFIX = "subgraph:"
SEP = ":"
MAX_DEPTH = 8


def flatten_subgraphs(workflow: Workflow) -> tuple[Workflow, list[Problem], dict[str, list[str]]]:
    """The workflow with every subgraph node replaced by its inner nodes.

    Also returns, per subgraph node, the inner nodes that make its exposed outputs (what
    "run this subgraph node" means, with :func:`expand_targets`).
    """
    defs = workflow.extra.get("subgraphs") or {}
    if not any(n.type.startswith(PREFIX) for n in workflow.nodes.values()):
        return workflow, [], {}
    flat = _Flattener(defs)
    nodes, links, _, outs = flat.expand(workflow.nodes, workflow.links, prefix="", depth=0, stack=())
    producers = {outer: sorted({node for node, _ in ports.values()}) for outer, ports in outs.items()}
    return replace(workflow, nodes=nodes, links=links), flat.problems, producers


def expand_targets(
    targets: list[str], flat: Workflow, producers: dict[str, list[str]], registry: Registry
) -> list[str]:
    """A subgraph node named as a target stands for its output nodes and what makes its outputs."""
    out: list[str] = []
    for t in targets:
        if t not in producers:
            out.append(t)
            continue
        inner = [
            n
            for n, node in flat.nodes.items()
            if n.startswith(f"{t}{SEP}") and (d := registry.get(node.type)) is not None and d.output
        ]
        out += [*inner, *producers[t]]
    return list(dict.fromkeys(out))


class _Flattener:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.problems: list[Problem] = []
        self.count = 0  # nodes made so far: nesting multiplies, so a small file could expand to billions

    def expand(
        self,
        nodes: dict[str, WorkflowNode],
        links: list[Link],
        prefix: str,
        depth: int,
        stack: tuple[str, ...],
    ) -> tuple[dict[str, WorkflowNode], list[Link], dict, dict]:
        """Flatten one level: ``nodes``/``links`` are a graph whose ids get ``prefix``.

        Also returns, for each subgraph node of this level, where its exposed inputs and
        outputs end up in the flat graph (so an enclosing level can link through them).
        """
        out_nodes: dict[str, WorkflowNode] = {}
        ins: dict[str, dict[str, list[tuple[str, str]]]] = {}  # subgraph node → exposed input → inner (node, input)s
        outs: dict[str, dict[str, tuple[str, str]]] = {}  # subgraph node → exposed output → inner (node, output)
        inner_links: list[Link] = []
        for node_id, node in nodes.items():
            full = f"{prefix}{node_id}"
            if not node.type.startswith(PREFIX):
                out_nodes[full] = node
                self.count += 1
                continue
            name = node.type[len(PREFIX) :]
            definition = self._definition(full, name, depth, stack)
            if definition is None:
                continue
            inner_nodes = self._inner_nodes(full, node, definition)
            sub_nodes, sub_links, sub_ins, sub_outs = self.expand(
                inner_nodes, _links(definition), prefix=f"{full}{SEP}", depth=depth + 1, stack=(*stack, name)
            )
            out_nodes.update(sub_nodes)
            inner_links += sub_links
            ins[full] = {
                k: [
                    pair
                    for n, i in _pairs(v)
                    for pair in sub_ins.get(f"{full}{SEP}{n}", {}).get(i, [(f"{full}{SEP}{n}", i)])
                ]
                for k, v in (definition.get("inputs") or {}).items()
            }
            outs[full] = {
                k: sub_outs.get(f"{full}{SEP}{v[0]}", {}).get(v[1], (f"{full}{SEP}{v[0]}", v[1]))
                for k, v in (definition.get("outputs") or {}).items()
                if _pair(v)
            }
        rewired: list[Link] = []
        for link in links:
            src, dst = f"{prefix}{link.from_node}", f"{prefix}{link.to_node}"
            if src in outs:
                if link.from_output not in outs[src]:
                    self._bad(src, link.from_output, "output", outs[src])
                    continue
                src, from_output = outs[src][link.from_output]
            else:
                from_output = link.from_output
            if dst in ins:
                if link.to_input not in ins[dst]:
                    self._bad(dst, link.to_input, "input", ins[dst])
                    continue
                rewired += [Link(src, from_output, n, i) for n, i in ins[dst][link.to_input]]
            else:
                rewired.append(Link(src, from_output, dst, link.to_input))
        return out_nodes, rewired + inner_links, ins, outs

    def _definition(self, node_id: str, name: str, depth: int, stack: tuple[str, ...]) -> dict | None:
        definition = self.defs.get(name)
        if not isinstance(definition, dict):
            known = ", ".join(self.defs) or "none"
            self.problems.append(
                Problem("unknown_subgraph", node_id, None, f"no subgraph {name!r} in this file; subgraphs: {known}")
            )
            return None
        if self.count > MAX_NODES:
            if not any(p.code == "too_large" for p in self.problems):
                self.problems.append(
                    Problem(
                        "too_large",
                        node_id,
                        None,
                        f"the subgraphs expand to more than {MAX_NODES:,} nodes; at most {MAX_NODES:,} are allowed",
                    )
                )
            return None
        if name in stack or depth >= MAX_DEPTH:
            chain = " → ".join((*stack, name))
            self.problems.append(Problem("subgraph_cycle", node_id, None, f"subgraphs contain each other: {chain}"))
            return None
        return definition

    def _inner_nodes(self, node_id: str, node: WorkflowNode, definition: dict) -> dict[str, WorkflowNode]:
        inner = {
            nid: WorkflowNode(
                type=n.get("type", ""),
                params=dict(n.get("params") or {}),
                extra={k: v for k, v in n.items() if k not in ("type", "params", "ui")},
            )
            for nid, n in (definition.get("nodes") or {}).items()
        }
        exposed = definition.get("params") or {}
        for name, value in node.params.items():
            target = exposed.get(name)
            if target is None or not _pair(target) or target[0] not in inner:
                known = ", ".join(exposed) or "none"
                self.problems.append(
                    Problem(
                        "unknown_param", node_id, name, f"the subgraph has no parameter {name!r}; parameters: {known}"
                    )
                )
                continue
            inner[target[0]].params[target[1]] = value
        mode = node.extra.get("mode")
        if mode:
            for n in inner.values():
                n.extra.setdefault("mode", mode)
        return inner

    def _bad(self, node_id: str, name: str, kind: str, known: dict) -> None:
        self.problems.append(
            Problem(
                f"unknown_{kind}",
                node_id,
                name,
                f"the subgraph has no {kind} {name!r}; {kind}s: {', '.join(known) or 'none'}",
            )
        )


def _links(definition: dict) -> list[Link]:
    return [Link(*link) for link in definition.get("links") or [] if isinstance(link, list) and len(link) == 4]


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _pairs(value: Any) -> list[tuple[str, str]]:
    """An exposed input feeds one or more inner inputs: ``[[node, input], …]``."""
    return [tuple(v) for v in value or [] if _pair(v)]
