"""Swapping a pipeline's scheduler for one call, restored afterwards (the pipeline is shared)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SCHEDULERS: dict[str, tuple[str, dict[str, Any]] | None] = {
    "default": None,
    "ddim": ("DDIMScheduler", {}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler_a": ("EulerAncestralDiscreteScheduler", {}),
    "dpmpp_2m": ("DPMSolverMultistepScheduler", {}),
    "dpmpp_2m_karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "unipc": ("UniPCMultistepScheduler", {}),
}


@contextmanager
def scheduler(pipe: Any, name: str) -> Iterator[None]:
    choice = SCHEDULERS[name]
    if choice is None:
        yield
        return
    import diffusers

    class_name, extra = choice
    original = pipe.scheduler
    pipe.scheduler = getattr(diffusers, class_name).from_config(original.config, **extra)
    try:
        yield
    finally:
        pipe.scheduler = original
