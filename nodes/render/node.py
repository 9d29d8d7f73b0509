"""``render.animatic``: the procedural renderer as a node (keyframes on any CPU, no weights)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from nodes.datatypes import Frames, Timeline
from nodes.scene.model import Scene
from nodes.scene.shots import ShotPlan
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .layout import build_layout
from .plan import RenderPlan
from .timeline import build_timeline

MAX_SEED = 2**32 - 1
MAX_SECONDS = 600.0


class AnimaticParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(
        0,
        description="Seed for every random choice (crowd, windows, rain); same seed, same video.",
        ge=0,
        le=MAX_SEED,
        widget="seed",
    )
    width: int = Param(
        768, description="Frame width in pixels (16..4096, even: H.264 needs even sizes).", ge=16, le=4096, step=2
    )
    height: int = Param(
        432, description="Frame height in pixels (16..4096, even: H.264 needs even sizes).", ge=16, le=4096, step=2
    )
    fps: int = Param(24, description="Frames per second of the finished video (1..120).", ge=1, le=120)
    keyframe_every: int = Param(
        1,
        description="1 renders every frame; N renders every Nth frame (FRAMES at fps/N) for an interpolator to fill.",
        ge=1,
        le=8,
        advanced=True,
    )

    @field_validator("width", "height")
    @classmethod
    def even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"{value} is odd; use an even size (16..4096), H.264 needs even frame sizes")
        return value


@node(
    id="render.animatic",
    version="1.0.0",
    title="Animatic renderer",
    category="render",
    inputs={
        "scene": Input("SCENE", "The scene graph: setting, entities with attributes and motions."),
        "shots": Input("SHOTS", "The shot plan: timing and camera move per shot; sets the duration."),
        "style": Input("STYLE", "Palette and style axes that tint and grade the whole frame.", optional=True),
        "music": Input(
            "TIMELINE",
            "Optional: audio.analyze's timeline of a song; the camera pulses and the light flashes on its beats, "
            "the camera's energy follows its loudness.",
            optional=True,
        ),
        "voice": Input(
            "TIMELINE",
            "Optional: audio.speech's timeline (or audio.analyze's of a voice file); the main person's mouth "
            "moves with its visemes (eSpeak's phoneme timing) or its loudness.",
            optional=True,
        ),
    },
    outputs={
        "frames": Output("FRAMES", "The rendered frames, produced lazily in chunks, with shot cuts."),
        "layout": Output("LAYOUT", "Per frame, per visible entity: id, name and box in pixels."),
        "timeline": Output("TIMELINE", "Footsteps, flickers, cuts and actions, timed to the picture."),
    },
    params=AnimaticParams,
    deterministic=True,
)
def animatic(
    ctx: NodeContext,
    params: AnimaticParams,
    *,
    scene: Scene,
    shots: ShotPlan,
    style: object | None = None,
    music: Timeline | None = None,
    voice: Timeline | None = None,
) -> dict:
    """Draw the scene procedurally: backgrounds by setting, palette by time of day and style, weather,
    people, animals and vehicles moving by their verbs, and the shot plan's camera. Needs no model
    weights; it is the default keyframe source and a layout source for diffusion models."""
    from .renderer import AnimaticRenderer  # OpenCV loads only when a render actually runs

    if not isinstance(scene, Scene):
        raise NodeInputError("scene", f"expected a SCENE value, got {type(scene).__name__}")
    if not isinstance(shots, ShotPlan) or not shots.shots:
        raise NodeInputError("shots", "the shot plan has no shots; it needs at least one shot with a duration > 0")
    if not 0 < shots.duration <= MAX_SECONDS:
        raise NodeInputError("shots", f"duration {shots.duration} s is outside 0 < duration ≤ {MAX_SECONDS:g} s")
    ctx.progress(0, 3)
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
    layout = build_layout(plan)
    for warning in plan.warnings:
        ctx.log.warning("%s: %s", ctx.node_id, warning)
    ctx.progress(1, 3)
    timeline = build_timeline(plan)
    ctx.progress(2, 3)
    renderer = AnimaticRenderer(plan)
    if voice is not None:
        renderer.speaker, renderer.mouth = talking(plan, voice)
        ctx.log.info("%s: %s talks", ctx.node_id, renderer.speaker or "nobody")
    produce = renderer.produce
    if music is not None:
        produce = music_pulse(plan, music, params.seed).wrap(produce)
    frames = Frames(produce, count=plan.count, width=plan.width, height=plan.height, fps=plan.fps, cuts=plan.cuts)
    ctx.progress(3, 3, frames.read(0, 1)[0])
    return {"frames": frames, "layout": layout, "timeline": timeline}


def music_pulse(plan: RenderPlan, music: Timeline, seed: int):
    """The beat pulse for this render (see :mod:`.music`); refuses a timeline without beats."""
    import numpy as np

    from .music import Pulse

    if not isinstance(music, Timeline):
        raise NodeInputError("music", f"expected a TIMELINE, got {type(music).__name__}")
    if not music.of_kind("beat"):
        raise NodeInputError("music", "the timeline has no beats; connect audio.analyze's timeline of a song")
    times = np.array([plan.time_of(i) for i in range(plan.count)])
    return Pulse(music, times, (plan.width, plan.height), seed)


def talking(plan: RenderPlan, voice: Timeline):
    """(the speaking entity, its mouth openness as a function of time): the most salient person,
    moved by the timeline's visemes, or by its loudness inside speech stretches (a voice file
    through audio.analyze)."""
    import numpy as np

    from nodes.audio.visemes import mouth_track
    from nodes.datatypes import TimelineEvent

    if not isinstance(voice, Timeline):
        raise NodeInputError("voice", f"expected a TIMELINE, got {type(voice).__name__}")
    events = list(voice.of_kind("viseme"))
    if not events:
        spans = [(e.time, e.time + float(e.data.get("duration", 0.0))) for e in voice.of_kind("speech")]
        for e in voice.of_kind("loudness"):
            inside = any(a <= e.time < b for a, b in spans)
            events.append(
                TimelineEvent(e.time, "viseme", None, {"open": float(e.data.get("level", 0.0)) if inside else 0.0})
            )
    if not events:
        raise NodeInputError("voice", "the timeline has no visemes or speech; connect audio.speech's timeline")
    speaker = next((a.entity for a in plan.actors if a.kind == "person"), None)
    return speaker, lambda t: float(mouth_track(events, np.array([t]))[0])
