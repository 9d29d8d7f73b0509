"""The ``audio.effects`` node: sound design from the scene graph, synced to the TIMELINE."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Timeline, TimelineEvent
from nodes.scene.model import Scene
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from . import city, nature, weather
from .canvas import Canvas
from .common import MAX_SECONDS, MAX_SEED, SampleRate, checked_events, resolve_duration, safe_peak
from .cues import CUES, SoundPlan, plan_sounds
from .dsp import filt, gain, normalise_rms, rng_for, white
from .footsteps import cadence, footsteps

Layer = Callable[[Canvas, np.random.Generator, SoundPlan, list[TimelineEvent]], None]

LAYERS: dict[str, Layer] = {
    "rain": weather.rain,
    "thunder": weather.thunder,
    "wind": weather.wind,
    "crowd": city.crowd,
    "city": city.city,
    "neon": city.neon,
    "engine": city.engine,
    "waves": nature.waves,
    "birds": nature.birds,
    "insects": nature.insects,
    "water": nature.water,
    "fire": nature.fire,
    "animal": nature.animal,
}
assert set(LAYERS) | {"footsteps"} == set(CUES)
BED_DB = -5.0  # the ambience bed sits this far under its layers' own levels, so steps read as foreground


class EffectsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(0, description="Same seed, same sound, sample for sample.", ge=0, le=MAX_SEED, widget="seed")
    duration: float = Param(
        0.0, description="Length in seconds; 0 takes the timeline's duration.", ge=0, le=MAX_SECONDS, step=0.5
    )
    sample_rate: SampleRate = Param(48000, description="Samples per second of the output.")
    cues: str = Param(
        "auto",
        description="Which sounds: 'auto' (from the scene), a list that replaces it ('rain, footsteps'), "
        f"or edits ('auto, +birds, -neon'). Known: {', '.join(CUES)}.",
    )
    surface: Literal["auto", "concrete", "wet", "gravel", "wood", "grass", "sand", "snow", "dirt"] = Param(
        "auto", description="Ground under the footsteps; 'auto' reads weather and setting (rain makes it wet)."
    )
    footsteps_db: float = Param(0.0, description="Gain of the footsteps in dB.", ge=-40, le=12, step=0.5)
    ambience_db: float = Param(0.0, description="Gain of everything but the footsteps in dB.", ge=-40, le=12, step=0.5)


def room_tone(c: Canvas, seed: int) -> None:
    """Barely-there air, so that a scene with no named sound is still not digital silence."""
    rng = rng_for(seed, "room")
    c.low += normalise_rms(filt(white(rng, c.n_low, 2), "lowpass", 1200.0, c.low_sr), -58.0)


def render_effects(
    plan: SoundPlan,
    events: list[TimelineEvent],
    duration: float,
    sr: int,
    seed: int,
    ambience_db: float = 0.0,
    footsteps_db: float = 0.0,
    progress: Callable[[float, float], None] | None = None,
) -> np.ndarray:
    """Every layer of ``plan`` on one canvas, (n, 2) float32. The ambience is scaled before the
    footsteps are drawn over it, so the two gains cost no extra pass over the audio.
    ``progress(done, total)`` is called between layers."""
    canvas = Canvas.create(sr, duration)
    ambient = [c for c in plan.cues if c != "footsteps"]
    for i, cue in enumerate(ambient):
        if progress:
            progress(i, len(plan.cues) + 1)
        LAYERS[cue](canvas, rng_for(seed, cue), plan, events)
    if not ambient:
        room_tone(canvas, seed)
    canvas.scale(gain(BED_DB + ambience_db))
    if "footsteps" in plan.cues:
        rng = rng_for(seed, "footsteps")
        contacts = [e for e in events if e.kind == "footstep"] or cadence(plan, duration, rng)
        footsteps(canvas, rng, plan, contacts, footsteps_db)
    return canvas.render()


@node(
    id="audio.effects",
    version="1.0.0",
    title="Sound effects",
    category="audio",
    inputs={
        "scene": Input("SCENE", "What is where: setting, weather, lighting, crowd, entities, audio cues.", True),
        "timeline": Input("TIMELINE", "Foot contacts and light flickers from the renderer, to sync to.", True),
    },
    outputs={"audio": Output("AUDIO", "Stereo effects: ambience layers plus footsteps.")},
    params=EffectsParams,
)
def effects(
    ctx: NodeContext, params: EffectsParams, *, scene: Scene | None = None, timeline: Timeline | None = None
) -> dict:
    """Procedural sound design: rain, footsteps on the TIMELINE's foot contacts (to the sample),
    crowd murmur, city hum, neon buzz dropping out on flickers, wind, waves, birds, engines and
    more, chosen from the scene and deterministic per seed."""
    if scene is None and timeline is None and params.cues.strip().lower() in ("", "auto"):
        raise NodeInputError("scene", "connect a scene or a timeline, or name the sounds in 'cues' (e.g. 'rain, wind')")
    if scene is not None and not hasattr(scene, "settings"):
        raise NodeInputError("scene", f"expected a SCENE, got {type(scene).__name__}")
    duration = resolve_duration(params.duration, timeline)
    events = checked_events(timeline, duration)
    plan = plan_sounds(scene, params.cues, params.surface, events)
    if plan.ignored:
        ctx.log.info("audio.effects: no synthesiser for cue(s) %s; skipped", ", ".join(plan.ignored))
    samples = render_effects(
        plan, events, duration, params.sample_rate, params.seed, params.ambience_db, params.footsteps_db, ctx.progress
    )
    ctx.progress(1, 1)
    return {"audio": Audio(safe_peak(samples), params.sample_rate)}
