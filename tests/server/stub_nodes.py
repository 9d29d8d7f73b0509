"""Stub nodes for the server tests: fast, observable, slow or failing on demand, and one
that writes a real output file (so ``/view``, history outputs and ``executed`` have
something to show)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import MediaFile
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
