"""Super-resolution weights: single ``.safetensors``/``.pth`` files that spandrel recognises.

Upscalers (ESRGAN, Real-ESRGAN and its Compact net, SwinIR, SPAN, …) ship as one state-dict
file, not as a folder with a config, so they live in ``<model root>/upscale_models/`` (the
layout ComfyUI uses) and are listed by file. The architecture, scale and channel count are
read from the tensors by spandrel when the file is loaded, not when it is listed: listing stays
a directory scan.

``.pth`` files are pickles. They are read with ``torch.load(weights_only=True)``, torch's
restricted unpickler that builds tensors and plain containers and refuses anything else (no
code runs), because most published upscalers exist only as ``.pth``.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .catalog import ModelEntry

FOLDER = "upscale_models"
SUFFIXES = (".safetensors", ".pth")
KIND = "upscaler"
KEEP = 2  # loaded upscalers kept resident (they are small: 1-70 MB)


class UpscalerError(ValueError):
    """The file is not an upscaler we can run; the message says why and what would work."""


def find_upscalers(roots: list[Path]) -> list[ModelEntry]:
    """Every weight file in ``<root>/upscale_models`` (one level of subfolders too), sorted by name."""
    found: list[ModelEntry] = []
    for root in roots:
        folder = Path(root) / FOLDER
        for path in sorted(_weight_files(folder), key=lambda p: str(p).lower()):
            try:
                size = path.stat().st_size
            except OSError:
                continue
            found.append(
                ModelEntry(
                    value=os.path.abspath(path),
                    name=str(path.relative_to(root)),
                    class_name="spandrel",
                    library="spandrel",
                    family="upscaler",
                    kind=KIND,
                    source="file",
                    path=os.path.abspath(path),
                    size_bytes=size,
                )
            )
    return found


def _weight_files(folder: Path) -> list[Path]:
    files: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    files += [p for p in Path(entry.path).iterdir() if p.suffix in SUFFIXES and p.is_file()]
                elif entry.name.endswith(SUFFIXES):
                    files.append(Path(entry.path))
    except OSError:
        return []
    return files


def locate(name: str, roots: list[Path]) -> Path:
    """The weight file ``name`` names: an existing path, or a file in a root's ``upscale_models``."""
    path = Path(name).expanduser()
    if path.is_file():
        return path.resolve()
    for root in roots:
        for candidate in (Path(root) / FOLDER / name, Path(root) / name):
            if candidate.is_file():
                return candidate.resolve()
    where = ", ".join(str(Path(r) / FOLDER) for r in roots) or "(no model roots)"
    raise UpscalerError(f"no upscaler weights {name!r}: give a .safetensors/.pth path or put the file in {where}")


_loaded: OrderedDict[tuple[str, int, int, str], Any] = OrderedDict()
_lock = threading.Lock()


def load_upscaler(path: Path, device: str = "cpu") -> Any:
    """spandrel's ``ImageModelDescriptor`` for ``path`` on ``device``, in eval mode; cached by file identity."""
    if path.suffix not in SUFFIXES:
        raise UpscalerError(f"{path.name}: upscaler weights must be {' or '.join(SUFFIXES)}")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, device)
    with _lock:
        if key in _loaded:
            _loaded.move_to_end(key)
            return _loaded[key]
        model = _load(path, device)
        _loaded[key] = model
        while len(_loaded) > KEEP:
            _loaded.popitem(last=False)
        return model


def _load(path: Path, device: str) -> Any:
    import torch

    from nodes.video.spandrel_compat import import_spandrel

    spandrel = import_spandrel()
    try:
        if path.suffix == ".pth":
            state = torch.load(path, map_location="cpu", weights_only=True)
        else:
            from safetensors.torch import load_file

            state = load_file(path)
        if isinstance(state, dict) and "params_ema" in state:  # BasicSR checkpoints wrap the weights
            state = state["params_ema"]
        elif isinstance(state, dict) and "params" in state:
            state = state["params"]
        model = spandrel.ModelLoader().load_from_state_dict(spandrel.canonicalize_state_dict(state))
    except spandrel.UnsupportedModelError as exc:
        raise UpscalerError(f"{path.name}: spandrel does not recognise this architecture ({exc})") from exc
    except Exception as exc:  # a damaged file: safetensors, pickle and torch all raise their own types
        raise UpscalerError(f"{path.name}: cannot read the weights ({exc.__class__.__name__}: {exc})") from exc
    if not isinstance(model, spandrel.ImageModelDescriptor) or model.purpose != "SR":
        raise UpscalerError(
            f"{path.name} is a {model.architecture.name} {getattr(model, 'purpose', 'model')} model, not "
            "super-resolution; use an upscaler (ESRGAN, Real-ESRGAN, SwinIR, SPAN, …)"
        )
    if model.input_channels != 3 or model.output_channels != 3:
        raise UpscalerError(f"{path.name} works on {model.input_channels}-channel pictures; video needs RGB (3)")
    return model.to(device).eval()
