"""The ``audio.mix`` node: effects, music and speech into one stereo track, with ducking and a limiter."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .common import MAX_SECONDS, SampleRate, checked_audio
from .dsp import fit, gain, resample
from .dynamics import duck_envelope, limit

TRACKS = ("effects", "music", "speech", "extra")


class MixParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    effects_db: float = Param(0.0, description="Gain of the effects track in dB.", ge=-60, le=24, step=0.5)
    music_db: float = Param(-4.0, description="Gain of the music track in dB.", ge=-60, le=24, step=0.5)
    speech_db: float = Param(0.0, description="Gain of the speech track in dB.", ge=-60, le=24, step=0.5)
    extra_db: float = Param(0.0, description="Gain of the extra track in dB.", ge=-60, le=24, step=0.5)
    duck_db: float = Param(
        10.0, description="How far music, effects and extra dip while someone speaks (dB; 0 = off).", ge=0, le=40
    )
    duck_attack: float = Param(0.08, description="Seconds the dip takes, starting before the first word.", ge=0.005,
                               le=2.0, step=0.01)  # fmt: skip
    duck_release: float = Param(0.5, description="Seconds the dip lasts after speech stops.", ge=0.01, le=5.0,
                                step=0.05)  # fmt: skip
    ceiling_db: float = Param(-1.0, description="Limiter ceiling for (inter-sample) peaks, dBFS.", ge=-20, le=0,
                              step=0.1)  # fmt: skip
    sample_rate: SampleRate = Param(48000, description="Output rate; inputs at other rates are resampled.")
    duration: float = Param(0.0, description="Length in seconds; 0 = the longest input.", ge=0, le=MAX_SECONDS,
                            step=0.5)  # fmt: skip


def as_stereo(samples: np.ndarray) -> np.ndarray:
    """Mono is centred on both sides; more than two channels fold down to their mean on both sides."""
    if samples.shape[1] == 2:
        return samples
    if samples.shape[1] == 1:
        return np.repeat(samples, 2, axis=1)
    mean = samples.mean(axis=1, keepdims=True, dtype=np.float32)
    return np.repeat(mean, 2, axis=1)


def prepared(tracks: dict[str, Audio], sr: int, duration: float) -> tuple[dict[str, np.ndarray], int]:
    """Every track as (n, 2) float32 at ``sr``, cropped or padded to a common length n."""
    arrays = {name: as_stereo(resample(a.samples, a.sample_rate, sr)) for name, a in tracks.items()}
    n = round(duration * sr) if duration > 0 else max(len(x) for x in arrays.values())
    return {name: fit(x, n) for name, x in arrays.items()}, n


@node(
    id="audio.mix",
    version="1.0.0",
    title="Mix",
    category="audio",
    inputs={name: Input("AUDIO", f"The {name} track.", optional=True) for name in TRACKS},
    outputs={"audio": Output("AUDIO", "Stereo mix, limited to the ceiling.")},
    params=MixParams,
)
def mix(
    ctx: NodeContext,
    params: MixParams,
    *,
    effects: Audio | None = None,
    music: Audio | None = None,
    speech: Audio | None = None,
    extra: Audio | None = None,
) -> dict:
    """Per-track gains, music/effects ducked under speech (with lookahead), then a true-peak-aware
    lookahead limiter; inputs at other rates are resampled and mono is centred."""
    given = {"effects": effects, "music": music, "speech": speech, "extra": extra}
    tracks = {name: checked_audio(name, value) for name, value in given.items() if value is not None}
    if not tracks:
        raise NodeInputError("effects", "connect at least one AUDIO input (effects, music, speech or extra)")
    sr = params.sample_rate
    arrays, n = prepared(tracks, sr, params.duration)
    ctx.progress(1, 3)
    gains = {
        "effects": params.effects_db,
        "music": params.music_db,
        "speech": params.speech_db,
        "extra": params.extra_db,
    }
    out = np.zeros((n, 2), np.float32)
    duck = None
    if "speech" in arrays and params.duck_db > 0 and len(arrays) > 1:
        env = duck_envelope(arrays["speech"], sr, n, params.duck_attack, params.duck_release)
        duck = np.power(np.float32(10.0), env * np.float32(-params.duck_db / 20.0))[:, None]
    for name, x in arrays.items():
        track = x * np.float32(gain(gains[name]))
        out += track * duck if duck is not None and name != "speech" else track
    ctx.progress(2, 3)
    out = limit(out, sr, params.ceiling_db)
    ctx.progress(3, 3)
    return {"audio": Audio(out.astype(np.float32, copy=False), sr)}
