"""Stub nodes for the server tests: fast, observable, slow or failing on demand, and one
that writes a real output file (so ``/view``, history outputs and ``executed`` have
something to show)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames, MediaFile
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError


class NumberParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int = Param(1, description="The number.", ge=0, le=1000)


@node(
    id="srv.number",
    version="1.0.0",
    title="Number",
    category="test",
    outputs={"out": Output("INT")},
    params=NumberParams,
)
def number(ctx: NodeContext, params: NumberParams) -> dict:
    return {"out": params.value}


class SlowParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Param(0.2, description="How long to take.", ge=0, le=120)
    steps: int = Param(4, description="Progress steps.", ge=1, le=10_000)
    preview: bool = Param(False, description="Send a preview picture with each step.")
    tag: str = Param("", description="Makes otherwise equal nodes distinct (defeats the cache).")


@node(
    id="srv.slow",
    version="1.0.0",
    title="Slow",
    category="test",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
    params=SlowParams,
)
def slow(ctx: NodeContext, params: SlowParams, *, a: int | None = None) -> dict:
    """Sleeps in steps, reporting progress (and so honouring cancellation) between them."""
    for step in range(params.steps):
        time.sleep(params.seconds / params.steps)
        picture = np.full((48, 64, 3), (step * 40) % 256, np.uint8) if params.preview else None
        ctx.progress(step + 1, params.steps, picture)
    return {"out": (a or 0) + 1}


class FailParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Param("boom", description="What to fail with.")


@node(
    id="srv.fail",
    version="1.0.0",
    title="Fail",
    category="test",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
    params=FailParams,
)
def fail(ctx: NodeContext, params: FailParams, *, a: int | None = None) -> dict:
    raise NodeInputError("a", params.message)


class SaveParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prefix: str = Param("pic", description="File name prefix.")


@node(
    id="srv.save",
    version="1.0.0",
    title="Save picture",
    category="test",
    output=True,
    inputs={"a": Input("INT")},
    outputs={"file": Output("VIDEO")},
    params=SaveParams,
)
def save(ctx: NodeContext, params: SaveParams, *, a: int) -> dict:
    """Writes a small PNG whose grey level is ``a`` into ``output_dir/stub/``."""
    import cv2

    folder = Path(ctx.output_dir) / "stub"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{params.prefix}_{ctx.run_id[:8]}_{a}.png"
    cv2.imwrite(str(path), np.full((16, 24, 3), a % 256, np.uint8))
    return {"file": MediaFile(path=path, media_type="image/png", width=24, height=16)}


@node(
    id="srv.show",
    version="1.0.0",
    title="Show",
    category="test",
    output=True,
    inputs={"a": Input("INT")},
    outputs={"out": Output("INT")},
)
def show(ctx: NodeContext, params: BaseModel, *, a: int) -> dict:
    return {"out": a}


# -- pictures: a lazy FRAMES value, an IMAGE, a file from a node that is not an output --------
FRAME_READS: list[tuple[int, int]] = []  # every (start, stop) read from srv.frames values


def frame_level(index: int) -> int:
    """The grey level of frame ``index`` of srv.frames: a strip's tiles tell which frames they are."""
    return (index * 6) % 256


class FramesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Param(40, description="How many frames.", ge=1, le=100_000)
    width: int = Param(160, description="Frame width.", ge=8, le=10_000)
    height: int = Param(90, description="Frame height.", ge=8, le=10_000)
    cuts: list[int] = Param([10, 25], description="Frames that start a new shot.")


@node(
    id="srv.frames",
    version="1.0.0",
    title="Frames",
    category="test",
    outputs={"frames": Output("FRAMES")},
    params=FramesParams,
)
def frames(ctx: NodeContext, params: FramesParams) -> dict:
    """Lazy grey frames (frame i at level ``frame_level(i)``); every read is recorded in FRAME_READS."""

    def produce(start: int, stop: int) -> np.ndarray:
        FRAME_READS.append((start, stop))
        levels = np.array([frame_level(i) for i in range(start, stop)], np.uint8)
        return np.broadcast_to(levels[:, None, None, None], (stop - start, params.height, params.width, 3)).copy()

    return {
        "frames": Frames(
            produce, count=params.count, width=params.width, height=params.height, fps=12, cuts=tuple(params.cuts)
        )
    }


class PictureParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    width: int = Param(1024, description="Picture width.", ge=8, le=10_000)
    height: int = Param(300, description="Picture height.", ge=8, le=10_000)


@node(
    id="srv.picture",
    version="1.0.0",
    title="Picture",
    category="test",
    outputs={"picture": Output("IMAGE")},
    params=PictureParams,
)
def picture(ctx: NodeContext, params: PictureParams) -> dict:
    """A horizontal gradient, red to blue."""
    ramp = np.linspace(0, 255, params.width).astype(np.uint8)
    image = np.zeros((params.height, params.width, 3), np.uint8)
    image[:, :, 0], image[:, :, 2] = 255 - ramp, ramp
    return {"picture": image}


@node(
    id="srv.draft",
    version="1.0.0",
    title="Draft",
    category="test",
    outputs={"file": Output("VIDEO")},
)
def draft(ctx: NodeContext, params: BaseModel) -> dict:
    """Writes a PNG into ``output_dir/stub/`` but is not an output node."""
    import cv2

    path = Path(ctx.output_dir) / "stub" / f"draft_{ctx.run_id[:8]}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((16, 24, 3), 200, np.uint8))
    return {"file": MediaFile(path=path, media_type="image/png", width=24, height=16)}


@node(
    id="srv.look",
    version="1.0.0",
    title="Look",
    category="test",
    output=True,
    inputs={
        "frames": Input("FRAMES", optional=True),
        "picture": Input("IMAGE", optional=True),
        "file": Input("VIDEO", optional=True),
    },
    outputs={"out": Output("INT")},
)
def look(ctx: NodeContext, params: BaseModel, *, frames: Frames | None = None, picture=None, file=None) -> dict:
    """An output node that reads nothing: only pulls its inputs into the run."""
    return {"out": sum(x is not None for x in (frames, picture, file))}
