"""audio.diffuse: a sound bed from Stable Audio or AudioLDM 2, or music (with lyrics) from
ACE-Step, prompted by the scene's audio cues or a text."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio
from nodes.diffusion.common import generator, require, running
from nodes.diffusion.families import fit_call
from nodes.diffusion.progress import StepReporter
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

MAX_SEED = 2**32 - 1
# each family's length argument
SECONDS = {"stable_audio": "audio_end_in_s", "ace_step": "audio_duration", "audioldm2": "audio_length_in_s"}


class AudioParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(0, description="Seed.", ge=0, le=MAX_SEED, widget="seed")
    seconds: float = Param(
        10.0, description="Length of the sound (StableAudio Open makes up to 47 s).", ge=0.5, le=600.0, step=0.5
    )
    steps: int = Param(100, description="Denoising steps.", ge=1, le=500)
    guidance: float = Param(7.0, description="Classifier-free guidance.", ge=0.0, le=30.0, step=0.5)
    negative_prompt: str = Param(
        "low quality, distorted, music", description="What to avoid (Stable Audio, AudioLDM 2).", multiline=True
    )
    lyrics: str = Param(
        "",
        description="ACE-Step: words to sing, with [verse]/[chorus] tags; empty = instrumental.",
        multiline=True,
    )


@node(
    id="audio.diffuse",
    version="1.0.0",
    title="Diffuse sound",
    category="audio",
    inputs={
        "pipeline": Input(
            "PIPELINE", "A text-to-audio model: Stable Audio, AudioLDM 2 (sound, music), ACE-Step (music, songs)."
        ),
        "scene": Input("SCENE", "The scene: its audio cues, weather and place make the prompt.", optional=True),
        "text": Input("TEXT", "A sound prompt; used instead of the scene when connected.", optional=True),
    },
    outputs={"audio": Output("AUDIO", "The generated sound.")},
    params=AudioParams,
    resource="gpu",
    persist=True,
    deterministic=False,
)
def audio_diffuse(
    ctx: NodeContext, params: AudioParams, *, pipeline: Any, scene: Any = None, text: str | None = None
) -> dict:
    """Ambience and effects for the scene with StableAudio: rain, footsteps, crowd, traffic..."""
    handle = require(pipeline, ("text2audio",))
    if handle.family not in SECONDS:
        raise NodeInputError(
            "pipeline",
            f"{handle.class_name} is a text-to-audio model audio.diffuse does not drive yet (it drives Stable Audio, "
            "AudioLDM 2 and ACE-Step)",
        )
    if params.lyrics.strip() and handle.family != "ace_step":
        raise NodeInputError("lyrics", f"{handle.class_name} does not sing: lyrics are for ACE-Step; leave them empty")
    prompt = text.strip() if text and text.strip() else scene_prompt(scene)
    reporter = StepReporter(ctx, 1, params.steps, handle.family)
    with running(handle, "text2audio") as pipe:
        limit = max_seconds(pipe)
        if limit is not None and params.seconds > limit + 1e-6:
            raise NodeInputError("seconds", f"this model makes at most {limit:.2f} s; ask for that or less")
        reporter.start_call()
        call = {
            "prompt": prompt,
            "negative_prompt": params.negative_prompt or None,
            "lyrics": params.lyrics,
            SECONDS[handle.family]: params.seconds,
            "num_inference_steps": params.steps,
            "guidance_scale": params.guidance,
            "generator": generator(handle, ctx.seed),
            "output_type": "np",
            "callback": partial(reporter.legacy, pipe=pipe),
            "callback_steps": 1,
        }
        out = pipe(**fit_call(handle.family, pipe, call))
        rate = sample_rate(pipe)
    reporter.end_call()
    audios = out.audios.detach().float().cpu().numpy() if hasattr(out.audios, "detach") else out.audios
    samples = np.asarray(audios[0], dtype=np.float32).T  # (channels, n) -> (n, channels)
    if samples.ndim == 1:  # AudioLDM 2 makes mono
        samples = samples[:, None]
    ctx.log.info("sound %.2f s at %d Hz: %s", samples.shape[0] / rate, rate, prompt[:80])
    return {"audio": Audio(np.ascontiguousarray(np.clip(samples, -1.0, 1.0)), rate)}


def sample_rate(pipe: Any) -> int:
    """The waveform's rate: the pipeline's, its vocoder's (AudioLDM 2), or its audio VAE's."""
    vocoder = getattr(getattr(pipe, "vocoder", None), "config", None)
    rate = getattr(pipe, "sample_rate", None) or getattr(vocoder, "sampling_rate", None) or pipe.vae.sampling_rate
    return int(rate)


def max_seconds(pipe: Any) -> float | None:
    try:
        return pipe.transformer.config.sample_size * pipe.vae.hop_length / pipe.vae.sampling_rate
    except AttributeError:
        return None


def scene_prompt(scene: Any) -> str:
    """'rain, footsteps, crowd, ambience of a street, at night' from the scene's settings."""
    if scene is None:
        raise NodeInputError("scene", "connect a scene (its audio cues make the prompt) or a text prompt")
    settings = scene.settings
    cues = list(dict.fromkeys([*settings.get("audio_cues", []), *settings.get("weather", [])]))
    place = settings.get("location") or str(settings.get("setting", "")).replace("_", " ")
    parts = [*cues]
    if place and place != "generic":
        parts.append(f"ambience of a {place}")
    if settings.get("time_of_day"):
        parts.append(f"at {settings['time_of_day']}")
    if not parts:
        raise NodeInputError("scene", "the scene has no audio cues, weather or place to describe; connect a text")
    return ", ".join(parts) + ", high quality field recording"
