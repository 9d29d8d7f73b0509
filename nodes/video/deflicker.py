"""The ``video.deflicker`` node: steady exposure and white balance from frame to frame."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .flicker import Deflicker
from .window import windowed


class DeflickerParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    radius: int = Param(
        8,
        description="Frames on each side that the brightness trend is taken over; changes faster than "
        "about this many frames count as flicker and are removed, slower fades are kept.",
        ge=1,
        le=48,
    )
    strength: float = Param(1.0, description="1 removes the flicker fully, 0 leaves the clip as it is.", ge=0, le=1)


@node(
    id="video.deflicker",
    version="1.0.0",
    title="Deflicker video",
    category="video",
    inputs={"frames": Input("FRAMES", "The flickering frames.")},
    outputs={"frames": Output("FRAMES", "The steadied frames, computed lazily as they are read.")},
    params=DeflickerParams,
)
def deflicker(ctx: NodeContext, params: DeflickerParams, *, frames: Frames) -> dict:
    """Remove frame-to-frame brightness and colour flicker (generated video, old film, LED lights).

    Each frame gets one gain per colour channel that brings its mean to the smoothed trend of
    its neighbours (within its shot): pixels are not mixed across frames, so motion does not smear.
    """
    if frames.count == 0:
        raise NodeInputError("frames", "there are no frames to deflicker; the source produced 0 frames")
    return {"frames": windowed(frames, params.radius, Deflicker(params.radius, params.strength))}
