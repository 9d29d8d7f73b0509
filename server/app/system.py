"""What the machine and the server hold: versions, devices, memory, loaded models.

Cheap on purpose: torch is not imported just to answer (its version comes from package
metadata); CUDA devices are listed once torch is loaded, which any model node does.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import platform
import sys
from typing import Any

import psutil

log = logging.getLogger("reelgraph.server")
PACKAGES = (
    "aiohttp",
    "numpy",
    "pydantic",
    "networkx",
    "spacy",
    "opencv-python-headless",
    "av",
    "torch",
    "diffusers",
    "transformers",
)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def reelgraph_version() -> str:
    return _version("reelgraph") or "0.1.0"


def devices() -> list[dict[str, Any]]:
    """The CPU, plus CUDA devices if torch is already loaded."""
    memory = psutil.virtual_memory()
    found = [
        {
            "name": platform.processor() or platform.machine(),
            "type": "cpu",
            "index": 0,
            "cores": os.cpu_count(),
            "memory_total": memory.total,
            "memory_free": memory.available,
        }
    ]
    torch = sys.modules.get("torch")
    if torch is None:
        return found
    try:
        for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0):
            free, total = torch.cuda.mem_get_info(i)
            found.append(
                {
                    "name": torch.cuda.get_device_name(i),
                    "type": "cuda",
                    "index": i,
                    "memory_total": total,
                    "memory_free": free,
                    "torch_memory_reserved": torch.cuda.memory_reserved(i),
                    "torch_memory_allocated": torch.cuda.memory_allocated(i),
                }
            )
    except Exception:  # a broken driver must not break the status page
        log.warning("could not list CUDA devices", exc_info=True)
    return found


def models_info(manager: Any) -> dict[str, Any] | None:
    """``loaded()`` and ``memory()`` of the model manager, if there is one that offers them."""
    if manager is None:
        return None
    info: dict[str, Any] = {}
    for name in ("loaded", "memory"):
        fn = getattr(manager, name, None)
        if callable(fn):
            try:
                info[name] = fn()
            except Exception:
                log.warning("model manager %s() failed", name, exc_info=True)
    return info


def system_info(manager: Any, engine_cache: Any = None) -> dict[str, Any]:
    """For ``GET /api/system``."""
    memory = psutil.virtual_memory()
    process = psutil.Process()
    info: dict[str, Any] = {
        "reelgraph": reelgraph_version(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {p: _version(p) for p in PACKAGES},
        "torch_loaded": "torch" in sys.modules,
        "cpu_count": os.cpu_count(),
        "memory": {"total": memory.total, "available": memory.available, "process_rss": process.memory_info().rss},
        "devices": devices(),
        "models": models_info(manager),
    }
    if engine_cache is not None:
        info["cache"] = {
            "max_bytes": getattr(engine_cache, "max_bytes", None),
            "bytes": engine_cache.bytes,
            "entries": len(engine_cache),
            "hits": getattr(engine_cache, "hits", None),
            "misses": getattr(engine_cache, "misses", None),
        }
    return info


def system_stats(manager: Any) -> dict[str, Any]:
    """ComfyUI's ``GET /system_stats`` shape."""
    memory = psutil.virtual_memory()
    torch_version = _version("torch") or ""
    comfy_devices = [
        {
            "name": d["name"],
            "type": d["type"],
            "index": d["index"],
            "vram_total": d["memory_total"],
            "vram_free": d["memory_free"],
            "torch_vram_total": d.get("torch_memory_reserved", 0),
            "torch_vram_free": d.get("torch_memory_reserved", 0) - d.get("torch_memory_allocated", 0),
        }
        for d in devices()
    ]
    return {
        "system": {
            "os": os.name,
            "ram_total": memory.total,
            "ram_free": memory.available,
            "comfyui_version": f"reelgraph-{reelgraph_version()}",
            "python_version": sys.version,
            "pytorch_version": torch_version,
            "embedded_python": False,
            "argv": sys.argv,
        },
        "devices": comfy_devices,
    }
