"""The ``scene.shots`` node: scene graph -> timed shot list (and a storyboard of it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .model import Scene


class ShotsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    duration: float = Param(10.0, description="Total length of the video in seconds.", ge=1.0, le=600.0, step=0.5)
    max_shots: int = Param(6, description="At most this many shots (fewer when the text is short).", ge=1, le=48)
    min_shot: float = Param(
        1.5, description="Shortest shot in seconds; shorter beats are merged.", ge=0.5, le=60.0, step=0.5, advanced=True
    )


@node(
    id="scene.shots",
    version="1.0.0",
    title="Shot plan",
    category="scene",
    inputs={"scene": Input("SCENE", "The scene graph.")},
    outputs={
        "shots": Output("SHOTS", "Shots with timing, subject, action, camera move and a prompt each."),
        "storyboard": Output("IMAGE", "The shots drawn as a storyboard strip."),
    },
    params=ShotsParams,
)
def scene_shots(ctx: NodeContext, params: ShotsParams, *, scene: Scene) -> dict:
    """Cut the scene into shots in the order of the sentences, with durations that add up to
    the total, a camera move per shot (the prompt's own "zoom in on", "drone shot", "the camera
    pans" first) and a prompt per shot for image or video models."""
    from .plan import plan_shots
    from .storyboard import storyboard

    if not isinstance(scene, Scene):
        raise NodeInputError("scene", "expected a scene graph from scene.graph")
    ctx.progress(0, 2)
    plan = plan_shots(scene, params.duration, params.max_shots, params.min_shot)
    ctx.progress(1, 2)
    board = storyboard(scene, plan).to_array()
    ctx.progress(2, 2, board)
    return {"shots": plan, "storyboard": board}
