"""The ``audio.music`` node: a music bed whose key, chords, tempo and instruments follow the style."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Timeline
from nodes.scene.model import Scene
from nodes.style.model import Style
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .canvas import Canvas
from .common import MAX_SECONDS, MAX_SEED, SampleRate, resolve_duration, safe_peak
from .compose import mood_from_style, score
from .dsp import normalise_rms, rng_for
from .synth import perform


class MusicParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(0, description="Same seed, same music, sample for sample.", ge=0, le=MAX_SEED, widget="seed")
    duration: float = Param(
        0.0, description="Length in seconds; 0 takes the timeline's duration.", ge=0, le=MAX_SECONDS, step=0.5
    )
    sample_rate: SampleRate = Param(48000, description="Samples per second of the output.")
    tempo: float = Param(0.0, description="Beats per minute; 0 lets the style choose (60–132).", ge=0, le=200, step=1)
    key: str = Param(
        "auto", description="'auto' (the style picks major or minor), or e.g. 'A minor', 'F# major', 'Bb'."
    )
    level_db: float = Param(-20.0, description="Loudness of the bed as RMS dBFS.", ge=-60, le=-6, step=0.5)
    fade: float = Param(1.5, description="Fade-out at the end in seconds (and a short fade-in).", ge=0, le=30, step=0.1)


def fades(samples: np.ndarray, sr: int, fade_out: float) -> None:
    """A 50 ms fade-in (no click at the start) and a ``fade_out`` s fade at the end, in place."""
    n = len(samples)
    a = min(int(0.05 * sr), n)
    samples[:a] *= np.linspace(0, 1, a, dtype=np.float32)[:, None]
    b = min(int(fade_out * sr), n)
    if b > 0:
        samples[n - b :] *= np.linspace(1, 0, b, dtype=np.float32)[:, None] ** 2


@node(
    id="audio.music",
    version="1.0.0",
    title="Music bed",
    category="audio",
    inputs={
        "style": Input("STYLE", "The look, which sets the mood: warm → major and slow, noir/neon → minor synths."),
        "scene": Input("SCENE", "Optional: night scenes darken the mood, nature settings soften it.", True),
        "timeline": Input("TIMELINE", "Optional: its duration is used when duration is 0.", True),
    },
    outputs={"audio": Output("AUDIO", "Stereo music: pad, bass, arpeggio, a lead melody and drums as the style asks.")},
    params=MusicParams,
)
def music(
    ctx: NodeContext,
    params: MusicParams,
    *,
    style: Style,
    scene: Scene | None = None,
    timeline: Timeline | None = None,
) -> dict:
    """Compose and synthesise a music bed: chords in a key and tempo chosen from the style's axes,
    played by a pad, a bass, an arpeggio (or bells), a lead melody in phrases over the chords and,
    for synthetic styles, a beat."""
    if not hasattr(style, "axis"):
        raise NodeInputError("style", f"expected a STYLE, got {type(style).__name__}")
    duration = resolve_duration(params.duration, timeline)
    rng = rng_for(params.seed, "music")
    mood = mood_from_style(style, scene, rng, params.tempo, params.key)
    ctx.log.info("audio.music: %s at %.0f bpm, %s pad", mood.key, mood.tempo, mood.pad)
    canvas = Canvas.create(params.sample_rate, duration)
    perform(canvas, mood, score(mood, duration, rng), rng, ctx.progress)
    out = normalise_rms(canvas.render(), params.level_db)
    fades(out, params.sample_rate, min(params.fade, duration / 3))
    ctx.progress(1, 1)
    return {"audio": Audio(safe_peak(out), params.sample_rate)}
