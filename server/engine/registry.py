"""Node discovery: every :class:`NodeDef` declared in the modules under ``nodes/``.

Only modules whose source declares a node (contains ``@node(``) are imported, so helper
modules may import heavy libraries at top level; node modules themselves keep heavy
imports (torch, spaCy, PyAV) inside their functions, and the catalog loads fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from .contract import NodeDef
from .errors import RegistryError


def _declares_nodes(info: pkgutil.ModuleInfo) -> bool:
    spec = info.module_finder.find_spec(info.name.rpartition(".")[2], None)  # type: ignore[call-arg]
    origin = spec.origin if spec else None
    if not origin or not origin.endswith(".py"):
        return True  # not plain source: import it to be safe
    return "@node(" in Path(origin).read_text(encoding="utf-8", errors="replace")


class Registry:
    def __init__(self, definitions: Iterable[NodeDef] = ()) -> None:
        self._nodes: dict[str, NodeDef] = {}
        for d in definitions:
            self.add(d)

    def add(self, definition: NodeDef) -> None:
        existing = self._nodes.get(definition.id)
        if existing is definition:
            return
        if existing is not None:
            raise RegistryError(
                f"node id {definition.id!r} is declared twice: in {existing.module}.{existing.fn.__name__} "
                f"and in {definition.module}.{definition.fn.__name__}; rename one of them"
            )
        self._nodes[definition.id] = definition

    def add_module(self, module: ModuleType) -> None:
        for value in vars(module).values():
            if isinstance(value, NodeDef) and value.module == module.__name__:
                self.add(value)

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType | str]) -> Registry:
        registry = cls()
        for module in modules:
            registry.add_module(importlib.import_module(module) if isinstance(module, str) else module)
        return registry

    @classmethod
    def discover(cls, package: str = "nodes", extra_modules: Iterable[str] = ()) -> Registry:
        """All nodes under ``package`` (recursively), plus any ``extra_modules``."""
        root = importlib.import_module(package)
        names = [m.name for m in pkgutil.walk_packages(root.__path__, prefix=f"{package}.") if _declares_nodes(m)]
        return cls.from_modules([package, *sorted(names), *extra_modules])

    def get(self, node_id: str) -> NodeDef | None:
        return self._nodes.get(node_id)

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def all(self) -> list[NodeDef]:
        return sorted(self._nodes.values(), key=lambda d: (d.category, d.id))

    def catalog(self) -> list[dict]:
        return [d.to_json() for d in self.all()]
