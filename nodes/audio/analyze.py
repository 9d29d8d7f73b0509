"""The ``audio.analyze`` node: a song or a voice as a TIMELINE the picture can follow."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Timeline, TimelineEvent
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node

from .common import checked_audio


class AnalyzeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    beats_per_bar: Literal[2, 3, 4, 6] = Param(
        4, description="The metre: beats in a bar (4 for most pop, 3 for waltz)."
    )
    tempo_hint: float = Param(
        0.0, description="Expected beats per minute to start the tracker from; 0 lets it guess.", ge=0, le=300, step=1
    )
    envelope_rate: float = Param(
        10.0, description="Loudness and brightness samples per second.", ge=1.0, le=60.0, step=1.0, advanced=True
    )
    speech: bool = Param(True, description="Also look for speech (voice-like stretches).")


@node(
    id="audio.analyze",
    version="1.0.0",
    title="Analyze audio",
    category="audio",
    inputs={"audio": Input("AUDIO", "A song, a voice or any sound to cut and move the picture to.")},
    outputs={
        "timeline": Output(
            "TIMELINE",
            "'tempo' (at 0: bpm, beats_per_bar), 'beat' and 'downbeat' (index, bar, beat), 'onset' (strength), "
            "'loudness' (db, level 0..1), 'brightness' (hz, level 0..1) and 'speech' (duration, end).",
        )
    },
    params=AnalyzeParams,
)
def analyze(ctx: NodeContext, params: AnalyzeParams, *, audio: Audio) -> dict:
    """Tempo, beats and bars, onsets, a loudness and a brightness envelope, and speech stretches,
    found with librosa, as timed events beside the renderer's footsteps and flickers."""
    from .rhythm import analyse

    audio = checked_audio("audio", audio)
    ctx.progress(0, 2)
    a = analyse(audio.samples, audio.sample_rate, params.beats_per_bar, params.tempo_hint, params.envelope_rate,
                params.speech)  # fmt: skip
    ctx.progress(1, 2)
    events = [TimelineEvent(0.0, "tempo", None, {"bpm": round(a.tempo, 2), "beats_per_bar": a.beats_per_bar})]
    for i, t in enumerate(a.beats):
        bar, beat = divmod(i - a.phase, a.beats_per_bar)  # bar −1: beats before the first downbeat
        data = {"index": i, "bar": bar, "beat": beat}
        events.append(TimelineEvent(float(t), "beat", None, data))
        if beat == 0:
            events.append(TimelineEvent(float(t), "downbeat", None, data))
    for t, s in zip(a.onsets, a.onset_strength):
        events.append(TimelineEvent(float(t), "onset", None, {"strength": round(float(s), 3)}))
    for t, db, level, hz, bright in zip(a.envelope_times, a.loudness_db, a.loudness, a.brightness_hz, a.brightness):
        events.append(
            TimelineEvent(float(t), "loudness", None, {"db": round(float(db), 2), "level": round(float(level), 3)})
        )
        events.append(
            TimelineEvent(float(t), "brightness", None, {"hz": round(float(hz), 1), "level": round(float(bright), 3)})
        )
    for start, end in a.speech:
        events.append(TimelineEvent(start, "speech", None, {"duration": round(end - start, 3), "end": end}))
    events.sort(key=lambda e: (e.time, e.kind))
    ctx.log.info("%s: %.1f bpm, %d beats, %d bars, %d onsets, %d speech stretches", ctx.node_id, a.tempo,
                 len(a.beats), len(a.downbeats), len(a.onsets), len(a.speech))  # fmt: skip
    ctx.progress(2, 2)
    return {"timeline": Timeline(duration=round(audio.duration, 6), events=tuple(events))}
