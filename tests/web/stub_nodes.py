"""Small, fast nodes for the editor tests (registered only in the test server): a number,
a node that takes its time with progress and preview pictures, one that fails on an input,
and an output node that writes a real two-second MP4, so the editor's run states, previews
and video player can be checked in seconds, independently of the real pipeline."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import MediaFile
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError


class CountParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
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


class StepsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
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
    """Sleeps in steps, sending a progress picture with each (like diffusion's step previews)."""
    for step in range(params.steps):
        time.sleep(params.seconds / params.steps)
        shade = int(255 * (step + 1) / params.steps)
        picture = np.zeros((72, 128, 3), np.uint8)
        picture[:, : 128 * (step + 1) // params.steps] = (shade, 90, 255 - shade)
        ctx.progress(step + 1, params.steps, picture)
    return {"value": value + 1}


class FailParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Param("this value cannot be used", description="What to fail with.")


@node(
    id="webtest.fail",
    version="1.0.0",
    title="Fail",
    category="test",
    inputs={"value": Input("INT")},
    outputs={"value": Output("INT")},
    params=FailParams,
)
def fail(ctx: NodeContext, params: FailParams, *, value: int) -> dict:
    raise NodeInputError("value", params.message)


class ClipParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Param(2.0, description="Length of the clip.", ge=0.5, le=10)


@node(
    id="webtest.clip",
    version="1.0.0",
    title="Clip",
    category="test",
    output=True,
    inputs={"value": Input("INT")},
    outputs={"video": Output("VIDEO")},
    params=ClipParams,
)
def clip(ctx: NodeContext, params: ClipParams, *, value: int) -> dict:
    """Writes a small H.264 MP4 (a bar sweeping across) into the output folder."""
    import av

    fps, width, height = 12, 96, 64
    count = int(params.seconds * fps)
    path = Path(ctx.output_dir) / "webtest" / f"clip_{ctx.run_id[:8]}_{value}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(count):
            frame = np.full((height, width, 3), 30, np.uint8)
            frame[:, (i * width) // count : (i * width) // count + 8] = (240, 180, 60)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
            ctx.progress(i + 1, count)
        for packet in stream.encode():
            container.mux(packet)
    return {
        "video": MediaFile(path=path, media_type="video/mp4", duration=count / fps, width=width, height=height, fps=fps)
    }


class ToneParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Param(1.5, description="Length of the tone.", ge=0.1, le=10)


@node(
    id="webtest.tone",
    version="1.0.0",
    title="Tone",
    category="test",
    output=True,
    inputs={"value": Input("INT"), "scene": Input("SCENE", optional=True), "shots": Input("SHOTS", optional=True)},
    outputs={"audio": Output("VIDEO")},
    params=ToneParams,
)
def tone(ctx: NodeContext, params: ToneParams, *, value: int, scene: object = None, shots: object = None) -> dict:
    """Writes a WAV file: a soft sine at 220 Hz × value (scene and shots only pull their node into the run)."""
    import soundfile

    rate = 22_050
    t = np.arange(int(params.seconds * rate)) / rate
    samples = (0.2 * np.sin(2 * np.pi * 220 * max(value, 1) * t)).astype(np.float32)
    path = Path(ctx.output_dir) / "webtest" / f"tone_{ctx.run_id[:8]}_{value}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples, rate)
    return {"audio": MediaFile(path=path, media_type="audio/wav", duration=params.seconds)}


class StoryParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
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


SHOT_COLOURS = ((70, 130, 220), (230, 140, 40), (60, 170, 90))  # one per shot of webtest.frames


class FramesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Param(36, description="How many frames (three shots).", ge=3, le=1000)


@node(
    id="webtest.frames",
    version="1.0.0",
    title="Frames",
    category="test",
    outputs={"frames": Output("FRAMES")},
    params=FramesParams,
)
def frames(ctx: NodeContext, params: FramesParams) -> dict:
    """Lazy 160×90 frames in three shots, each a colour, with a white square moving across."""
    from nodes.datatypes import Frames

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


@node(
    id="webtest.picture",
    version="1.0.0",
    title="Picture",
    category="test",
    outputs={"picture": Output("IMAGE")},
)
def picture(ctx: NodeContext, params: BaseModel) -> dict:
    """A 640×360 picture: a violet-to-teal gradient with a yellow disc."""
    y, x = np.mgrid[0:360, 0:640]
    t = x / 639
    image = np.stack([150 * (1 - t) + 20 * t, 60 * (1 - t) + 170 * t, 200 * (1 - t) + 160 * t], axis=-1)
    image[(x - 320) ** 2 + (y - 180) ** 2 < 80**2] = (250, 210, 40)
    return {"picture": image.astype(np.uint8)}


@node(
    id="webtest.view",
    version="1.0.0",
    title="View",
    category="test",
    output=True,
    inputs={"frames": Input("FRAMES", optional=True), "picture": Input("IMAGE", optional=True)},
    outputs={"seen": Output("INT")},
)
def view(ctx: NodeContext, params: BaseModel, *, frames: object = None, picture: object = None) -> dict:
    """An output node that only pulls its inputs into the run."""
    return {"seen": int(frames is not None) + int(picture is not None)}
