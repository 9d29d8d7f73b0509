"""The ``video.interpolate`` node: more frames per second, or a different frame rate."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .driver import PairInterpolator, interpolated_frames
from .timing import RetimePlan, as_fraction

MAX_FPS = 240.0


class InterpolateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    multiplier: int = Param(
        2, description="Frames out per frame in: 2 doubles the frame rate; 1 only retimes.", ge=1, le=4
    )
    target_fps: float = Param(
        0.0,
        description=f"Output frame rate (up to {MAX_FPS:g}); 0 means source fps × multiplier. When set, "
        "multiplier is ignored and the video is retimed to exactly this rate, keeping its duration.",
        ge=0.0,
        le=MAX_FPS,
        step=0.001,
    )
    quality: Literal["fast", "balanced", "quality"] = Param(
        "balanced",
        description="Flow effort (dis backend): fast (DIS ultrafast, flow at half size), balanced (DIS fast, "
        "half size), quality (DIS medium at full size, bicubic warps; several times slower).",
    )
    cut_detection: Literal["auto", "always", "off"] = Param(
        "auto",
        description="Find scene cuts in the picture: auto (only when the source declares none; a renderer "
        "that declares its cuts is trusted and not read twice), always (also look for undeclared ones), off. "
        "Frames are never blended across a cut, declared or found.",
        advanced=True,
    )
    cut_threshold: float = Param(
        0.5,
        description="Detection sensitivity: a motion-compensated difference above this starts a new shot "
        "(moving pictures score about 0.1, unrelated ones about 0.8).",
        ge=0.05,
        le=2.0,
        step=0.05,
        advanced=True,
    )
    backend: Literal["dis", "learned"] = Param(
        "dis", description="dis: OpenCV optical flow, no weights needed. learned: a RIFE-style network from model_path."
    )
    model_path: str = Param(
        "", description="Weights (.safetensors) for the learned backend; ignored by dis.", widget="file", advanced=True
    )


@node(
    id="video.interpolate",
    version="1.0.0",
    title="Interpolate frames",
    category="video",
    inputs={"frames": Input("FRAMES", "The source frames.")},
    outputs={"frames": Output("FRAMES", "The retimed frames, computed lazily as they are read.")},
    params=InterpolateParams,
)
def interpolate(ctx: NodeContext, params: InterpolateParams, *, frames: Frames) -> dict:
    """Synthesise in-between frames with optical flow (or a learned network) and retime the video.

    Scene cuts (the source's and detected ones) are never blended across: the nearer frame
    is held. The output keeps the source's duration and is computed when read, chunk by
    chunk, so long videos do not fill memory. Cut detection, when it runs, reads the source
    once here.
    """
    if frames.count == 0:
        raise NodeInputError("frames", "there are no frames to interpolate; the source produced 0 frames")
    interpolator = make_interpolator(params)
    out_fps = params.target_fps or frames.fps * params.multiplier
    detected = detect(ctx, frames, params)
    cuts = tuple(sorted(set(frames.cuts) | set(detected)))
    plan = RetimePlan(frames.count, as_fraction(frames.fps), as_fraction(out_fps), cuts)
    if detected:
        ctx.log.info("%s: detected %d scene cut(s) at source frames %s", ctx.node_id, len(detected), list(detected))

    return {"frames": interpolated_frames(frames, plan, interpolator)}


def make_interpolator(params: InterpolateParams) -> PairInterpolator:
    """The chosen backend; the learned one loads its weights now, so a bad path fails early."""
    if params.backend == "learned":
        from .learned import LearnedInterpolator, load_network

        return LearnedInterpolator(load_network(params.model_path))
    from .flow import DisInterpolator

    return DisInterpolator(params.quality)


def detect(ctx: NodeContext, frames: Frames, params: InterpolateParams) -> tuple[int, ...]:
    """Cuts found in the picture; reads the whole source once (chunk by chunk), so only when asked."""
    wanted = params.cut_detection == "always" or (params.cut_detection == "auto" and not frames.cuts)
    if not wanted or frames.count < 2:
        return ()
    from .scenecut import detect_cuts

    return detect_cuts(frames, params.cut_threshold, progress=lambda done, total: ctx.progress(done, total))
