"""The workflow file, version 1: one format for the editor and for headless runs.

The shape is defined once, in ``server/engine/workflow.schema.json`` (package data); this module checks a
document against it (compiled with fastjsonschema, so 10,000 nodes take milliseconds),
then gives typed access. Unknown keys are kept, so ``load`` → ``save`` round-trips a file
written by ``save`` to identical bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import fastjsonschema

from . import jsondoc
from .errors import Problem, WorkflowInvalid
from .partials import write_text_atomic

FORMAT = "reelgraph.workflow"
VERSION = 1
SCHEMA_PATH = Path(str(files(__package__) / "workflow.schema.json"))  # package data, installed with the engine
MAX_NODES = 20_000  # a bigger file is refused before validation starts (it would take seconds)
MAX_LINKS = 5 * MAX_NODES
NODE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:\-]{0,127}")  # as the schema's propertyNames, matched in full
NODE_ID_RULE = "use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter, digit or '_'"


@lru_cache(maxsize=1)
def _shape_check() -> Callable[[Any], Any]:
    return fastjsonschema.compile(json.loads(SCHEMA_PATH.read_text()))


@dataclass(frozen=True)
class Link:
    from_node: str
    from_output: str
    to_node: str
    to_input: str

    def to_json(self) -> list[str]:
        return [self.from_node, self.from_output, self.to_node, self.to_input]


@dataclass
class WorkflowNode:
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    ui: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "params": self.params}
        if self.ui:
            out["ui"] = self.ui
        return {**out, **self.extra}


@dataclass
class Workflow:
    nodes: dict[str, WorkflowNode]
    links: list[Link]
    title: str = ""
    description: str = ""
    ui: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    # -- reading ---------------------------------------------------------------------
    @classmethod
    def from_json(cls, doc: Any) -> Workflow:
        """Build from parsed JSON; raises :class:`WorkflowInvalid` for a bad shape."""
        if not isinstance(doc, dict):
            raise WorkflowInvalid(
                [Problem("invalid_workflow", None, None, f"a workflow must be a JSON object, got {type(doc).__name__}")]
            )
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise WorkflowInvalid([_format_problem(doc)])
        size_problem = _size_problem(doc)
        if size_problem is not None:
            raise WorkflowInvalid([size_problem])
        try:
            _shape_check()(doc)
        except fastjsonschema.JsonSchemaValueException as exc:
            raise WorkflowInvalid([_shape_problem(exc, doc)]) from None
        known = {"format", "version", "title", "description", "nodes", "links", "ui", "meta"}
        return cls(
            nodes={
                node_id: WorkflowNode(
                    type=n["type"],
                    params=dict(n.get("params", {})),
                    ui=dict(n.get("ui", {})),
                    extra={k: v for k, v in n.items() if k not in ("type", "params", "ui")},
                )
                for node_id, n in doc["nodes"].items()
            },
            links=[Link(*link) for link in doc["links"]],
            title=doc.get("title", ""),
            description=doc.get("description", ""),
            ui=doc.get("ui", {}),
            meta=doc.get("meta", {}),
            extra={k: v for k, v in doc.items() if k not in known},
        )

    @classmethod
    def loads(cls, text: str | bytes) -> Workflow:
        try:
            doc = jsondoc.parse(text)
        except jsondoc.JSONRejected as exc:
            raise WorkflowInvalid([Problem("invalid_json", None, None, str(exc))]) from None
        return cls.from_json(doc)

    @classmethod
    def load(cls, path: str | Path) -> Workflow:
        try:
            doc = jsondoc.read_file(path)
        except jsondoc.JSONRejected as exc:
            raise WorkflowInvalid([Problem("invalid_json", None, None, str(exc))]) from None
        return cls.from_json(doc)

    # -- writing ---------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        if self.title:
            doc["title"] = self.title
        if self.description:
            doc["description"] = self.description
        doc["nodes"] = {node_id: n.to_json() for node_id, n in self.nodes.items()}
        doc["links"] = [link.to_json() for link in self.links]
        if self.ui:
            doc["ui"] = self.ui
        if self.meta:
            doc["meta"] = self.meta
        return {**doc, **self.extra}

    def dumps(self) -> str:
        """Canonical text: stable key order, two-space indent, links one per line."""
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False)
        return _compact_links(text) + "\n"

    def save(self, path: str | Path) -> None:
        atomic_write_text(Path(path), self.dumps())


def _compact_links(text: str) -> str:
    """Put each 4-string link on one line: far more readable in diffs than 6 lines each."""
    doc_lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(doc_lines):
        line = doc_lines[i]
        stripped = line.strip()
        if stripped == "[" and i + 5 < len(doc_lines) and doc_lines[i + 5].strip() in ("]", "],"):
            items = [doc_lines[i + k].strip().rstrip(",") for k in range(1, 5)]
            if all(item.startswith('"') for item in items):
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}[{', '.join(items)}]{doc_lines[i + 5].strip()[1:]}")
                i += 6
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a locked partial file in the same folder and ``os.replace``: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)


def _format_problem(doc: dict) -> Problem:
    fmt, version = doc.get("format"), doc.get("version")
    if fmt != FORMAT:
        if "nodes" not in doc and all(isinstance(v, dict) and "class_type" in v for v in doc.values()) and doc:
            hint = " This looks like a ComfyUI API prompt; submit it to the server's POST /prompt, which converts it."
        else:
            hint = ""
        return Problem("unknown_format", None, "format", f"expected format {FORMAT!r}, got {fmt!r}.{hint}")
    return Problem(
        "unknown_format",
        None,
        "version",
        f"workflow version {version!r} is not supported; this Reelgraph reads version {VERSION}",
    )


def _size_problem(doc: dict) -> Problem | None:
    """Limits checked before the shape, so that a huge or badly named file gets a precise answer fast."""
    nodes, links = doc.get("nodes"), doc.get("links")
    if isinstance(nodes, dict):
        if len(nodes) > MAX_NODES:
            return Problem(
                "too_large", None, "nodes", f"the workflow has {len(nodes):,} nodes; at most {MAX_NODES:,} are allowed"
            )
        for node_id in nodes:
            if not NODE_ID.fullmatch(node_id):
                return Problem(
                    "invalid_workflow",
                    None,
                    "nodes",
                    f"node id {node_id[:128]!r} is not allowed: {NODE_ID_RULE}",
                )
    if isinstance(links, list) and len(links) > MAX_LINKS:
        return Problem(
            "too_large", None, "links", f"the workflow has {len(links):,} links; at most {MAX_LINKS:,} are allowed"
        )
    return None


def _shape_problem(exc: fastjsonschema.JsonSchemaValueException, doc: dict) -> Problem:
    path = [str(p) for p in exc.path[1:]]
    node = path[1] if len(path) > 1 and path[0] == "nodes" else None
    where = "/".join(path) or "workflow"
    message = exc.message.replace("data.", "").replace("data ", "")
    if len(path) > 1 and path[0] == "links":  # name the link by its ends, not only by its index
        where = f"link {path[1]} {_short_json(doc['links'][int(path[1])])}"
        message = message.removeprefix(f"links[{path[1]}]").lstrip()
        message = f"{'item ' + message if message.startswith('[') else message}"
    return Problem(
        "invalid_workflow",
        node,
        path[2] if node and len(path) > 2 else None,
        f"{where}: {message}",
    )


def _short_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "..."
