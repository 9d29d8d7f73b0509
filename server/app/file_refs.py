"""Files named in node output summaries, as references the browser and ComfyUI clients can
fetch (``{filename, subfolder, type, url}`` under ``/api/files/<type>/...``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any


def file_refs(outputs: Any, roots: dict[str, Path], scratch: Path | None = None) -> list[dict[str, Any]]:
    """Every file named by ``path`` in output summaries, as ``{filename, subfolder, type, url}``
    relative to one of ``roots`` ({"output": dir, "temp": dir}); files elsewhere are left out,
    and so are files in ``scratch`` (the engine's per-run folder, deleted when the run ends)."""
    refs = []
    for path, summary in _paths(outputs):
        if file_ref(path, roots) is None or (scratch is not None and path.resolve().is_relative_to(scratch.resolve())):
            continue  # not ours to serve, or gone after the run (and a folder elsewhere is never listed)
        for file in sorted(path.iterdir())[:200] if path.is_dir() else [path]:
            ref = file_ref(file, roots)
            if ref is not None:
                if "media_type" in summary:
                    ref["media_type"] = summary["media_type"]
                refs.append(ref)
    return refs


def file_ref(path: Path, roots: dict[str, Path]) -> dict[str, Any] | None:
    for kind, root in roots.items():
        try:
            rel = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue
        subfolder = rel.parent.as_posix()
        subfolder = "" if subfolder == "." else subfolder
        return {
            "filename": rel.name,
            "subfolder": subfolder,
            "type": kind,
            "url": f"/api/files/{kind}/{rel.as_posix()}",
        }
    return None


def _paths(value: Any) -> Iterator[tuple[Path, dict]]:
    if isinstance(value, dict):
        if isinstance(value.get("path"), str):
            yield Path(value["path"]), value
        for v in value.values():
            if isinstance(v, dict | list):
                yield from _paths(v)
    elif isinstance(value, list):
        for v in value:
            yield from _paths(v)
