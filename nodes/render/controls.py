"""``render.controls``: the animatic's exact control maps (depth, OpenPose poses, segmentation,
edges) as FRAMES, for ControlNet keyframes and VACE video. See :mod:`.control_maps`."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from nodes.datatypes import Frames
from nodes.scene.model import Scene
from nodes.scene.shots import ShotPlan
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .node import AnimaticParams
from .plan import RenderPlan


class ControlParams(AnimaticParams):
    """The animatic's parameters, one for one (the maps replay its plan), and the segment palette."""

    model_config = ConfigDict(extra="forbid")
    palette: Literal["ade20k", "entity"] = Param(
        "ade20k",
        description="Segmentation colours: ade20k = class colours segmentation ControlNets read (person, car, "
        "sky, road...); entity = one colour per scene entity, the same in every shot.",
    )


@node(
    id="render.controls",
    version="1.0.0",
    title="Control maps",
    category="render",
    inputs={
        "scene": Input("SCENE", "The scene graph the animatic draws."),
        "shots": Input("SHOTS", "The shot plan the animatic follows."),
        "style": Input("STYLE", "The animatic's style (its look decides the edges).", optional=True),
        "frames": Input(
            "FRAMES",
            "The animatic's frames: checks that the maps line up with them (size, rate, count).",
            optional=True,
        ),
    },
    outputs={
        "depth": Output("FRAMES", "Inverse depth, white near, on one scale for the whole video."),
        "pose": Output("FRAMES", "Every person's skeleton in OpenPose's 18-keypoint rendering."),
        "segmentation": Output("FRAMES", "Segments by class (ADE20K colours) or by entity."),
        "edges": Output("FRAMES", "Canny edges of the animatic's picture."),
    },
    params=ControlParams,
    deterministic=True,
)
def controls(
    ctx: NodeContext,
    params: ControlParams,
    *,
    scene: Scene,
    shots: ShotPlan,
    style: object | None = None,
    frames: Frames | None = None,
) -> dict:
    """What the animatic drew, as the maps ControlNets and VACE follow: no estimation, the
    scene's own geometry. Set the same seed, size, fps and keyframe step as the animatic."""
    from .control_maps import MAPS, ControlRenderer  # OpenCV loads only when maps are drawn

    if not isinstance(scene, Scene):
        raise NodeInputError("scene", f"expected a SCENE value, got {type(scene).__name__}")
    if not isinstance(shots, ShotPlan) or not shots.shots:
        raise NodeInputError("shots", "the shot plan has no shots; it needs at least one shot with a duration > 0")
    ctx.progress(0, 2)
    plan = RenderPlan(
        scene,
        shots,
        style,
        width=params.width,
        height=params.height,
        fps=params.fps,
        keyframe_every=params.keyframe_every,
        seed=params.seed,
    )
    if frames is not None:
        check_alignment(frames, plan)
    renderer = ControlRenderer(plan, params.palette)
    ctx.progress(1, 2)
    out = {
        name: Frames(
            renderer.produce(name), count=plan.count, width=plan.width, height=plan.height, fps=plan.fps, cuts=plan.cuts
        )
        for name in MAPS
    }
    ctx.progress(2, 2, out["depth"].read(0, 1)[0])
    return out


def check_alignment(frames: Frames, plan: RenderPlan) -> None:
    """The maps must line up with the animatic frame for frame: refuse a mismatch, naming the fix."""
    ours = (plan.width, plan.height, plan.count, round(plan.fps, 6))
    theirs = (frames.width, frames.height, frames.count, round(frames.fps, 6))
    if ours != theirs:
        raise NodeInputError(
            "frames",
            f"the animatic is {frames.width}x{frames.height}, {frames.count} frames at {frames.fps:g} fr/s, and these "
            f"maps would be {plan.width}x{plan.height}, {plan.count} frames at {plan.fps:g} fr/s: set width, height, "
            "fps and keyframe_every as on the animatic node",
        )
