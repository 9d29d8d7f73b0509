"""Stub nodes for engine tests: trivial, observable, and slow or failing on demand.

Every call is recorded in CALLS (node id, params) so tests can see exactly what ran.
"""

from __future__ import annotations

import threading
import time
from typing import Literal

from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node

CALLS: list[tuple[str, str]] = []
_lock = threading.Lock()


def record(ctx: NodeContext) -> None:
    with _lock:
        CALLS.append((ctx.node_id, ctx.node_type))


class ValueParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int = Param(0, description="The number to emit.", ge=-1000, le=1000)
    mode: Literal["plain", "double"] = Param("plain", description="How to emit it.")


@node(
    id="test.value", version="1.0.0", title="Value", category="test", outputs={"out": Output("INT")}, params=ValueParams
)
def value(ctx: NodeContext, params: ValueParams) -> dict:
    record(ctx)
    return {"out": params.value * (2 if params.mode == "double" else 1)}


class AddParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offset: int = Param(0, description="Added to the sum.")


@node(
    id="test.add",
    version="1.0.0",
    title="Add",
    category="test",
    inputs={"a": Input("INT"), "b": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
    params=AddParams,
)
def add(ctx: NodeContext, params: AddParams, *, a: int, b: int | None = None) -> dict:
    record(ctx)
    return {"out": a + (b or 0) + params.offset}


@node(
    id="test.sink",
    version="1.0.0",
    title="Sink",
    category="test",
    output=True,
    inputs={"a": Input("INT")},
    outputs={"out": Output("INT")},
)
def sink(ctx: NodeContext, params: BaseModel, *, a: int) -> dict:
    record(ctx)
    return {"out": a}


class SlowParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Param(0.3, description="How long to sleep.", ge=0, le=60)
    steps: int = Param(5, description="Progress steps.", ge=1, le=1000)
    tag: str = Param("", description="Makes otherwise equal nodes distinct.")


@node(
    id="test.slow",
    version="1.0.0",
    title="Slow",
    category="test",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
    params=SlowParams,
)
def slow(ctx: NodeContext, params: SlowParams, *, a: int | None = None) -> dict:
    """Sleeps in steps, reporting progress (and so honouring cancellation) between them."""
    record(ctx)
    for step in range(params.steps):
        time.sleep(params.seconds / params.steps)
        ctx.progress(step + 1, params.steps)
    return {"out": (a or 0) + 1}


MEETING = threading.Barrier(2)


class MeetParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tag: str = Param("", description="Makes otherwise equal nodes distinct.")


@node(id="test.meet", version="1.0.0", title="Meet", category="test", outputs={"out": Output("INT")}, params=MeetParams)
def meet(ctx: NodeContext, params: MeetParams) -> dict:
    """Waits until a second ``test.meet`` node is running too: only concurrent nodes get past."""
    record(ctx)
    MEETING.wait(timeout=30)
    return {"out": 1}


@node(
    id="test.slow_gpu",
    version="1.0.0",
    title="Slow GPU",
    category="test",
    resource="gpu",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
    params=SlowParams,
)
def slow_gpu(ctx: NodeContext, params: SlowParams, *, a: int | None = None) -> dict:
    return slow.fn(ctx, params, a=a)


@node(
    id="test.fail",
    version="1.0.0",
    title="Fail",
    category="test",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
)
def fail(ctx: NodeContext, params: BaseModel, *, a: int | None = None) -> dict:
    record(ctx)
    raise RuntimeError("stub failure")


@node(id="test.text", version="1.0.0", title="Text", category="test", outputs={"out": Output("TEXT")})
def text(ctx: NodeContext, params: BaseModel) -> dict:
    return {"out": "hello"}


class NoiseParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: int = Param(1, description="Multiplier.")


@node(
    id="test.noise",
    version="1.0.0",
    title="Noise",
    category="test",
    deterministic=False,
    outputs={"out": Output("INT")},
    params=NoiseParams,
)
def noise(ctx: NodeContext, params: NoiseParams) -> dict:
    record(ctx)
    return {"out": time.perf_counter_ns() * params.scale}


def renamed_value_v1(params: dict) -> dict:
    """Version 1 called the parameter 'number'."""
    if "number" in params:
        params["value"] = params.pop("number")
    return params


@node(
    id="test.migrated",
    version="2.0.0",
    title="Migrated",
    category="test",
    outputs={"out": Output("INT")},
    params=ValueParams,
    migrations={1: renamed_value_v1},
)
def migrated(ctx: NodeContext, params: ValueParams) -> dict:
    return {"out": params.value}


class ClipParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(1, description="Seed.", ge=0)
    frames: int = Param(6, description="How many frames.", ge=1, le=100)


@node(
    id="test.clip",
    version="1.0.0",
    title="Clip",
    category="test",
    output=True,
    deterministic=False,
    persist=True,
    outputs={"frames": Output("FRAMES"), "audio": Output("AUDIO"), "mask": Output("IMAGE"), "label": Output("TEXT")},
    params=ClipParams,
)
def clip(ctx: NodeContext, params: ClipParams) -> dict:
    """Stands for an expensive generator (a diffusion model): seeded, so cacheable, and persisted."""
    import numpy as np

    from nodes.datatypes import Audio, Frames

    record(ctx)
    rng = np.random.default_rng(params.seed)
    frames = rng.integers(0, 255, (params.frames, 8, 10, 3), dtype=np.uint8)
    return {
        "frames": Frames.from_array(frames, fps=12, cuts=(3,)),
        "audio": Audio(rng.standard_normal((480, 2)).astype(np.float32) * 0.1, 48000),
        "mask": frames[0],
        "label": f"clip {params.seed}",
    }
