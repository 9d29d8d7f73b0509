"""The ``image.animate`` node: a still picture becomes a shot with a moving camera and parallax."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from nodes.datatypes import Frames
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .camera import ALLOWED, describe, parse_camera

MAX_SEED = 2**32 - 1


class AnimateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    camera: str = Param(
        "slow push in",
        description=f"The camera move in words; moves combine ('slow push in and pan right'). Known: {ALLOWED}; "
        "'slow', 'gentle', 'fast', 'dramatic' set the pace.",
        max_length=200,
    )
    strength: float = Param(1.0, description="Scales how far the camera goes.", ge=0.0, le=3.0, step=0.05)
    duration: float = Param(5.0, description="Length of the clip in seconds.", ge=0.5, le=120.0, step=0.5)
    fps: int = Param(24, description="Frames per second.", ge=1, le=60)
    width: int = Param(1280, description="Frame width (even; the picture is cover-fitted).", ge=64, le=3840, step=2)
    height: int = Param(720, description="Frame height (even).", ge=64, le=2160, step=2)
    layers: int = Param(3, description="Depth layers the picture is cut into (more: finer parallax, slower).", ge=2,
                        le=6, advanced=True)  # fmt: skip
    motion: str = Param(
        "auto",
        description="Subtle motion inside the picture: 'auto' (what the scene input says: water ripples, "
        "drifting clouds, rain), 'none', or a list of ripple, clouds, rain.",
        max_length=100,
    )
    depth_model: str = Param(
        "",
        description="A depth-estimation model (DPT, Depth-Anything): a save_pretrained folder or a hub id already "
        "in the local cache. Empty: the built-in heuristic (vertical position, edges, saliency).",
        widget="model",
        model_kinds=("depth",),
        model_optional=True,
        max_length=1000,
    )
    device: Literal["auto", "cpu", "cuda"] = Param(
        "auto", description="Where the depth model runs: auto, cpu or cuda.", advanced=True
    )
    seed: int = Param(0, description="Seeds the rain and cloud patterns.", ge=0, le=MAX_SEED, widget="seed")

    @field_validator("width", "height")
    @classmethod
    def even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"{value} is odd; use an even size, H.264 needs even frame sizes")
        return value


@node(
    id="image.animate",
    version="1.0.0",
    title="Animate image",
    category="image",
    inputs={
        "image": Input("IMAGE", "The still picture to film."),
        "scene": Input(
            "SCENE", "Optional: water, sky or rain in the scene add ripples, drifting clouds or rain.", optional=True
        ),
    },
    outputs={
        "frames": Output("FRAMES", "The shot, rendered lazily as it is read."),
        "depth": Output("IMAGE", "The depth used for parallax (white is near), to check what moved how."),
    },
    params=AnimateParams,
)
def animate(ctx: NodeContext, params: AnimateParams, *, image: Any, scene: Any = None) -> dict:
    """Film a still: cut it into depth layers (a depth model's, or a heuristic's), fill what each
    layer hides by inpainting, and move a camera through them so near things slide past far
    ones; optionally ripple water, drift clouds and let rain fall."""
    from .ambient import parse_effects
    from .animator import Animator, Shot

    picture = checked_image(image)
    move = parse_camera(params.camera, params.strength)
    effects = parse_effects(params.motion, scene)
    ctx.progress(0, 3)
    depth = estimate_depth(ctx, params, picture)
    ctx.progress(1, 3)
    count = max(2, round(params.duration * params.fps))
    shot = Shot(params.width, params.height, count, float(params.fps), move, params.layers)
    animator = Animator(picture, depth, shot, effects, params.seed)
    ctx.log.info("%s: camera %s; %d layers; motion %s", ctx.node_id, describe(move), len(animator.layers),
                 ", ".join(animator.ambient.active) or "none")  # fmt: skip
    ctx.progress(2, 3)
    frames = Frames(animator.produce, count=count, width=params.width, height=params.height, fps=params.fps)
    ctx.progress(3, 3, frames.read(0, 1)[0])
    depth8 = (np.clip(depth, 0, 1) * 255 + 0.5).astype(np.uint8)
    return {"frames": frames, "depth": np.repeat(depth8[..., None], 3, axis=2)}


def checked_image(image: Any) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        got = f"{image.shape} {image.dtype}" if isinstance(image, np.ndarray) else type(image).__name__
        raise NodeInputError("image", f"expected an IMAGE (H×W×3 uint8), got {got}")
    if min(image.shape[:2]) < 16:
        raise NodeInputError("image", f"the picture is {image.shape[1]}×{image.shape[0]}; it needs 16 pixels a side")
    return image


def estimate_depth(ctx: NodeContext, params: AnimateParams, image: np.ndarray) -> np.ndarray:
    """The depth model's map when one is named, else the heuristic's (see ``depth.py``)."""
    from .depth import heuristic_depth, model_depth

    source = params.depth_model.strip()
    if not source:
        return heuristic_depth(image)
    from server.models import ModelError, manager_for

    manager = manager_for(ctx.models)
    try:
        handle = manager.load(source, "depth", dtype="fp32", device=params.device)
        with handle.use() as bundle:
            return model_depth(image, bundle)
    except ModelError as exc:
        raise NodeInputError("depth_model", str(exc)) from None
