"""The workflow library: named workflow files in one folder, plus the read-only examples
shipped in the repository's ``workflows/``.

A name is a plain file stem (letters, digits, space, ``_ . -``; no path separators, no
leading dot), stored as ``<name>.json`` and written atomically, so the library never holds
half a file and no name reaches outside its folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from server.engine import Workflow
from server.engine.workflow import atomic_write_text

NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9 _.\-]{0,99}")


class Library:
    def __init__(self, folder: Path, examples: Path | None = None) -> None:
        self.folder = folder
        self.examples = examples

    @staticmethod
    def valid_name(name: str) -> bool:
        return bool(NAME.fullmatch(name)) and ".." not in name and not name.endswith((".", " "))

    def list(self) -> list[dict[str, Any]]:
        entries = []
        for source, folder in (("library", self.folder), ("example", self.examples)):
            if folder is None or not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.json")):
                if not self.valid_name(path.stem) or path.name.endswith(".schema.json"):
                    continue
                stat = path.stat()
                entries.append({"name": path.stem, "source": source, "modified": stat.st_mtime, "bytes": stat.st_size})
        return entries

    def path(self, name: str) -> Path | None:
        """The file for ``name``: the library's own first, then an example; None if absent."""
        for folder in (self.folder, self.examples):
            if folder is not None and (folder / f"{name}.json").is_file():
                return folder / f"{name}.json"
        return None

    def load(self, name: str) -> dict[str, Any] | None:
        path = self.path(name)
        return Workflow.load(path).to_json() if path else None

    def save(self, name: str, doc: Any) -> Workflow:
        """Store ``doc`` under ``name``; raises WorkflowInvalid for a document that is not a
        workflow (graph problems are allowed: a library holds work in progress)."""
        workflow = Workflow.from_json(doc)
        atomic_write_text(self.folder / f"{name}.json", workflow.dumps())
        return workflow

    def delete(self, name: str) -> bool:
        path = self.folder / f"{name}.json"
        if not path.is_file():
            return False
        path.unlink()
        return True
