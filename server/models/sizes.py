"""How many bytes a model takes: estimated from its safetensors headers before loading,
counted from its torch modules after."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from .resolve import ModelFiles

ITEM_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}
FLOAT_DTYPES = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2"}
STORED_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def estimate_bytes(files: ModelFiles, dtype: str) -> int:
    """Bytes the weights will take once loaded in ``dtype``: floating tensors are cast, the
    rest keep their stored size. Reads only the JSON headers of the safetensors files."""
    item = ITEM_BYTES.get(dtype, 4)
    total = 0
    for path in Path(files.path).rglob("*.safetensors"):
        for info in _header(path).values():
            if not isinstance(info, dict) or "shape" not in info:
                continue
            numel = 1
            for n in info["shape"]:
                numel *= n
            stored = info.get("dtype", "F32")
            total += numel * (item if stored in FLOAT_DTYPES else STORED_BYTES.get(stored, 4))
    return total


def _header(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            return json.loads(f.read(length))
    except (OSError, ValueError, struct.error):
        return {}


def module_bytes(pipeline: Any) -> dict[int, int]:
    """``id(module) -> bytes`` of parameters and buffers for each torch module of a pipeline,
    so that pipelines sharing modules are not counted twice."""
    import torch

    components = getattr(pipeline, "components", None) or {}
    out: dict[int, int] = {}
    for module in components.values():
        if isinstance(module, torch.nn.Module):
            tensors = list(module.parameters()) + list(module.buffers())
            out[id(module)] = sum(t.numel() * t.element_size() for t in tensors)
    return out
