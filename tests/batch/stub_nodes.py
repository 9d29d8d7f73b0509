"""Stub nodes for batch tests: a gate a test controls (to kill or cancel a variant mid-run), a
node that fails until a counter says otherwise (retries), a GPU node (Ray resources), and a
node that reports the thread pools of the worker it runs in.

They talk to the test through files, because they run in other processes (pool or Ray workers).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node
from server.engine.partials import partial_path

GATE_SECONDS = 60.0  # the longest a gate waits for its file before failing the variant


class GateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    folder: str = Param("", description="Where the pid file is written and the gate file looked for.")
    seed: int = Param(0, description="Makes variants distinct.", ge=0)
    fail_until: int = Param(0, description="Fail this many attempts before succeeding.", ge=0)


@node(
    id="test.gate",
    version="1.0.0",
    title="Gate",
    category="test",
    output=True,
    outputs={"pid": Output("INT")},
    params=GateParams,
)
def gate(ctx: NodeContext, params: GateParams) -> dict:
    """Writes ``<seed>.pid`` (one line per attempt), holds a locked partial file in the output
    folder (as a writer mid-file would), and waits, reporting progress, until ``open`` exists."""
    folder = Path(params.folder)
    with open(folder / f"{params.seed}.pid", "a") as f:
        f.write(f"{os.getpid()}\n")
    attempts = len((folder / f"{params.seed}.pid").read_text().split())
    if attempts <= params.fail_until:
        raise RuntimeError(f"attempt {attempts} fails on purpose")
    deadline = time.monotonic() + GATE_SECONDS
    with partial_path(ctx.output_dir) as partial:
        partial.write_bytes(b"half")
        while not (folder / "open").exists():
            ctx.progress(0, 1)  # a cancellation point
            if time.monotonic() > deadline:
                raise TimeoutError("the gate was never opened")
            time.sleep(0.02)
    (ctx.output_dir / f"gate_{params.seed}.txt").write_text(str(os.getpid()))
    return {"pid": os.getpid()}


class GpuParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(0, description="Makes variants distinct.", ge=0)


@node(
    id="test.gpu_pid",
    version="1.0.0",
    title="GPU pid",
    category="test",
    output=True,
    resource="gpu",
    outputs={"pid": Output("INT")},
    params=GpuParams,
)
def gpu_pid(ctx: NodeContext, params: GpuParams) -> dict:
    """Stands for a diffusion node: declares the GPU; writes which process ran it."""
    (ctx.output_dir / "pid.txt").write_text(str(os.getpid()))
    return {"pid": os.getpid()}


@node(
    id="test.picture",
    version="1.0.0",
    title="Picture",
    category="test",
    output=True,
    outputs={"image": Output("IMAGE")},
    params=GpuParams,
)
def picture(ctx: NodeContext, params: GpuParams) -> dict:
    """A 64×48 gradient: something a thumbnail can be drawn from."""
    ramp = np.linspace(0, 255, 64, dtype=np.uint8)
    return {"image": np.stack([np.tile(ramp, (48, 1))] * 3, axis=-1)}


@node(
    id="test.threads",
    version="1.0.0",
    title="Threads",
    category="test",
    output=True,
    outputs={"pid": Output("INT")},
    params=GpuParams,
)
def threads(ctx: NodeContext, params: GpuParams) -> dict:
    """Writes the thread pools of the process it runs in, asked of each library itself."""
    import cv2
    from threadpoolctl import threadpool_info

    seen = {
        "pid": os.getpid(),
        "opencv": cv2.getNumThreads(),
        "blas_openmp": sorted({p["num_threads"] for p in threadpool_info()}),
        "omp_env": os.environ.get("OMP_NUM_THREADS"),
    }
    (ctx.output_dir / "threads.json").write_text(json.dumps(seen))
    return {"pid": os.getpid()}
