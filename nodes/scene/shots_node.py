"""The ``scene.shots`` node: scene graph -> timed shot list (and a storyboard of it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Timeline
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .model import Scene
from .shots import ShotPlan


class ShotsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    duration: float = Param(10.0, description="Total length of the video in seconds.", ge=1.0, le=600.0, step=0.5)
    max_shots: int = Param(6, description="At most this many shots (fewer when the text is short).", ge=1, le=48)
    min_shot: float = Param(
        1.5, description="Shortest shot in seconds; shorter beats are merged.", ge=0.5, le=60.0, step=0.5, advanced=True
    )
    bars_per_shot: int = Param(
        2, description="With a music timeline: cut every this many bars (the video lasts as long as the music).",
        ge=1, le=32,
    )  # fmt: skip


@node(
    id="scene.shots",
    version="1.0.0",
    title="Shot plan",
    category="scene",
    inputs={
        "scene": Input("SCENE", "The scene graph."),
        "timeline": Input(
            "TIMELINE", "Optional: music from audio.analyze; shots then cut on its bar lines and last as long.", True
        ),
    },
    outputs={
        "shots": Output("SHOTS", "Shots with timing, subject, action, camera move and a prompt each."),
        "storyboard": Output("IMAGE", "The shots drawn as a storyboard strip."),
    },
    params=ShotsParams,
)
def scene_shots(ctx: NodeContext, params: ShotsParams, *, scene: Scene, timeline: Timeline | None = None) -> dict:
    """Cut the scene into shots in the order of the sentences, with durations that add up to
    the total, a camera move per shot (the prompt's own "zoom in on", "drone shot", "the camera
    pans" first) and a prompt per shot for image or video models. With a music TIMELINE the
    plan lasts as long as the music and every cut falls on a bar line."""
    from .plan import plan_shots
    from .storyboard import storyboard

    if not isinstance(scene, Scene):
        raise NodeInputError("scene", "expected a scene graph from scene.graph")
    ctx.progress(0, 2)
    plan = plan_shots(scene, params.duration, params.max_shots, params.min_shot)
    if timeline is not None:
        plan = music_plan(plan, timeline, params)
    ctx.progress(1, 2)
    board = storyboard(scene, plan).to_array()
    ctx.progress(2, 2, board)
    return {"shots": plan, "storyboard": board}


def music_plan(plan: ShotPlan, timeline: Timeline, params: ShotsParams) -> ShotPlan:
    """The plan cut to the timeline's bars (see :mod:`.music`); refuses a timeline with no beats."""
    from .music import cut_to_music

    if not isinstance(timeline, Timeline):
        raise NodeInputError("timeline", f"expected a TIMELINE, got {type(timeline).__name__}")
    if not timeline.of_kind("beat") and not timeline.of_kind("downbeat"):
        raise NodeInputError("timeline", "the timeline has no beats; connect audio.analyze's timeline of a song")
    if not 1.0 <= timeline.duration <= 600.0:
        raise NodeInputError("timeline", f"the music lasts {timeline.duration:g} s; it must be 1 to 600 s")
    return cut_to_music(plan, timeline, params.bars_per_shot, params.min_shot)
