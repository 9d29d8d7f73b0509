"""The ``video.denoise`` node: temporal denoising guided by optical flow."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .temporal_denoise import FlowDenoiser, estimate_sigma, estimate_sigma_temporal
from .window import windowed

ESTIMATE_FRAMES = 4


class DenoiseParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sigma: float = Param(
        0.0,
        description="Noise strength as the σ of Gaussian noise on the 0-255 scale (grain of 15 is heavy); "
        "0 estimates it from the first frames.",
        ge=0.0,
        le=60.0,
        step=0.5,
    )
    radius: int = Param(
        2,
        description="Neighbours on each side aligned and averaged: 2 uses 5 frames (about 7 dB less noise).",
        ge=1,
        le=4,
    )
    quality: Literal["fast", "balanced", "quality"] = Param(
        "balanced", description="Optical-flow effort, as in video.interpolate.", advanced=True
    )
    spatial: float = Param(
        1.0,
        description="Strength of the light edge-preserving pass after the temporal average; 0 turns it off.",
        ge=0.0,
        le=3.0,
        step=0.1,
        advanced=True,
    )


@node(
    id="video.denoise",
    version="1.0.0",
    title="Denoise video",
    category="video",
    inputs={"frames": Input("FRAMES", "The noisy frames.")},
    outputs={"frames": Output("FRAMES", "The cleaned frames, computed lazily as they are read.")},
    params=DenoiseParams,
)
def denoise(ctx: NodeContext, params: DenoiseParams, *, frames: Frames) -> dict:
    """Remove sensor noise, film grain or diffusion speckle by averaging each frame with its
    neighbours aligned by optical flow (never across a cut); pixels whose neighbours do not match
    (occlusions, fast motion) keep their own value rather than smear."""
    if frames.count == 0:
        raise NodeInputError("frames", "there are no frames to denoise; the source produced 0 frames")
    sigma = params.sigma
    if sigma == 0:
        sample = frames.read(0, ESTIMATE_FRAMES)
        sigma = estimate_sigma_temporal(sample) if len(sample) > 1 else estimate_sigma(sample[0])
        ctx.log.info("%s: estimated noise σ = %.1f", ctx.node_id, sigma)
    denoiser = FlowDenoiser(sigma, params.quality, params.spatial)
    return {"frames": windowed(frames, params.radius, denoiser)}
