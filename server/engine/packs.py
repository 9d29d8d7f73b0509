"""Node packs: where node modules come from, and how one that is broken is reported.

Three sources, in this order:

1. the built-in ``nodes`` package (a node module there is one that imports the ``node``
   decorator from ``server.engine``; helper modules, which may import heavy libraries at top
   level, are never imported just to list the catalog);
2. installed packs: the ``reelgraph.nodes`` entry point group. Each entry point names a module
   (or package) whose :class:`NodeDef` values are its nodes; a package's node modules are found
   as in the built-in package. ``[project.entry-points."reelgraph.nodes"] mypack = "mypack"``;
3. ``$REELGRAPH_EXTRA_NODES`` (comma-separated): module names, or folders. A folder with an
   ``__init__.py`` is one pack; any other folder holds one pack per ``*.py`` file or package
   inside it (as ComfyUI's ``custom_nodes``).

A pack that fails to import, declares nothing or redeclares a node id already taken is left
out whole and reported as a :class:`PackProblem` (its name and the error); the others load.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from .contract import NodeDef

log = logging.getLogger("reelgraph.packs")
ENTRY_POINT_GROUP = "reelgraph.nodes"
# A node module imports the decorator: ``from server.engine(.contract) import (..., node, ...)``.
_IMPORTS_NODE = re.compile(
    r"^from\s+server\.engine(?:\.contract)?\s+import\s+\(?([^)]*?)\)?\s*$", re.MULTILINE | re.DOTALL
)


@dataclass(frozen=True)
class PackProblem:
    """A node pack that could not be loaded; the server and the CLI go on without it."""

    pack: str
    error: str
    detail: str = ""  # the traceback, for the log

    def __str__(self) -> str:
        return f"node pack {self.pack!r} not loaded: {self.error}"

    def to_json(self) -> dict[str, str]:
        return {"pack": self.pack, "error": self.error}


@dataclass(frozen=True)
class Pack:
    """A named source of node definitions; ``load`` imports it and returns its nodes."""

    name: str
    load: Callable[[], list[NodeDef]]


def imports_node_decorator(path: Path) -> bool:
    """Whether the source at ``path`` imports ``node`` from the engine: cheap (no import, no
    parse of the whole file), and unlike looking for ``"@node("`` it finds ``node(...)(fn)``
    and skips a module that merely mentions the decorator in a docstring."""
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    for match in _IMPORTS_NODE.finditer(source):
        names = {n.strip().split(" as ")[0] for n in match.group(1).replace("\n", " ").split(",")}
        if "node" in names:
            return True
    return False


def node_modules(package: ModuleType) -> list[str]:
    """Names of the node modules in ``package`` (recursively), sorted; a plain module is its own."""
    if not hasattr(package, "__path__"):
        return [package.__name__]
    names = []
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        spec = info.module_finder.find_spec(info.name.rpartition(".")[2], None)
        origin = spec.origin if spec else None
        if not origin or not origin.endswith(".py") or imports_node_decorator(Path(origin)):
            names.append(info.name)
    return sorted(names)


def definitions_in(module: ModuleType) -> list[NodeDef]:
    """The nodes a module declares (not those it merely imports)."""
    return [v for v in vars(module).values() if isinstance(v, NodeDef) and v.module == module.__name__]


def load_package(name: str) -> list[NodeDef]:
    """Import ``name`` and its node modules; their nodes, in module order."""
    root = importlib.import_module(name)
    found = definitions_in(root)
    for module in node_modules(root):
        if module != name:
            found += definitions_in(importlib.import_module(module))
    return found


def load_entry_point(target: str) -> list[NodeDef]:
    """An entry point's value: ``module`` or ``module:attr``, where ``attr`` is a NodeDef, a
    module, or a callable returning NodeDefs."""
    module_name, _, attr = target.partition(":")
    if not attr:
        return load_package(module_name.strip())
    value: object = importlib.import_module(module_name.strip())
    for part in attr.strip().split("."):
        value = getattr(value, part)
    if isinstance(value, NodeDef):
        return [value]
    if isinstance(value, ModuleType):
        return load_package(value.__name__)
    if callable(value):
        return list(value())
    raise TypeError(f"entry point {target!r} is not a node, a module or a function returning nodes")


def entry_point_packs() -> Iterator[Pack]:
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = getattr(ep, "dist", None)
        label = f"{ep.name} ({dist.name})" if dist is not None and dist.name != ep.name else ep.name
        yield Pack(label, partial(load_entry_point, ep.value))


def folder_packs(folder: Path) -> Iterator[Pack]:
    """A package folder is one pack; another folder holds a pack per module or package inside."""
    folder = folder.resolve()
    if (folder / "__init__.py").is_file():
        yield Pack(folder.name, partial(_load_from_folder, folder.parent, folder.name))
        return
    for child in sorted(folder.iterdir()):
        if child.name.startswith((".", "_")):
            continue
        if child.suffix == ".py" or (child / "__init__.py").is_file():
            yield Pack(child.stem, partial(_load_from_folder, folder, child.stem))


def _load_from_folder(parent: Path, name: str) -> list[NodeDef]:
    if str(parent) not in sys.path:
        sys.path.append(str(parent))
    return load_package(name)


def extra_packs(entries: Iterable[str]) -> Iterator[Pack]:
    """``$REELGRAPH_EXTRA_NODES`` entries: a folder (an existing directory) or a module name."""
    for entry in entries:
        path = Path(entry).expanduser()
        if ("/" in entry or path.is_dir()) and path.is_dir():
            yield from folder_packs(path)
        elif "/" in entry:
            yield Pack(entry, partial(_missing_folder, entry))
        else:
            yield Pack(entry, partial(load_package, entry))


def _missing_folder(entry: str) -> list[NodeDef]:
    raise FileNotFoundError(f"{entry} is not a folder")


def describe_failure(exc: BaseException) -> str:
    """One line: the exception, and where in the pack's code it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"
