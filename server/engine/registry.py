"""The node registry: every :class:`NodeDef` of the built-in ``nodes`` package and of the
installed and extra node packs (see :mod:`.packs` for where they come from).

Node modules keep heavy imports (torch, spaCy, PyAV) inside their functions, and only node
modules are imported, so the catalog loads fast.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import replace
from types import ModuleType

from .contract import NodeDef
from .errors import RegistryError
from .packs import Pack, PackProblem, definitions_in, describe_failure, entry_point_packs, extra_packs, load_package
from .workflow import Workflow

log = logging.getLogger("reelgraph.registry")


class Registry:
    def __init__(self, definitions: Iterable[NodeDef] = ()) -> None:
        self._nodes: dict[str, NodeDef] = {}
        self._packs: dict[str, str] = {}  # node id → the pack that declared it
        self._renamed: dict[str, str] = {}  # former id → current id
        self.problems: list[PackProblem] = []  # packs left out, with why
        for d in definitions:
            self.add(d)

    def add(self, definition: NodeDef, pack: str | None = None) -> None:
        if self._nodes.get(definition.id) is definition:
            return
        self.check_free(definition, pack)
        self._nodes[definition.id] = definition
        self._renamed.update(dict.fromkeys(definition.former_ids, definition.id))
        if pack is not None:
            self._packs[definition.id] = pack

    def check_free(self, definition: NodeDef, pack: str | None = None) -> None:
        """Raise :class:`RegistryError` if ``definition``'s id or a former id is taken."""
        existing = self._nodes.get(definition.id)
        if existing is not None and existing is not definition:
            raise RegistryError(
                f"node id {definition.id!r} is declared twice: in {self._where(existing)} "
                f"and in {self._where(definition, pack)}; rename one of them"
            )
        clash = self._renamed.get(definition.id)
        if clash is not None:
            raise RegistryError(f"node id {definition.id!r} is a former id of {clash!r}; pick another id")
        for former in definition.former_ids:
            taken = self._nodes.get(former) or self._nodes.get(self._renamed.get(former, ""))
            if taken is not None and taken is not definition:
                raise RegistryError(
                    f"{definition.id!r} claims the former id {former!r}, which {self._where(taken)} uses; "
                    "a renamed id may only be claimed once"
                )

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
                staged.add(d, pack.name)  # the pack against itself
                self.check_free(d, pack.name)  # and against what is loaded; raises naming both
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

    def current_id(self, node_type: str) -> str:
        """``node_type``, or the id of the node it was renamed to."""
        return self._renamed.get(node_type, node_type)

    def migrate_ids(self, workflow: Workflow) -> Workflow:
        """The workflow with renamed node types (and their recorded versions) under their
        current ids; the same object when nothing was renamed. Applied whenever a workflow
        is validated or planned, and to library documents the editor opens."""
        renamed = {n.type for n in workflow.nodes.values() if n.type in self._renamed}
        if not renamed:
            return workflow
        nodes = {
            node_id: replace(n, type=self._renamed[n.type]) if n.type in renamed else n
            for node_id, n in workflow.nodes.items()
        }
        meta = dict(workflow.meta)
        versions = meta.get("node_versions")
        if isinstance(versions, dict):
            meta["node_versions"] = {self.current_id(t): v for t, v in versions.items()}
        return replace(workflow, nodes=nodes, meta=meta)

    def pack_of(self, node_id: str) -> str | None:
        """The pack that declared ``node_id`` (None for the built-in nodes)."""
        return self._packs.get(node_id)

    def get(self, node_id: str) -> NodeDef | None:
        """The node ``node_id``, also under an id it was renamed from."""
        found = self._nodes.get(node_id)
        if found is None and node_id in self._renamed:
            found = self._nodes.get(self._renamed[node_id])
        return found

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
