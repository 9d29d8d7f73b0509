"""The ``audio.speech`` node: text to speech with eSpeak NG, or a VITS / MMS-TTS model."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Timeline
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .common import MAX_SEED
from .dsp import normalise_peak, resample
from .visemes import from_envelope, from_phonemes

MAX_TEXT = 20_000
DEFAULT_RATE = 165


class SpeechParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    backend: Literal["espeak", "vits"] = Param(
        "espeak", description="'espeak': eSpeak NG, any CPU, no model. 'vits': a VITS/MMS-TTS model (model_path)."
    )
    voice: str = Param("en-us", description="eSpeak voice, e.g. en-us, en-gb, de, fr, es, ja (espeak only).")
    rate: int = Param(DEFAULT_RATE, description="Speaking rate in words per minute (VITS: relative to 165).", ge=80,
                      le=450)  # fmt: skip
    pitch: int = Param(50, description="Voice pitch, 0–99 (espeak only).", ge=0, le=99)
    model_path: str = Param("", description="A VITS/MMS-TTS model: a save_pretrained folder or a hub id already in "
                            "the local cache, e.g. facebook/mms-tts-eng. Nothing is downloaded.",
                            widget="model", model_kinds=("speech",), model_optional=True)  # fmt: skip
    device: Literal["auto", "cpu", "cuda"] = Param("auto", description="Where VITS runs.", advanced=True)
    seed: int = Param(0, description="VITS draws durations and prosody from noise; same seed, same voice.", ge=0,
                      le=MAX_SEED, widget="seed")  # fmt: skip
    start: float = Param(0.0, description="Seconds of silence before the first word.", ge=0, le=600, step=0.1)
    sample_rate: Literal[16000, 22050, 24000, 44100, 48000] = Param(48000, description="Output samples per second.")


def speak(ctx: NodeContext, params: SpeechParams, text: str) -> tuple[np.ndarray, int, list | None]:
    """Mono samples, their rate and eSpeak's phoneme events (None from VITS) from the chosen
    backend; backend errors become NodeInputErrors."""
    if params.backend == "espeak":
        from .espeak import EspeakError, UnknownVoice, synthesize_with_phonemes

        try:
            samples, sr, _, phonemes = synthesize_with_phonemes(text, params.voice, params.rate, params.pitch)
        except UnknownVoice as exc:
            raise NodeInputError("voice", f"eSpeak NG has no voice {params.voice!r} ({exc}); try en-us, en-gb, de, fr")
        except EspeakError as exc:
            raise NodeInputError("backend", str(exc)) from exc
        return samples, sr, phonemes or None
    if not params.model_path.strip():
        raise NodeInputError("model_path", "backend 'vits' needs model_path: a VITS/MMS-TTS folder or cached hub id")
    from server.models import DeviceUnavailable, ModelError, OutOfMemory, manager_for

    from .vits import VitsError
    from .vits import synthesize as vits_synthesize

    rate = params.rate / DEFAULT_RATE
    try:
        samples, sr = vits_synthesize(
            text, params.model_path.strip(), params.seed, rate, params.device, manager_for(ctx.models)
        )
        return samples, sr, None
    except DeviceUnavailable as exc:
        raise NodeInputError("device", str(exc)) from exc
    except OutOfMemory:
        raise  # the manager has unloaded everything; not a problem with the parameters
    except (ModelError, VitsError) as exc:
        raise NodeInputError("model_path", str(exc)) from exc


@node(
    id="audio.speech",
    version="1.0.0",
    title="Speech",
    category="audio",
    inputs={"text": Input("TEXT", "What to say.")},
    outputs={
        "audio": Output("AUDIO", "Mono speech, peak -3 dBFS, after `start` seconds of silence."),
        "timeline": Output(
            "TIMELINE",
            "'viseme' events (data.open 0..1, data.phoneme from eSpeak) that move a speaking figure's mouth "
            "in render.animatic: eSpeak's own phoneme timing, or VITS audio's loudness.",
        ),
    },
    params=SpeechParams,
)
def speech(ctx: NodeContext, params: SpeechParams, *, text: str) -> dict:
    """Narration or dialogue from text: eSpeak NG out of the box (bundled by the espeakng-loader
    wheel, no root needed), or a VITS/MMS-TTS model through the model manager."""
    if not isinstance(text, str) or not text.strip():
        raise NodeInputError("text", "the text to speak is empty; connect a prompt or type some words")
    if len(text) > MAX_TEXT:
        raise NodeInputError("text", f"the text is {len(text):,} characters; speak at most {MAX_TEXT:,} at a time")
    ctx.progress(0, 2)
    samples, sr, phonemes = speak(ctx, params, text.strip())
    if samples.size == 0 or not np.isfinite(samples).all():
        raise NodeInputError("text", f"the {params.backend} backend produced no usable audio for this text")
    out = resample(normalise_peak(samples.astype(np.float32), -3.0)[:, None], sr, params.sample_rate)
    lead = np.zeros((round(params.start * params.sample_rate), 1), np.float32)
    audio = Audio(np.concatenate([lead, out]).astype(np.float32), params.sample_rate)
    offset = lead.shape[0] / params.sample_rate
    events = from_phonemes(phonemes, sr, offset) if phonemes else from_envelope(out, params.sample_rate, offset)
    ctx.progress(2, 2)
    return {"audio": audio, "timeline": Timeline(round(audio.duration, 6), tuple(events))}
