"""Validation and planning: from a workflow to the ordered set of nodes a run needs.

One pass over the workflow both collects every problem (each with a stable code, the
node and the input or parameter) and builds the :class:`Plan`, so that checking a
10,000-node file costs about as much as planning it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from .contract import NodeDef
from .errors import Problem
from .modes import apply_modes
from .registry import Registry
from .state import RunState
from .subgraphs import expand_targets, flatten_subgraphs
from .workflow import Link, Workflow

Source = tuple[str, str]  # (node id, output name)


@dataclass
class PlannedNode:
    id: str
    definition: NodeDef
    params: dict[str, Any]
    inputs: dict[str, Source] = field(default_factory=dict)
    param_links: dict[str, Source] = field(default_factory=dict)
    linked_badly: set[str] = field(default_factory=set)  # inputs whose link has its own problem
    # Cache keys by the keys of the inputs, for a node whose parameters are all widgets (the
    # key is then a function of its inputs' keys alone); a reused plan re-runs without hashing.
    key_memo: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False, compare=False)

    def sources(self) -> list[str]:
        return [s for s, _ in (*self.inputs.values(), *self.param_links.values())]

    @cached_property
    def memo_sources(self) -> tuple[str, ...] | None:
        """The nodes whose cache keys alone determine this node's key, so that ``key_memo``
        applies: its inputs' sources; None when the key also depends on linked parameter
        values or on a user's file (a fingerprint, which may change). Read after planning."""
        if self.param_links or self.definition.fingerprint is not None:
            return None
        return tuple(src for src, _ in self.inputs.values())


@dataclass
class Plan:
    nodes: dict[str, PlannedNode]  # only the nodes the targets need
    order: list[str]  # a topological order of ``nodes``
    targets: list[str]
    _blank: RunState | None = field(default=None, init=False, repr=False, compare=False)

    def new_state(self) -> RunState:
        """The scheduling state a run starts from: built once per plan and copied per run, so a
        reused plan does not rebuild its dependency graph (two runs racing to build it build
        equal ones)."""
        if self._blank is None:
            self._blank = RunState({n: p.sources() for n, p in self.nodes.items()})
        return self._blank.copy()


def compile_workflow(
    workflow: Workflow, registry: Registry, targets: list[str] | None = None
) -> tuple[Plan | None, list[Problem]]:
    """Check everything and plan; returns ``(plan, [])`` or ``(None, problems)``.

    Subgraphs are flattened first (subgraphs.py), then bypassed and muted nodes resolved
    (modes.py): the plan holds only ordinary nodes that run.
    """
    workflow = registry.migrate_ids(workflow)
    workflow, problems, producers = flatten_subgraphs(workflow)
    if targets is not None and producers:
        targets = expand_targets(targets, workflow, producers, registry)
    modes = apply_modes(workflow, registry)
    workflow = modes.workflow
    problems += modes.problems
    for t in targets or []:
        if t in modes.left_out:
            why = modes.left_out[t]
            problems.append(Problem("target_not_run", t, None, f"node {t!r} does not run ({why}); unmute it"))
    if targets is not None:
        targets = [t for t in targets if t not in modes.left_out]
    planned = {
        node_id: p
        for node_id, node in workflow.nodes.items()
        if (p := _plan_node(node_id, node.type, node.params, workflow, registry, problems)) is not None
    }
    deps = _link(workflow, planned, problems)
    for node_id, name in modes.unfed:  # its bypass problem already says why the link is gone
        if node_id in planned:
            planned[node_id].linked_badly.add(name)
    _check_required_inputs(planned, problems)
    _check_params(planned, problems)
    _check_folded_links(planned, problems)
    order = _topological_order(deps)
    if len(order) < len(deps):
        _report_cycles(deps, set(order), problems)
    chosen = _choose_targets(workflow, planned, targets, problems)
    if problems:
        return None, problems
    needed = _ancestors(deps, chosen)
    order = [n for n in order if n in needed]
    return Plan({n: planned[n] for n in order}, order, chosen), []


def _plan_node(
    node_id: str, node_type: str, params: dict, workflow: Workflow, registry: Registry, problems: list[Problem]
) -> PlannedNode | None:
    definition = registry.get(node_type)
    if definition is None:
        close = difflib.get_close_matches(node_type, [d.id for d in registry.all()], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; run `python main.py nodes` for the catalog"
        problems.append(Problem("unknown_node_type", node_id, None, f"no node type {node_type!r}{hint}"))
        return None
    recorded = workflow.meta.get("node_versions", {}).get(node_type)
    if recorded is not None and recorded != definition.version:
        migrated = _migrate(node_id, definition, recorded, params, problems)
        if migrated is None:
            return None
        params = migrated
    return PlannedNode(node_id, definition, dict(params))


def _migrate(node_id: str, d: NodeDef, recorded: str, params: dict, problems: list[Problem]) -> dict | None:
    try:
        major = int(str(recorded).split(".")[0])
    except ValueError:
        major = -1
    if major == d.major:
        return params  # same major version: compatible by semver
    if major in d.migrations:
        return d.migrations[major](dict(params))
    problems.append(
        Problem(
            "version_mismatch",
            node_id,
            None,
            f"the file was saved with {d.id} {recorded}, this Reelgraph has {d.version} and no migration from "
            f"version {recorded}; re-create the node or update the file",
        )
    )
    return None


def _link(workflow: Workflow, planned: dict[str, PlannedNode], problems: list[Problem]) -> dict[str, dict[str, None]]:
    """Attach every good link to its input; returns the dependency graph (node → the nodes it
    reads from, in link order), an edge per good link."""
    deps: dict[str, dict[str, None]] = {n: {} for n in planned}
    for link in workflow.links:
        src, dst = planned.get(link.from_node), planned.get(link.to_node)
        for end, name in ((src, link.from_node), (dst, link.to_node)):
            if end is None and name not in workflow.nodes:
                problems.append(
                    Problem(
                        "unknown_node",
                        name,
                        None,
                        f"a link {link.to_json()} names node {name!r}, which is not in the workflow",
                    )
                )
        if dst is not None:
            dst.linked_badly.add(link.to_input)  # cleared below when the link is good
        if src is None or dst is None:
            continue
        problem = _link_problem(link, src, dst)
        if problem is not None:
            problems.append(problem)
            continue
        target = dst.inputs if link.to_input in dst.definition.inputs else dst.param_links
        target[link.to_input] = (link.from_node, link.from_output)
        dst.linked_badly.discard(link.to_input)
        deps[link.to_node][link.from_node] = None
    return deps


def _link_problem(link: Link, src: PlannedNode, dst: PlannedNode) -> Problem | None:
    """What is wrong with one link between two known nodes, if anything."""
    s, d = src.definition, dst.definition
    out = s.outputs.get(link.from_output)
    if out is None:
        return Problem(
            "unknown_output",
            link.to_node,
            link.to_input,
            f"the link into {link.to_node}.{link.to_input} comes from {link.from_node}.{link.from_output}, but "
            f"{s.id} has no output {link.from_output!r}; outputs: {_names(s.outputs)}",
        )
    want = _input_type(dst, link.to_input)
    if want is None:
        linkable = f"; linkable parameters: {_names(d.linkable_params)}" if d.linkable_params else ""
        return Problem(
            "unknown_input",
            link.to_node,
            link.to_input,
            f"the link from {link.from_node}.{link.from_output} goes into {link.to_node}.{link.to_input}, but "
            f"{d.id} has no input {link.to_input!r}; inputs: {_names(d.inputs)}{linkable}",
        )
    if want != out.type:
        return Problem(
            "type_mismatch",
            link.to_node,
            link.to_input,
            f"input {link.to_input!r} takes {want}, but {link.from_node}.{link.from_output} gives {out.type}",
        )
    existing = dst.inputs.get(link.to_input) or dst.param_links.get(link.to_input)
    if existing is not None:
        return Problem(
            "duplicate_link",
            link.to_node,
            link.to_input,
            f"input {link.to_input!r} has more than one link (from {existing[0]}.{existing[1]} and from "
            f"{link.from_node}.{link.from_output}); keep one",
        )
    return None


def _input_type(node: PlannedNode, name: str) -> str | None:
    if name in node.definition.inputs:
        return node.definition.inputs[name].type
    return node.definition.linkable_params.get(name)


def _check_required_inputs(planned: dict[str, PlannedNode], problems: list[Problem]) -> None:
    for p in planned.values():
        for name, sock in p.definition.inputs.items():
            if not sock.optional and name not in p.inputs and name not in p.linked_badly:
                problems.append(
                    Problem(
                        "missing_input",
                        p.id,
                        name,
                        f"input {name!r} ({sock.type}) needs a link from a node that outputs {sock.type}",
                    )
                )


def _check_params(planned: dict[str, PlannedNode], problems: list[Problem]) -> None:
    valid: set[tuple[str, tuple]] = set()  # (node type, parameter items) known to validate
    for p in planned.values():
        d = p.definition
        fields = d.param_names
        values: dict[str, Any] = {}
        for name, value in p.params.items():
            if name not in fields:
                problems.append(
                    Problem(
                        "unknown_param",
                        p.id,
                        name,
                        f"{d.id} has no parameter {name!r}{_close(name, fields)}; parameters: {_names(d.param_names)}",
                    )
                )
            elif _has_non_finite(value):
                if name not in p.param_links:
                    problems.append(
                        Problem("invalid_value", p.id, name, f"{value!r} is not a number: numbers must be finite")
                    )
            else:
                values[name] = value
        # Equal parameters validate equally: a workflow of many alike nodes pays pydantic once.
        memo = _memo_key(d.id, values) if not p.param_links else None
        if memo is not None and memo in valid:
            continue
        found = param_problems(p.id, d, values, skip=set(p.param_links))
        if memo is not None and not found:
            valid.add(memo)
        problems.extend(found)


_SCALARS = (int, str, bool, float, type(None))


def _memo_key(node_type: str, values: dict[str, Any]) -> tuple[str, tuple] | None:
    """A hashable form of scalar parameter values (None when a value is a list or dict)."""
    items = tuple(values.items())
    for _, value in items:
        if type(value) not in _SCALARS:
            return None
    return node_type, items


def _has_non_finite(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return not math.isfinite(value)
    if kind is int or kind is str or kind is bool or value is None:
        return False
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(v) for v in value)
    return False


def _check_folded_links(planned: dict[str, PlannedNode], problems: list[Problem]) -> None:
    """Parameters fed by a constant node (``value.number``, ``value.seed``) are checked against
    their own bounds now, with the value that will arrive, instead of failing mid-run."""
    folded: dict[str, dict[str, Any] | None] = {}
    for p in planned.values():
        arriving: dict[str, tuple[Any, Source]] = {}
        for name, (src, out) in p.param_links.items():
            outputs = _fold(planned[src], folded) if src in planned else None
            if outputs is not None and out in outputs:
                arriving[name] = (outputs[out], (src, out))
        if not arriving:
            continue
        fields = p.definition.param_names
        values = {k: v for k, v in p.params.items() if k in fields and not _has_non_finite(v)}
        values.update({name: value for name, (value, _) in arriving.items()})
        for problem in param_problems(p.id, p.definition, values):
            if problem.name in arriving:
                src, out = arriving[problem.name][1]
                problems.append(
                    Problem(problem.code, p.id, problem.name, f"{problem.message} — the value comes from {src}.{out}")
                )


def _fold(source: PlannedNode, folded: dict[str, dict[str, Any] | None]) -> dict[str, Any] | None:
    """The outputs of a constant node with valid parameters, computed once; None otherwise."""
    if source.id not in folded:
        folded[source.id] = None
        d = source.definition
        if d.constant and not source.param_links and not _has_non_finite(source.params):
            try:
                folded[source.id] = d.fn(None, d.parse_params(source.params))
            except Exception:  # noqa: BLE001 - its own parameter problems are reported on it already
                folded[source.id] = None
    return folded[source.id]


def param_problems(
    node_id: str, d: NodeDef, values: dict[str, Any], skip: Collection[str] = frozenset()
) -> list[Problem]:
    """Pydantic's verdict on parameter values as problems that say what is allowed."""
    try:
        d.parse_params(values)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else None
            if name in skip:
                continue
            allowed = _allowed(d.param_schema.get("properties", {}).get(name, {}))
            msg = err["msg"].removeprefix("Value error, ")
            out.append(
                Problem(
                    "invalid_value",
                    node_id,
                    name,
                    f"{msg} (got {_short(err.get('input'))}){'; allowed: ' + allowed if allowed else ''}",
                )
            )
        return out
    return []


def _allowed(schema: dict) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(a for a in (_allowed(s) for s in schema["anyOf"]) if a)
    lo, hi = schema.get("minimum"), schema.get("maximum")
    kind = schema.get("type", "")
    if lo is not None and hi is not None:
        return f"{kind} from {lo} to {hi}"
    if lo is not None:
        return f"{kind} ≥ {lo}"
    if hi is not None:
        return f"{kind} ≤ {hi}"
    if "maxLength" in schema:
        return f"{kind} of at most {schema['maxLength']} characters"
    return kind


def _topological_order(deps: dict[str, dict[str, None]]) -> list[str]:
    """Kahn's algorithm by generations (sources first, in workflow order): plain dicts, about
    ten times faster than building a networkx graph. Nodes on or behind a cycle are missing."""
    children: dict[str, list[str]] = {n: [] for n in deps}
    waiting = {}
    for node, sources in deps.items():
        waiting[node] = len(sources)
        for source in sources:
            children[source].append(node)
    generation = [n for n, count in waiting.items() if count == 0]
    order: list[str] = []
    while generation:
        order += generation
        following = []
        for node in generation:
            for child in children[node]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    following.append(child)
        generation = following
    return order


def _ancestors(deps: dict[str, dict[str, None]], targets: list[str]) -> set[str]:
    needed = set(targets)
    stack = list(targets)
    while stack:
        for source in deps[stack.pop()]:
            if source not in needed:
                needed.add(source)
                stack.append(source)
    return needed


def _report_cycles(deps: dict[str, dict[str, None]], acyclic: set[str], problems: list[Problem]) -> None:
    """One problem per loop (networkx finds them; only a workflow with a cycle pays for it)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from((s, n) for n, sources in deps.items() if n not in acyclic for s in sources if s not in acyclic)
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1 and not graph.has_edge(*(next(iter(component)),) * 2):
            continue
        cycle = [edge[0] for edge in nx.find_cycle(graph.subgraph(component))]
        problems.append(
            Problem(
                "dependency_cycle",
                cycle[0],
                None,
                f"these nodes depend on each other in a loop: {_names([*cycle, cycle[0]], ' → ')}",
            )
        )


def _choose_targets(
    workflow: Workflow, planned: dict[str, PlannedNode], targets: list[str] | None, problems: list[Problem]
) -> list[str]:
    if targets:
        unknown = [t for t in targets if t not in workflow.nodes]
        for t in unknown:
            problems.append(
                Problem("unknown_target", t, None, f"no node {t!r} to run; nodes: {_names(workflow.nodes)}")
            )
        return [t for t in dict.fromkeys(targets) if t in planned]
    chosen = [n for n, p in planned.items() if p.definition.output]
    if not chosen and planned:
        problems.append(
            Problem(
                "no_outputs",
                None,
                None,
                "the workflow has no output node (one that writes a file or shows a result); "
                "add one, e.g. encode.video, or choose nodes to run with --only",
            )
        )
    elif not workflow.nodes:
        problems.append(Problem("no_outputs", None, None, "the workflow has no nodes"))
    return chosen


MAX_NAMES = 20  # names listed in one message; the rest are counted


def _names(items: Any, separator: str = ", ") -> str:
    """The first :data:`MAX_NAMES` names, then how many more (a 10,000-node cycle is one line)."""
    names = list(items)
    if not names:
        return "none"
    more = len(names) - MAX_NAMES
    return separator.join(map(str, names[:MAX_NAMES])) + (f"{separator}… and {more} more" if more > 0 else "")


def _close(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
