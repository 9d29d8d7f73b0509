"""Bypass and mute: node modes saved in the workflow file, resolved before planning.

A node's ``"mode"`` is ``"mute"`` or ``"bypass"`` (absent: the node runs). Both are resolved
by rewriting the workflow into an ordinary graph, so the planner, cache keys and events need
no special cases and a bypassed node costs nothing:

- **mute**: the node does not run, nor does any node that needs one of its outputs through
  a required input (and so on downstream); an optional input or a linkable parameter it fed
  is left unlinked, so that node still runs with its default.
- **bypass**: the node does not run; whatever read one of its outputs reads instead the
  source of the node's first linked input of the same socket type (declared order, sockets
  before linkable parameters), following chains of bypassed nodes. An output that is read
  but has no such input is a validation problem that says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import Problem
from .registry import Registry
from .workflow import Link, Workflow

MODES = ("bypass", "mute")
Source = tuple[str, str]


@dataclass
class Resolved:
    """``workflow`` without the nodes that do not run; ``left_out`` says why each is out
    (``"bypass"``, ``"mute"`` or ``"muted upstream"``); ``unfed`` lists the (node, input) pairs
    whose link was dropped because of a problem here (already explained, not "missing")."""

    workflow: Workflow
    problems: list[Problem] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)
    unfed: set[tuple[str, str]] = field(default_factory=set)


def apply_modes(workflow: Workflow, registry: Registry) -> Resolved:
    """The workflow with bypassed and muted nodes taken out and links rewired."""
    modes = {nid: n.extra["mode"] for nid, n in workflow.nodes.items() if n.extra.get("mode") in MODES}
    if not modes:
        return Resolved(workflow)
    feeds: dict[str, dict[str, Source]] = {}
    for link in workflow.links:
        feeds.setdefault(link.to_node, {})[link.to_input] = (link.from_node, link.from_output)
    resolver = _Resolver(workflow, registry, modes, feeds)
    readers: dict[str, list[Link]] = {}  # a node → the links that really read its outputs
    for link in workflow.links:
        found = resolver.source(link.from_node, link.from_output, quiet=True)
        if found is not None:
            readers.setdefault(found[0], []).append(link)
    dead = {nid for nid, mode in modes.items() if mode == "mute"}
    left_out = dict(modes)
    pending = list(dead)
    while pending:  # a node that needs a dead node's output is dead too, and so on downstream
        for link in readers.get(pending.pop(), ()):
            dst = link.to_node
            if dst in left_out or not resolver.required(dst, link.to_input):
                continue
            dead.add(dst)
            left_out[dst] = "muted upstream"
            pending.append(dst)
    links: list[Link] = []
    unfed: set[tuple[str, str]] = set()
    for link in workflow.links:
        if link.to_node in left_out:
            continue
        found = resolver.source(link.from_node, link.from_output)
        if found is None:
            unfed.add((link.to_node, link.to_input))
        elif found[0] not in dead:  # else an optional input whose source does not run: left unlinked
            links.append(Link(found[0], found[1], link.to_node, link.to_input))
    nodes = {nid: n for nid, n in workflow.nodes.items() if nid not in left_out}
    return Resolved(replace(workflow, nodes=nodes, links=links), resolver.problems, left_out, unfed)


class _Resolver:
    """Follows outputs of bypassed nodes back to the output that really produces the value."""

    def __init__(self, workflow: Workflow, registry: Registry, modes: dict[str, str], feeds: dict) -> None:
        self.workflow, self.registry, self.modes, self.feeds = workflow, registry, modes, feeds
        self.problems: list[Problem] = []
        self._reported: set[Source] = set()
        self._memo: dict[Source, tuple[Source | None, tuple[str, str, str] | None]] = {}

    def required(self, node_id: str, name: str) -> bool:
        node = self.workflow.nodes.get(node_id)
        d = node and self.registry.get(node.type)
        return bool(d and name in d.inputs and not d.inputs[name].optional)

    def source(self, node_id: str, output: str, *, quiet: bool = False) -> Source | None:
        """Where the value of ``node_id.output`` comes from; None (and, unless quiet, a problem) when nowhere.

        Iterative and remembered: a chain of 20,000 bypassed nodes is walked once, not once per
        link, and never by recursion."""
        walked: list[Source] = []
        current: Source = (node_id, output)
        while current not in self._memo:
            nid, name = current
            if self.modes.get(nid) != "bypass":
                self._memo[current] = (current, None)
                break
            if current in walked:
                self._memo[current] = (None, (nid, name, "the bypassed nodes pass values round in a loop"))
                break
            walked.append(current)
            step, why = self._through(nid, name)
            if step is None:
                self._memo[current] = (None, (nid, name, why))
                break
            current = step
        result, failure = self._memo[current]
        for visited in walked:
            self._memo[visited] = (result, failure)
        if failure is not None and not quiet:
            self._problem(*failure)
        return result

    def _through(self, node_id: str, output: str) -> tuple[Source | None, str]:
        """One step back through the bypassed ``node_id``: the source of its passing input, or why none."""
        node = self.workflow.nodes[node_id]
        d = self.registry.get(node.type)
        if d is None:
            return None, f"its type {node.type!r} is unknown, so nothing can pass through"
        out = d.outputs.get(output)
        if out is None:
            return None, f"{d.id} has no output {output!r}"
        candidates = [*(n for n, s in d.inputs.items() if s.type == out.type)]
        candidates += [n for n, t in d.linkable_params.items() if t == out.type]
        linked = [n for n in candidates if n in self.feeds.get(node_id, {})]
        if not linked:
            have = (
                f"its {out.type} input {candidates[0]!r} has no link" if candidates else f"it has no {out.type} input"
            )
            return None, (
                f"nothing passes through to its output {output!r} ({out.type}): {have}; "
                "mute the node instead, or remove the links from that output"
            )
        return self.feeds[node_id][linked[0]], ""

    def _problem(self, node_id: str, output: str, why: str) -> None:
        if (node_id, output) not in self._reported:
            self._reported.add((node_id, output))
            self.problems.append(Problem("bypass_impossible", node_id, output, f"{node_id} is bypassed, but {why}"))
