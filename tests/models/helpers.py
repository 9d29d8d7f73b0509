"""Small builders shared by the diffusion node tests: shot plans, an animatic, a loaded model."""

from __future__ import annotations

import numpy as np

from nodes.datatypes import Frames
from nodes.diffusion.load import LoadParams, load
from nodes.scene.shots import Camera, Shot, ShotPlan
from server.engine.context import NodeContext
from server.models import ModelHandle, ModelManager

from .tiny import tiny_model


def shot_plan(*prompts: str, seconds: float = 0.5) -> ShotPlan:
    shots = tuple(
        Shot(index=i, start=i * seconds, duration=seconds, subject=None, action=None, camera=Camera(), prompt=p)
        for i, p in enumerate(prompts)
    )
    return ShotPlan(duration=seconds * len(prompts), shots=shots)


def animatic(count: int = 16, size: int = 32, fps: float = 16.0) -> Frames:
    """A stand-in for the animatic renderer's frames: a bright square moving over a dark ground."""
    frames = np.full((count, size, size, 3), 20, np.uint8)
    for t in range(count):
        x = t * (size - 8) // max(1, count - 1)
        frames[t, size // 2 - 4 : size // 2 + 4, x : x + 8] = (240, 200, 40)
    return Frames.from_array(frames, fps=fps)


def load_tiny(ctx: NodeContext, manager: ModelManager, name: str, **params) -> ModelHandle:
    """The tiny model ``name`` through the diffusion.load node, resident in ``manager``."""
    ctx.models = manager
    return load(ctx, LoadParams(model=str(tiny_model(name)), **params))["pipeline"]
