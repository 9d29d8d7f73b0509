"""Which models this machine has: folders under the model roots and repos in the Hugging Face cache.

The editor's model picker (``GET /api/models``) and ComfyUI's ``/object_info`` combos list what
is here. Listing reads directory entries and small JSON configs only (no torch, diffusers or
transformers), so hundreds of cached repos list in milliseconds; nothing is kept between calls,
so a model copied in shows up on the next request. The rules are :mod:`.resolve`'s: a model is a
folder with ``model_index.json`` (diffusers) or a ``config.json`` naming a known architecture,
and pickle-only weights are listed as not loadable, with the reason. A folder that cannot be
read is skipped with a warning; listing never raises.

    roots = model_roots(Path("data"))          # data/models + $REELGRAPH_MODELS
    for m in find_models(roots, hub_cache_dir()):
        print(m.value, m.kind, m.size_bytes)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .controlnet import CONTROLNETS
from .errors import ModelNotFound, UnsafeWeights
from .kinds import TRANSFORMERS, ModelKind, classify
from .lora import LORA_FOLDER, family_of, header
from .resolve import PICKLE_SUFFIXES, check_safetensors

log = logging.getLogger("reelgraph.models")

MODELS_ENV = "REELGRAPH_MODELS"
HUB_PREFIX = "models--"
SIZE_DEPTH = 3  # diffusers folders keep weights one level down; nothing we load nests deeper


@dataclass(frozen=True)
class ModelEntry:
    """One model found on this machine, as the picker shows it."""

    value: str  # what a model parameter takes: a hub id, or a folder's absolute path
    name: str  # short name: the hub id, or the folder relative to its model root
    class_name: str  # pipeline class (diffusers) or architecture (transformers)
    library: str  # "diffusers" or "transformers"
    family: str
    kind: str
    source: str  # "folder", "hub-cache", or "file" (an upscaler's weights)
    path: str  # the folder read (for a hub repo, its snapshot)
    size_bytes: int | None
    loadable: bool = True
    reason: str = ""  # why not loadable

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- where to look ------------------------------------------------------------------------
def model_roots(data_dir: Path | None) -> list[Path]:
    """``<data_dir>/models`` followed by the folders in ``$REELGRAPH_MODELS`` (os.pathsep-separated)."""
    roots = [Path(data_dir) / "models"] if data_dir is not None else []
    roots += [Path(p).expanduser() for p in os.environ.get(MODELS_ENV, "").split(os.pathsep) if p.strip()]
    unique: dict[str, Path] = {}
    for root in roots:
        unique.setdefault(os.path.abspath(root), Path(os.path.abspath(root)))
    return list(unique.values())


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache, read from the environment now (``HF_HUB_CACHE``, ``HF_HOME``),
    falling back to huggingface_hub's default."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return Path(os.environ[var]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


# -- listing ------------------------------------------------------------------------------
def find_models(roots: Iterable[Path], hub_cache: Path | None) -> list[ModelEntry]:
    """Every model under ``roots`` (one level deep, or ``org/name`` two levels), the LoRAs in their
    ``loras`` folders, the upscaler weight files in their ``upscale_models`` folders, and the
    models in ``hub_cache``."""
    from .upscalers import find_upscalers

    found: list[ModelEntry] = []
    roots = [Path(root) for root in roots]
    for root in roots:
        found += sorted(_scan_root(root), key=lambda m: m.name.lower())
        found += _scan_loras(root)
    found += find_upscalers(roots)
    if hub_cache is not None:
        found += sorted(_scan_hub_cache(Path(hub_cache)), key=lambda m: m.name.lower())
    return found


def filter_models(
    models: Iterable[ModelEntry], kinds: Iterable[str] = (), families: Iterable[str] = ()
) -> list[ModelEntry]:
    """The models of any of ``kinds`` and any of ``families`` (an empty filter keeps all)."""
    kinds, families = set(kinds), set(families)
    return [m for m in models if (not kinds or m.kind in kinds) and (not families or m.family in families)]


def _scan_root(root: Path) -> list[ModelEntry]:
    found = [describe(folder, os.path.abspath(folder), name, "folder") for folder, name in _candidates(root)]
    return [entry for entry in found if entry is not None]


def _scan_loras(root: Path) -> list[ModelEntry]:
    """LoRA files under ``root/loras`` (and one level of subfolders), listed as kind "lora" with
    the base family their layer names say; a file whose header cannot be read is skipped."""
    folder = root / LORA_FOLDER
    try:
        files = sorted([*folder.glob("*.safetensors"), *folder.glob("*/*.safetensors")])
    except OSError:
        return []
    found = []
    for path in files:
        try:
            family, size = family_of(header(path)), path.stat().st_size
        except (ModelNotFound, OSError) as exc:
            log.warning("skipping LoRA %s: %s", path, exc)
            continue
        found.append(
            ModelEntry(
                value=os.path.abspath(path),
                name=str(path.relative_to(folder)),
                class_name="LoRA",
                library="safetensors",
                family=family,
                kind="lora",
                source="folder",
                path=str(path),
                size_bytes=size,
            )
        )
    return found


def _candidates(root: Path) -> Iterator[tuple[Path, str]]:
    """``root/name`` when it holds a config, else each ``root/org/name`` (the hub's layout)."""
    for child in _subfolders(root):
        if child.name == LORA_FOLDER:
            continue  # listed by _scan_loras
        if _has_config(child):
            yield child, child.name
        else:
            for grandchild in _subfolders(child):
                yield grandchild, f"{child.name}/{grandchild.name}"


def _scan_hub_cache(cache: Path) -> list[ModelEntry]:
    found: list[ModelEntry] = []
    for repo in _subfolders(cache):
        if not repo.name.startswith(HUB_PREFIX):
            continue  # datasets--, spaces--, .locks
        repo_id = repo.name.removeprefix(HUB_PREFIX).replace("--", "/")
        snapshot, on_main = _snapshot(repo)
        if snapshot is None:
            log.debug("hub cache repo %s has no snapshot; skipped", repo)
            continue
        # Loading by id reads refs/main; a snapshot fetched by revision alone loads by its path.
        entry = describe(snapshot, repo_id if on_main else str(snapshot), repo_id, "hub-cache")
        if entry is not None:
            found.append(entry)
    return found


def _snapshot(repo: Path) -> tuple[Path | None, bool]:
    """(the snapshot ``refs/main`` points at, True), else (the newest snapshot, False)."""
    try:
        ref = (repo / "refs" / "main").read_text().strip()
    except OSError:
        ref = ""
    if ref and (repo / "snapshots" / ref).is_dir():
        return repo / "snapshots" / ref, True
    snapshots = _subfolders(repo / "snapshots")
    return (max(snapshots, key=_mtime) if snapshots else None), False


# -- one folder ---------------------------------------------------------------------------
def describe(folder: Path, value: str, name: str, source: str) -> ModelEntry | None:
    """The entry for a model folder; None (with a log line) when it is no model we can list."""
    if not _has_config(folder):
        log.debug("skipping %s: neither model_index.json nor config.json", folder)
        return None
    try:
        config_file, library, class_name, config = _read_config(folder)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("skipping model folder %s: %s", folder, exc)
        return None
    if class_name is None:
        log.debug("skipping %s: %s names no model class we know", folder, config_file.name)
        return None
    model = controlnet_kind(class_name, config) or classify(class_name, library, config)
    size, pickled = scan_files(folder)
    loadable, reason = True, ""
    try:
        if pickled:  # resolve's own check decides; without a pickle file it cannot object
            check_safetensors(folder, config if library == "diffusers" else {})
    except UnsafeWeights as exc:
        loadable, reason = False, str(exc)
    except OSError as exc:
        log.warning("skipping model folder %s: %s", folder, exc)
        return None
    return ModelEntry(
        value=value,
        name=name,
        class_name=class_name,
        library=library,
        family=model.family,
        kind=model.kind,
        source=source,
        path=str(folder),
        size_bytes=size,
        loadable=loadable,
        reason=reason,
    )


def _read_config(folder: Path) -> tuple[Path, str, str | None, dict]:
    """(config file, library, class name or None, config); raises OSError, ValueError or TypeError on a bad file."""
    index = folder / "model_index.json"
    if index.is_file():
        config = _json_object(index)
        class_name = config.get("_class_name")
        if not isinstance(class_name, str):
            raise ValueError(f"{index.name} names no pipeline class ('_class_name' is missing)")
        return index, "diffusers", class_name, config
    config_file = folder / "config.json"
    config = _json_object(config_file)
    if config.get("_class_name") in CONTROLNETS:
        return config_file, "diffusers", config["_class_name"], config
    architectures = config.get("architectures") or []
    known = (
        [a for a in architectures if isinstance(a, str) and a in TRANSFORMERS]
        if isinstance(architectures, list)
        else []
    )
    return config_file, "transformers", (known[0] if known else None), config


def controlnet_kind(class_name: str, config: dict) -> ModelKind | None:
    """A ControlNet is listed as kind "controlnet" under the family it steers (SD 1.5 or SDXL by
    its cross-attention width, when the class serves both)."""
    families = CONTROLNETS.get(class_name)
    if not families:
        return None
    if len(families) > 1:
        return ModelKind("sdxl" if config.get("cross_attention_dim") == 2048 else "sd", "controlnet")
    return ModelKind(families[0], "controlnet")


def _json_object(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TypeError(f"{path.name} is not a JSON object")
    return data


def scan_files(folder: Path, depth: int = SIZE_DEPTH) -> tuple[int | None, bool]:
    """(bytes of the files under ``folder``, whether any has a pickle suffix), in one walk.

    Symlinks are followed (hub snapshots link to blobs) and each file is counted once; the
    size is None when the folder cannot be read."""
    seen: set[tuple[int, int]] = set()
    total, pickled = 0, False
    pending = [(str(folder), 0)]
    try:
        while pending:
            path, level = pending.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir():
                            if level < depth and not entry.name.startswith("."):
                                pending.append((entry.path, level + 1))
                            continue
                        stat = entry.stat()
                    except OSError:  # a dangling link (an interrupted download): it takes no room
                        continue
                    pickled = pickled or entry.name.endswith(PICKLE_SUFFIXES)
                    if (stat.st_dev, stat.st_ino) not in seen:
                        seen.add((stat.st_dev, stat.st_ino))
                        total += stat.st_size
    except OSError as exc:
        log.debug("cannot size %s: %s", folder, exc)
        return None, True  # unknown: let resolve's check look
    return total, pickled


# -- small helpers ------------------------------------------------------------------------
def _has_config(folder: Path) -> bool:
    return (folder / "model_index.json").is_file() or (folder / "config.json").is_file()


def _subfolders(folder: Path) -> list[Path]:
    """Visible subfolders (symlinks to folders included); empty when ``folder`` is unreadable."""
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if not e.name.startswith(".") and e.is_dir()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        log.warning("cannot list model folder %s: %s", folder, exc)
        return []


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
