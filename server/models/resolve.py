"""Where a model's files are: a local folder, or a hub id already in the local cache.

Nothing here reaches the network unless downloads are explicitly allowed: hub ids are
looked up with ``local_files_only=True``. Pickled weights are refused before anything is
loaded, so that only safetensors ever reach torch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelNotFound, UnsafeWeights

HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
HOW_TO_PROVIDE = (
    "Give a local folder written by save_pretrained (it has a model_index.json), or fetch the model once "
    "with `hf download {source}` (huggingface_hub's CLI) so that it is in the local cache"
)


@dataclass(frozen=True)
class ModelFiles:
    """A resolved model: its folder and what its top-level config says it is."""

    source: str
    path: Path
    library: str  # "diffusers" (model_index.json) or "transformers" (config.json)
    class_name: str
    config: dict


def resolve(source: str, *, allow_downloads: bool = False, cache_dir: Path | None = None) -> ModelFiles:
    """Find the model ``source`` names and read its top-level config; raise ``ModelNotFound``."""
    source = source.strip()
    if not source:
        raise ModelNotFound(source, "no model given: " + HOW_TO_PROVIDE.format(source="<org>/<name>"))
    folder = Path(source).expanduser()
    if folder.exists() or _looks_like_path(source):
        if not folder.is_dir():
            raise ModelNotFound(
                source, f"no model folder at {str(folder)!r}. " + HOW_TO_PROVIDE.format(source="<org>/<name>")
            )
        return describe_folder(source, folder.resolve())
    if not HUB_ID.fullmatch(source):
        raise ModelNotFound(source, f"{source!r} is neither an existing folder nor a hub id like 'org/name'")
    return describe_folder(source, _hub_snapshot(source, allow_downloads, cache_dir))


def describe_folder(source: str, folder: Path) -> ModelFiles:
    for name, library, key in (("model_index.json", "diffusers", "_class_name"), ("config.json", "transformers", "")):
        config_file = folder / name
        if not config_file.is_file():
            continue
        try:
            config = json.loads(config_file.read_text())
        except (OSError, ValueError) as exc:
            raise ModelNotFound(source, f"{config_file} is not readable JSON: {exc}") from exc
        class_name = config.get(key) if key else (config.get("architectures") or [None])[0]
        if not isinstance(class_name, str):
            what = f"'{key}'" if key else "'architectures'"
            raise ModelNotFound(source, f"{config_file} names no model class ({what} is missing)")
        check_safetensors(folder, config if library == "diffusers" else {})
        if library == "diffusers":
            check_components(source, folder, config)
        return ModelFiles(source, folder, library, class_name, config)
    raise ModelNotFound(
        source,
        f"{str(folder)!r} is not a model folder: it has neither model_index.json (diffusers) nor "
        f"config.json (transformers). "
        + HOW_TO_PROVIDE.format(source=source if HUB_ID.fullmatch(source) else "<org>/<name>"),
    )


def check_components(source: str, folder: Path, model_index: dict) -> None:
    """Refuse a pipeline folder that lacks a component its model_index.json names (an interrupted
    download, a partial copy) before diffusers fails deep inside ``from_pretrained``."""
    missing = [
        name
        for name, value in model_index.items()
        if not name.startswith("_")
        and isinstance(value, list)
        and len(value) == 2
        and value[1] is not None
        and value[0] not in (None, "diffusers.pipelines.pipeline_utils")  # inline configs have no folder
        and not (folder / name).is_dir()
    ]
    if missing:
        raise ModelNotFound(
            source,
            f"{str(folder)!r} lacks the component folder(s) {', '.join(sorted(missing))} that its model_index.json "
            "names: the download or copy is incomplete. Fetch the whole model again (`hf download "
            f"{source if HUB_ID.fullmatch(source) else '<org>/<name>'}`) or save it with save_pretrained",
        )


def check_safetensors(folder: Path, model_index: dict) -> None:
    """Refuse a folder (or a pipeline component) whose weights exist only in pickle formats."""
    components = [k for k, v in model_index.items() if not k.startswith("_") and isinstance(v, list)]
    for sub in [folder, *(folder / c for c in components)]:
        if not sub.is_dir():
            continue
        files = [p for p in sub.iterdir() if p.is_file()]
        pickled = [p.name for p in files if p.suffix in PICKLE_SUFFIXES]
        if pickled and not any(p.suffix == ".safetensors" for p in files):
            raise UnsafeWeights(
                f"{sub} has only pickled weights ({', '.join(sorted(pickled))}); Reelgraph loads safetensors only. "
                "Convert them once (e.g. load and save_pretrained(..., safe_serialization=True)) or pick a "
                "model revision that ships .safetensors files"
            )


def _looks_like_path(source: str) -> bool:
    return source.startswith(("/", ".", "~")) or "\\" in source or source.count("/") > 1


def _hub_snapshot(repo_id: str, allow_downloads: bool, cache_dir: Path | None) -> Path:
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return Path(
            snapshot_download(
                repo_id,
                cache_dir=cache_dir,
                local_files_only=not allow_downloads,
                ignore_patterns=[f"*{s}" for s in PICKLE_SUFFIXES] + ["*.msgpack", "*.h5", "*.onnx", "*.onnx_data"],
            )
        )
    except LocalEntryNotFoundError as exc:
        where = cache_dir or constants.HF_HUB_CACHE
        if allow_downloads:
            raise ModelNotFound(repo_id, f"{repo_id!r} could not be downloaded ({exc}); check the id") from exc
        raise ModelNotFound(
            repo_id,
            f"{repo_id!r} is not in the local Hugging Face cache ({where}) and downloads are off. "
            + HOW_TO_PROVIDE.format(source=repo_id),
        ) from exc
    except HfHubHTTPError as exc:
        raise ModelNotFound(repo_id, f"{repo_id!r} could not be downloaded: {exc}") from exc
