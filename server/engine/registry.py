"""The node registry: every :class:`NodeDef` of the built-in ``nodes`` package and of the
installed and extra node packs (see :mod:`.packs` for where they come from).

Node modules keep heavy imports (torch, spaCy, PyAV) inside their functions, and only node
modules are imported, so the catalog loads fast.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from types import ModuleType

from .contract import NodeDef
from .errors import RegistryError
from .packs import Pack, PackProblem, definitions_in, describe_failure, entry_point_packs, extra_packs, load_package

log = logging.getLogger("reelgraph.registry")


class Registry:
    def __init__(self, definitions: Iterable[NodeDef] = ()) -> None:
        self._nodes: dict[str, NodeDef] = {}
        self._packs: dict[str, str] = {}  # node id → the pack that declared it
        self.problems: list[PackProblem] = []  # packs left out, with why
        for d in definitions:
            self.add(d)

    def add(self, definition: NodeDef, pack: str | None = None) -> None:
        existing = self._nodes.get(definition.id)
        if existing is definition:
            return
        if existing is not None:
            raise RegistryError(
                f"node id {definition.id!r} is declared twice: in {self._where(existing)} "
                f"and in {self._where(definition, pack)}; rename one of them"
            )
        self._nodes[definition.id] = definition
        if pack is not None:
            self._packs[definition.id] = pack

    def _where(self, d: NodeDef, pack: str | None = None) -> str:
        pack = pack or self._packs.get(d.id)
        place = f"{d.module}.{d.fn.__name__}"
        return f"pack {pack!r} ({place})" if pack else place

    def add_module(self, module: ModuleType) -> None:
        for value in definitions_in(module):
            self.add(value)

    def add_pack(self, pack: Pack) -> bool:
        """Load a pack whole or not at all: an import error, no nodes, or a node id that is
        already taken leaves it out and records a :class:`PackProblem`. Returns whether it loaded."""
        try:
            definitions = pack.load()
            if not definitions:
                raise RegistryError("it declares no nodes")
            staged = Registry()
            for d in definitions:
                staged.add(d, pack.name)
                if d.id in self._nodes and self._nodes[d.id] is not d:
                    self.add(d, pack.name)  # raises, naming both
        except Exception as exc:  # noqa: BLE001 - a broken pack is reported, never fatal
            problem = PackProblem(pack.name, describe_failure(exc), "".join(_format(exc)))
            log.error("%s", problem)
            self.problems.append(problem)
            return False
        for d in definitions:
            self.add(d, pack.name)
        return True

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType | str]) -> Registry:
        registry = cls()
        for module in modules:
            registry.add_module(importlib.import_module(module) if isinstance(module, str) else module)
        return registry

    @classmethod
    def discover(cls, package: str = "nodes", extra_modules: Iterable[str] = (), *, installed: bool = True) -> Registry:
        """The built-in ``package`` (whose errors are raised: they are ours), then the
        installed packs (entry point group ``reelgraph.nodes``, unless ``installed=False``),
        then ``extra_modules`` (module names or folders, as ``$REELGRAPH_EXTRA_NODES``)."""
        registry = cls()
        for d in load_package(package):
            registry.add(d)
        if installed:
            for pack in entry_point_packs():
                registry.add_pack(pack)
        for pack in extra_packs(extra_modules):
            registry.add_pack(pack)
        return registry

    def pack_of(self, node_id: str) -> str | None:
        """The pack that declared ``node_id`` (None for the built-in nodes)."""
        return self._packs.get(node_id)

    def get(self, node_id: str) -> NodeDef | None:
        return self._nodes.get(node_id)

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def all(self) -> list[NodeDef]:
        return sorted(self._nodes.values(), key=lambda d: (d.category, d.id))

    def catalog(self) -> list[dict]:
        """Every node's catalog entry; a pack's nodes say which pack they came from."""
        return [{**d.to_json(), "pack": self._packs[d.id]} if d.id in self._packs else d.to_json() for d in self.all()]


def _format(exc: BaseException) -> list[str]:
    import traceback

    return traceback.format_exception(exc)
