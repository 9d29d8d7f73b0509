"""Devices and precisions: what "auto" means, memory budgets, and giving memory back."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from .errors import DeviceUnavailable

log = logging.getLogger("reelgraph.models")

DTYPES = {
    "fp32": "float32",
    "float32": "float32",
    "bf16": "bfloat16",
    "bfloat16": "bfloat16",
    "fp16": "float16",
    "float16": "float16",
}
GPU_BUDGET_FRACTION = 0.85
CPU_BUDGET_FRACTION = 0.5


def resolve_device(device: str | None) -> str:
    """``auto``/None -> the GPU if there is one; a CUDA device that does not exist is an error."""
    if device in (None, "auto"):
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise DeviceUnavailable(
                f"device {device!r} was asked for but CUDA is not available here; use 'auto' or 'cpu'"
            )
    elif device != "cpu":
        raise DeviceUnavailable(f"unknown device {device!r}; use 'auto', 'cpu', 'cuda' or 'cuda:N'")
    return device


def resolve_dtype(dtype: str | None, device: str) -> str:
    """``auto``/None -> bf16 on a GPU (fp16 where bf16 is missing), fp32 on the CPU."""
    if dtype in (None, "auto"):
        if device.startswith("cuda"):
            import torch

            return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        return "float32"
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; use auto, bf16, fp16 or fp32")
    return DTYPES[dtype]


def default_budget(device: str) -> int:
    """Most of a GPU's memory; half of the machine's RAM for the CPU."""
    if device.startswith("cuda"):
        import torch

        index = torch.device(device).index or 0
        return int(torch.cuda.get_device_properties(index).total_memory * GPU_BUDGET_FRACTION)
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * CPU_BUDGET_FRACTION)


def cuda_report() -> dict[str, int] | None:
    """GPU memory figures, only if torch is already imported: reporting never imports it."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    free, total = torch.cuda.mem_get_info()
    return {
        "total_bytes": total,
        "free_bytes": free,
        "allocated_bytes": torch.cuda.memory_allocated(),
        "peak_allocated_bytes": torch.cuda.max_memory_allocated(),
    }


def release_cached_memory(device: str) -> None:
    """Hand the CUDA caching allocator's free blocks back to the driver."""
    torch = sys.modules.get("torch")
    if torch is not None and device.startswith("cuda") and torch.cuda.is_available():
        torch.cuda.empty_cache()


def to_meta(pipeline: Any) -> None:
    """Move every torch module of an evicted pipeline to the meta device: frees its memory even
    if something still references the pipeline. The pipeline is unusable afterwards."""
    import torch

    components = getattr(pipeline, "components", None) or {}
    for module in components.values():
        if isinstance(module, torch.nn.Module):
            try:
                module.to("meta")
            except Exception:  # best effort: the entry is gone either way
                log.debug("could not move %s to meta", type(module).__name__, exc_info=True)
