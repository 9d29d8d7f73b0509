"""The ``video.upscale`` node: learned super-resolution from the user's weights, or a classical fallback."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.models.catalog import model_roots

from .classical import upscale_classical

MAX_SIDE = 8192  # output frames beyond 8K are refused: the encoders' H.264 levels end there


class UpscaleParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: float = Param(2.0, description="Output size ÷ input size (2 turns 960×540 into 1920×1080).", ge=1.0, le=8.0)
    model: str = Param(
        "",
        description="Super-resolution weights (.safetensors or .pth: ESRGAN, Real-ESRGAN, SwinIR, SPAN, … read by "
        "spandrel) from a model folder's upscale_models, or a path; empty uses the classical upscaler "
        "(Lanczos, back-projection, edge-aware sharpening) with no weights.",
        widget="model",
        model_kinds=("upscaler",),
        model_optional=True,
    )
    sharpen: float = Param(
        0.3,
        description="Classical upscaler: edge-aware sharpening (0 none, 1 strong); flat areas are left alone.",
        ge=0.0,
        le=1.0,
        step=0.05,
    )
    tile: int = Param(
        256,
        description="Learned upscaler: frames go through the network in tiles this many input pixels wide, "
        "so that 4K output fits memory; smaller uses less memory, larger is a little faster.",
        ge=32,
        le=2048,
        advanced=True,
    )
    device: Literal["auto", "cpu", "cuda"] = Param(
        "auto", description="Learned upscaler: where the network runs; auto = the GPU when there is one.", advanced=True
    )


@node(
    id="video.upscale",
    version="1.0.0",
    title="Upscale video",
    category="video",
    inputs={"frames": Input("FRAMES", "The frames to enlarge.")},
    outputs={"frames": Output("FRAMES", "The enlarged frames, computed lazily as they are read.")},
    params=UpscaleParams,
)
def upscale(ctx: NodeContext, params: UpscaleParams, *, frames: Frames) -> dict:
    """Enlarge every frame: with your super-resolution weights through spandrel (tiled, so 4K fits
    memory), or with no weights by Lanczos resampling, back-projection and edge-aware sharpening."""
    if frames.count == 0:
        raise NodeInputError("frames", "there are no frames to upscale; the source produced 0 frames")
    width, height = round(frames.width * params.scale / 2) * 2, round(frames.height * params.scale / 2) * 2
    if max(width, height) > MAX_SIDE:
        raise NodeInputError(
            "scale",
            f"{frames.width}×{frames.height} × {params.scale:g} = {width}×{height} is larger than {MAX_SIDE} px",
        )
    if params.model.strip():
        model = load_model(params)
        ctx.log.info(
            "%s: %s ×%d (%s) on %s",
            ctx.node_id,
            model.architecture.name,
            model.scale,
            Path(params.model).name,
            next(model.model.parameters()).device,
        )
        enlarge = LearnedEnlarger(model, width, height, params.tile)
    else:
        enlarge = ClassicalEnlarger(width, height, params.sharpen)
    return {
        "frames": Frames(
            MapProducer(frames, enlarge),
            count=frames.count,
            width=width,
            height=height,
            fps=frames.fps,
            cuts=frames.cuts,
        )
    }


def load_model(params: UpscaleParams) -> Any:
    from server.models.upscalers import UpscalerError, load_upscaler, locate

    device = params.device
    if device == "auto":
        device = "cuda" if _cuda_available() else "cpu"
    elif device == "cuda" and not _cuda_available():
        raise NodeInputError("device", "no CUDA GPU is available here; choose cpu or auto")
    try:
        return load_upscaler(locate(params.model.strip(), model_roots(Path("data"))), device)
    except UpscalerError as exc:
        raise NodeInputError("model", str(exc)) from exc


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


class ClassicalEnlarger:
    def __init__(self, width: int, height: int, sharpen: float) -> None:
        self.width, self.height, self.sharpen = width, height, sharpen

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        return upscale_classical(frame, self.width, self.height, self.sharpen)


class LearnedEnlarger:
    """The network's own factor, then an area (or Lanczos) resize to the requested size."""

    def __init__(self, model: Any, width: int, height: int, tile: int) -> None:
        self.model, self.width, self.height, self.tile = model, width, height, tile

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        import cv2

        from .tiles import run_tiled

        out = run_tiled(self.model, frame, self.tile)
        if out.shape[:2] == (self.height, self.width):
            return out
        shrink = out.shape[1] > self.width
        return cv2.resize(
            out, (self.width, self.height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LANCZOS4
        )


class MapProducer:
    """Lazy frames: ``fn`` applied to each source frame when read; thread-safe (one network at a time)."""

    def __init__(self, source: Frames, fn: Any) -> None:
        self.source, self.fn = source, fn
        self._lock = threading.Lock()

    def __call__(self, start: int, stop: int) -> np.ndarray:
        with self._lock:
            return np.stack([self.fn(f) for f in self.source.read(start, stop)])
