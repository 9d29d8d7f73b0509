"""Stub nodes for the engine, server, editor and batch tests: fast, observable, slow or
failing on demand, and a few that write real files or pictures, so each suite checks its
own layer in seconds, independently of the real pipeline.

One module, registered whole by every suite: in-process with
``Registry.from_modules([stub_nodes, ...])``, and as ``REELGRAPH_EXTRA_NODES=tests.stub_nodes``
where the nodes run in another process (a served editor, the CLI, pool and Ray workers).
The id prefix says which suite a node was first written for (``test.``: the engine and batch
runs, ``srv.``: the server's APIs, ``webtest.``: the editor), not where it may be used.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Frames, MediaFile
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.engine.partials import partial_path, write_bytes_atomic

CALLS: list[tuple[str, str]] = []  # (node id, node type) of every call of a recording stub
_lock = threading.Lock()


def record(ctx: NodeContext) -> None:
    with _lock:
        CALLS.append((ctx.node_id, ctx.node_type))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- numbers ---------------------------------------------------------------------------------
class ValueParams(Strict):
    value: int = Param(0, description="The number to emit.", ge=-1000, le=1000)
    mode: Literal["plain", "double"] = Param("plain", description="How to emit it.")


@node(
    id="test.value", version="1.0.0", title="Value", category="test", outputs={"out": Output("INT")}, params=ValueParams
)
def value(ctx: NodeContext, params: ValueParams) -> dict:
    record(ctx)
    return {"out": params.value * (2 if params.mode == "double" else 1)}


class AddParams(Strict):
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


class NumberParams(Strict):
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


class CountParams(Strict):
    value: int = Param(3, description="The number.", ge=0, le=100)


@node(
    id="webtest.count",
    version="1.0.0",
    title="Count",
    category="test",
    outputs={"value": Output("INT")},
    params=CountParams,
)
def count(ctx: NodeContext, params: CountParams) -> dict:
    return {"value": params.value}


@node(id="test.text", version="1.0.0", title="Text", category="test", outputs={"out": Output("TEXT")})
def text(ctx: NodeContext, params: BaseModel) -> dict:
    return {"out": "hello"}


class NoiseParams(Strict):
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


# -- taking time, meeting, failing -----------------------------------------------------------
def sleep_in_steps(ctx: NodeContext, seconds: float, steps: int, picture: Callable[[int], np.ndarray] | None) -> None:
    """Sleeps ``seconds`` in ``steps``, reporting progress (and so honouring cancellation) after
    each, with ``picture(step)`` as the preview when given (like diffusion's step previews)."""
    for step in range(steps):
        time.sleep(seconds / steps)
        ctx.progress(step + 1, steps, picture(step) if picture else None)


class SlowParams(Strict):
    seconds: float = Param(0.2, description="How long to take.", ge=0, le=120)
    steps: int = Param(4, description="Progress steps.", ge=1, le=10_000)
    preview: bool = Param(False, description="Send a preview picture with each step.")
    tag: str = Param("", description="Makes otherwise equal nodes distinct (defeats the cache).")


def grey(step: int) -> np.ndarray:
    return np.full((48, 64, 3), (step * 40) % 256, np.uint8)


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
    record(ctx)
    sleep_in_steps(ctx, params.seconds, params.steps, grey if params.preview else None)
    return {"out": (a or 0) + 1}


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


class StepsParams(Strict):
    seconds: float = Param(0.6, description="How long to take.", ge=0, le=60)
    steps: int = Param(6, description="Progress steps.", ge=1, le=100)
    tag: str = Param("", description="Makes otherwise equal nodes distinct (defeats the cache).")


@node(
    id="webtest.steps",
    version="1.0.0",
    title="Steps",
    category="test",
    inputs={"value": Input("INT")},
    outputs={"value": Output("INT")},
    params=StepsParams,
)
def steps(ctx: NodeContext, params: StepsParams, *, value: int) -> dict:
    """Previews a bar that fills up, one shade per step."""

    def bar(step: int) -> np.ndarray:
        shade = int(255 * (step + 1) / params.steps)
        picture = np.zeros((72, 128, 3), np.uint8)
        picture[:, : 128 * (step + 1) // params.steps] = (shade, 90, 255 - shade)
        return picture

    sleep_in_steps(ctx, params.seconds, params.steps, bar)
    return {"value": value + 1}


MEETING = threading.Barrier(2)


class TagParams(Strict):
    tag: str = Param("", description="Makes otherwise equal nodes distinct.")


@node(id="test.meet", version="1.0.0", title="Meet", category="test", outputs={"out": Output("INT")}, params=TagParams)
def meet(ctx: NodeContext, params: TagParams) -> dict:
    """Waits until a second ``test.meet`` node is running too: only concurrent nodes get past."""
    record(ctx)
    MEETING.wait(timeout=30)
    return {"out": 1}


@node(
    id="test.fail",
    version="1.0.0",
    title="Fail",
    category="test",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
)
def fail(ctx: NodeContext, params: BaseModel, *, a: int | None = None) -> dict:
    """Fails as a bug would (with a traceback)."""
    record(ctx)
    raise RuntimeError("stub failure")


class RefuseParams(Strict):
    message: str = Param("boom", description="What to fail with.")


@node(
    id="srv.fail",
    version="1.0.0",
    title="Fail",
    category="test",
    inputs={"a": Input("INT", optional=True)},
    outputs={"out": Output("INT")},
    params=RefuseParams,
)
def refuse(ctx: NodeContext, params: RefuseParams, *, a: int | None = None) -> dict:
    """Fails as a node refusing its input does (a NodeInputError naming ``a``)."""
    raise NodeInputError("a", params.message)


class RefuseValueParams(Strict):
    message: str = Param("this value cannot be used", description="What to fail with.")


@node(
    id="webtest.fail",
    version="1.0.0",
    title="Fail",
    category="test",
    inputs={"value": Input("INT")},
    outputs={"value": Output("INT")},
    params=RefuseValueParams,
)
def refuse_value(ctx: NodeContext, params: RefuseValueParams, *, value: int) -> dict:
    raise NodeInputError("value", params.message)


GATE_SECONDS = 60.0  # the longest a gate waits for its file before failing the variant


class GateParams(Strict):
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
    """For batch runs in other processes, which the test steers through files: writes
    ``<seed>.pid`` (one line per attempt), holds a locked partial file in the output folder (as
    a writer mid-file would), and waits, reporting progress, until ``open`` exists."""
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


class SeedParams(Strict):
    seed: int = Param(0, description="Makes variants distinct.", ge=0)


@node(
    id="test.gpu_pid",
    version="1.0.0",
    title="GPU pid",
    category="test",
    output=True,
    resource="gpu",
    outputs={"pid": Output("INT")},
    params=SeedParams,
)
def gpu_pid(ctx: NodeContext, params: SeedParams) -> dict:
    """Stands for a diffusion node: declares the GPU; writes which process ran it."""
    (ctx.output_dir / "pid.txt").write_text(str(os.getpid()))
    return {"pid": os.getpid()}


@node(
    id="test.threads",
    version="1.0.0",
    title="Threads",
    category="test",
    output=True,
    outputs={"pid": Output("INT")},
    params=SeedParams,
)
def threads(ctx: NodeContext, params: SeedParams) -> dict:
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


# -- pictures, frames and files ----------------------------------------------------------------
FRAME_READS: list[tuple[int, int]] = []  # every (start, stop) read from srv.frames values


def frame_level(index: int) -> int:
    """The grey level of frame ``index`` of srv.frames: a strip's tiles tell which frames they are."""
    return (index * 6) % 256


class FramesParams(Strict):
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

    shape = {"count": params.count, "width": params.width, "height": params.height}
    return {"frames": Frames(produce, **shape, fps=12, cuts=tuple(params.cuts))}


SHOT_COLOURS = ((70, 130, 220), (230, 140, 40), (60, 170, 90))  # one per shot of webtest.frames


class ShotFramesParams(Strict):
    count: int = Param(36, description="How many frames (three shots).", ge=3, le=1000)


@node(
    id="webtest.frames",
    version="1.0.0",
    title="Frames",
    category="test",
    outputs={"frames": Output("FRAMES")},
    params=ShotFramesParams,
)
def shot_frames(ctx: NodeContext, params: ShotFramesParams) -> dict:
    """Lazy 160×90 frames in three shots, each a colour, with a white square moving across."""
    width, height, count = 160, 90, params.count
    cuts = (count // 3, 2 * count // 3)

    def produce(start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, height, width, 3), np.uint8)
        for k, i in enumerate(range(start, stop)):
            out[k] = SHOT_COLOURS[sum(i >= c for c in cuts)]
            x = 8 + (i * (width - 40)) // max(count - 1, 1)
            out[k, 30:60, x : x + 24] = 255
        return out

    return {"frames": Frames(produce, count=count, width=width, height=height, fps=12, cuts=cuts)}


class PictureParams(Strict):
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


@node(id="webtest.picture", version="1.0.0", title="Picture", category="test", outputs={"picture": Output("IMAGE")})
def disc(ctx: NodeContext, params: BaseModel) -> dict:
    """A 640×360 picture: a violet-to-teal gradient with a yellow disc."""
    y, x = np.mgrid[0:360, 0:640]
    t = x / 639
    image = np.stack([150 * (1 - t) + 20 * t, 60 * (1 - t) + 170 * t, 200 * (1 - t) + 160 * t], axis=-1)
    image[(x - 320) ** 2 + (y - 180) ** 2 < 80**2] = (250, 210, 40)
    return {"picture": image.astype(np.uint8)}


@node(
    id="test.picture",
    version="1.0.0",
    title="Picture",
    category="test",
    output=True,
    outputs={"image": Output("IMAGE")},
    params=SeedParams,
)
def grey_ramp(ctx: NodeContext, params: SeedParams) -> dict:
    """A 64×48 grey gradient: something a batch variant's thumbnail can be drawn from."""
    ramp = np.linspace(0, 255, 64, dtype=np.uint8)
    return {"image": np.stack([np.tile(ramp, (48, 1))] * 3, axis=-1)}


class ClipParams(Strict):
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
    record(ctx)
    rng = np.random.default_rng(params.seed)
    pixels = rng.integers(0, 255, (params.frames, 8, 10, 3), dtype=np.uint8)
    return {
        "frames": Frames.from_array(pixels, fps=12, cuts=(3,)),
        "audio": Audio(rng.standard_normal((480, 2)).astype(np.float32) * 0.1, 48000),
        "mask": pixels[0],
        "label": f"clip {params.seed}",
    }


def write_png(path: Path, level: int) -> MediaFile:
    """A 24×16 PNG of one grey ``level`` at ``path``, written whole or not at all."""
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, cv2.imencode(".png", np.full((16, 24, 3), level % 256, np.uint8))[1].tobytes())
    return MediaFile(path=path, media_type="image/png", width=24, height=16)


class SaveParams(Strict):
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
    return {"file": write_png(Path(ctx.output_dir) / "stub" / f"{params.prefix}_{ctx.run_id[:8]}_{a}.png", a)}


@node(id="srv.draft", version="1.0.0", title="Draft", category="test", outputs={"file": Output("VIDEO")})
def draft(ctx: NodeContext, params: BaseModel) -> dict:
    """Writes a PNG into ``output_dir/stub/`` but is not an output node."""
    return {"file": write_png(Path(ctx.output_dir) / "stub" / f"draft_{ctx.run_id[:8]}.png", 200)}


class VideoParams(Strict):
    seconds: float = Param(2.0, description="Length of the clip.", ge=0.5, le=10)


@node(
    id="webtest.clip",
    version="1.0.0",
    title="Clip",
    category="test",
    output=True,
    inputs={"value": Input("INT")},
    outputs={"video": Output("VIDEO")},
    params=VideoParams,
)
def video(ctx: NodeContext, params: VideoParams, *, value: int) -> dict:
    """Writes a small H.264 MP4 (a bar sweeping across) into the output folder."""
    import av

    fps, width, height = 12, 96, 64
    total = int(params.seconds * fps)
    path = Path(ctx.output_dir) / "webtest" / f"clip_{ctx.run_id[:8]}_{value}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(total):
            frame = np.full((height, width, 3), 30, np.uint8)
            frame[:, (i * width) // total : (i * width) // total + 8] = (240, 180, 60)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
            ctx.progress(i + 1, total)
        for packet in stream.encode():
            container.mux(packet)
    return {
        "video": MediaFile(path=path, media_type="video/mp4", duration=total / fps, width=width, height=height, fps=fps)
    }


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


class StoryParams(Strict):
    picture: str = Param("", description="A reference picture (uploaded).", widget="file")


@node(
    id="webtest.story",
    version="1.0.0",
    title="Story",
    category="test",
    outputs={"scene": Output("SCENE"), "shots": Output("SHOTS")},
    params=StoryParams,
)
def story(ctx: NodeContext, params: StoryParams) -> dict:
    """A fixed scene graph (a woman in a black jacket walking down a rainy street) and its two shots."""
    import networkx as nx

    from nodes.scene.model import Scene
    from nodes.scene.shots import Camera, Framing, Shot, ShotPlan

    g = nx.MultiDiGraph()
    g.add_node(
        "scene",
        kind="scene",
        setting="city_street",
        location="street",
        place_names=["Tokyo"],
        time_of_day="night",
        weather=["rain"],
        lighting=["neon"],
        crowd_density=0.5,
        style_tags=[],
        audio_cues=["rain"],
    )
    g.add_node("e0", kind="entity", label="woman", type="person", count=1, salience=1.0, motions=[], sentence=0)
    g.add_node("e1", kind="entity", label="street", type="place", count=1, salience=0.6, motions=[], sentence=0)
    g.add_node("e2", kind="entity", label="jacket", type="clothing", count=1, salience=0.4, motions=[], sentence=0)
    g.add_node("a0", kind="attribute", category="colour", value="black", rgb=[20, 20, 20])
    g.add_edge("e0", "a0", kind="has")
    g.add_edge("e0", "e2", kind="wear", verb="wear", prep=None, sentence=0, confidence=0.9)
    g.add_edge("e0", "e1", kind="spatial", verb="walk", prep="down", sentence=0, confidence=0.8)
    shots = ShotPlan(
        duration=6.0,
        shots=(
            Shot(0, 0.0, 3.0, None, None, Camera("static", Framing(), Framing()), "A rainy Tokyo street at night."),
            Shot(
                1,
                3.0,
                3.0,
                "woman",
                "walk",
                Camera("track", Framing(), Framing((0.5, 0.5), 1.5)),
                "A woman in a black jacket walks down the street.",
            ),
        ),
    )
    return {"scene": Scene(g), "shots": shots}
