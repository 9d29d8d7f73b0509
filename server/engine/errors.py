"""Typed exceptions raised inside the engine and by nodes.

They are turned into structured records (stable code, node, name, message) at the
boundary: the CLI prints them, the server returns them as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


class ContractError(Exception):
    """A node declaration is malformed. Raised at import time, naming the node and the fix."""


class RegistryError(Exception):
    """Node discovery failed, e.g. two modules declare the same node id."""


class OutputTypeError(TypeError):
    """A node returned outputs that do not match its declaration (names or socket types)."""


class NodeInputError(ValueError):
    """Raised by a node when an input or parameter value cannot be used at run time.

    ``name`` is the input or parameter at fault; the message should say what is allowed.
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class Cancelled(Exception):
    """Raised through the node context when the run was cancelled."""


@dataclass(frozen=True)
class Problem:
    """One validation problem: a stable ``code`` plus where it is and what to do."""

    code: str
    node: str | None
    name: str | None
    message: str

    def to_json(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = ".".join(p for p in (self.node, self.name) if p) or "workflow"
        return f"{where}: {self.code}: {self.message}"


class WorkflowInvalid(Exception):
    """A workflow failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
