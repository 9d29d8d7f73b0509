"""video.diffuse: text-to-video and image-to-video, one clip per shot.

Without input frames each clip comes from its prompt alone. With frames (keyframes, or
the animatic) each clip is conditioned the way its family allows:
- AnimateDiff: video-to-video from the shot's frames (the animatic's motion and layout);
- Wan image-to-video: from the shot's first frame, and its last frame for the FLF2V model;
- LTX-Video: keyframes at frame indices (the shot's first, ..., last frame);
- CogVideoX image-to-video: from the shot's first frame.
- Wan 2.2 TI2V-5B: the same weights do text-to-video and, with frames, image-to-video;
- SkyReels-V2 image-to-video, HunyuanVideo 1.5 image-to-video, LTX-2: from the first frame
  (HunyuanVideo 1.5 makes the size of its bucket nearest the picture's aspect);
- Stable Video Diffusion: animates the shot's first frame (it takes no prompt);
- LTX-2: makes each clip's sound with its picture (the ``audio`` output);
- Wan VACE: follows control maps (render.controls: depth, poses, edges...) frame by frame, with
  the shot's first keyframe as its reference picture.
Family differences in guidance and shift are :mod:`.families`' job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Frames
from nodes.diffusion.common import (
    accepts,
    call_default,
    frame_size,
    generator,
    require,
    running,
    temporal_ratio,
    to_pil,
    to_uint8,
)
from nodes.diffusion.control import check_maps
from nodes.diffusion.families import fit_call, guided, picked_size, shifted
from nodes.diffusion.progress import StepReporter
from nodes.diffusion.timing import is_strip, shot_frames, shot_span
from nodes.scene.shots import Shot, ShotPlan
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

MAX_SEED = 2**32 - 1
SILENT_RATE = 48_000
FIRST_LAST = ("wan", "wan22", "skyreels_v2")  # families whose FLF2V models also take the last frame


class VideoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(0, description="Seed of the first clip; clip i uses seed + i.", ge=0, le=MAX_SEED, widget="seed")
    steps: int = Param(30, description="Denoising steps per clip.", ge=1, le=150)
    guidance: float = Param(5.0, description="Classifier-free guidance.", ge=0.0, le=30.0, step=0.5)
    guidance_2: float = Param(
        0.0,
        description="Wan 2.2 A14B: guidance of the second (low-noise) expert; 0 = the same as guidance.",
        ge=0.0,
        le=30.0,
        step=0.5,
        advanced=True,
    )
    shift: float = Param(
        0.0,
        description="Flow-matching models (Wan, SkyReels, LTX, HunyuanVideo): timestep shift of the noise "
        "schedule; higher spends more steps on composition. 0 = the model's own.",
        ge=0.0,
        le=30.0,
        step=0.5,
        advanced=True,
    )
    negative_prompt: str = Param("blurry, low quality, distorted, static", description="What to avoid.", multiline=True)
    clip_frames: int = Param(
        0,
        description="Frames per clip; 0 = the shot's duration at fps (text alone: the "
        "model's native length). Rounded to the nearest length the model accepts (e.g. 4k+1 for Wan).",
        ge=0,
        le=1024,
    )
    fps: float = Param(16.0, description="Frame rate of the output.", ge=1.0, le=60.0, step=1.0)
    width: int = Param(0, description="Width in pixels; 0 = the model's native size.", ge=0, le=4096, step=8)
    height: int = Param(0, description="Height in pixels; 0 = the model's native size.", ge=0, le=4096, step=8)
    strength: float = Param(
        0.8,
        description="AnimateDiff with input frames: how far the video may move from them (1 = ignore them).",
        ge=0.05,
        le=1.0,
        step=0.05,
    )
    keyframes: int = Param(
        2,
        description="LTX-Video with a timed input (animatic): conditioning frames per clip, "
        "spread from its first to its last frame.",
        ge=1,
        le=16,
    )


@dataclass(frozen=True)
class Clip:
    prompt: str
    shot: Shot | None


@node(
    id="video.diffuse",
    version="1.0.0",
    title="Diffuse video",
    category="video",
    inputs={
        "pipeline": Input(
            "PIPELINE",
            "A video model: Wan 2.1/2.2, SkyReels-V2, HunyuanVideo 1.5, LTX-Video, LTX-2, CogVideoX, "
            "AnimateDiff, Stable Video Diffusion.",
        ),
        "shots": Input("SHOTS", "One clip per shot, from its prompt and duration.", optional=True),
        "text": Input("TEXT", "One clip from this prompt (when no shots are connected).", optional=True),
        "frames": Input("FRAMES", "Keyframes or animatic frames to start each clip from.", optional=True),
        "control": Input(
            "FRAMES", "Control maps (render.controls) each clip follows frame by frame: Wan VACE models.", optional=True
        ),
    },
    outputs={
        "frames": Output("FRAMES", "The clips back to back, a cut between each."),
        "audio": Output(
            "AUDIO", "The clips' own soundtrack (LTX-2 makes sound with its video), in sync; silence for other models."
        ),
    },
    params=VideoParams,
    resource="gpu",
    persist=True,
    deterministic=False,
)
def video_diffuse(
    ctx: NodeContext,
    params: VideoParams,
    *,
    pipeline: Any,
    shots: ShotPlan | None = None,
    text: str | None = None,
    frames: Frames | None = None,
    control: Frames | None = None,
) -> dict:
    """Video clips from text (text-to-video) or from keyframes / the animatic (image-to-video)."""
    conditioned = frames is not None and frames.count > 0
    vace = getattr(pipeline, "family", None) == "wan_vace"
    kind = "image2video" if conditioned and not vace else "text2video"  # VACE takes pictures as references
    handle = require(pipeline, (kind,))
    if control is not None and not vace:
        raise NodeInputError(
            "control",
            f"{handle.class_name} does not follow control maps: load a Wan VACE model "
            "(e.g. Wan-AI/Wan2.1-VACE-1.3B-diffusers), or steer the keyframes with a ControlNet instead",
        )
    clips = _clips(shots, text)
    reporter = StepReporter(ctx, len(clips), params.steps, handle.family)
    with running(handle, kind, loras=False) as pipe:
        width, height = _size(pipe, params, frames if conditioned else None)
    if control is not None:
        check_maps(control, shots, width, height)
    videos, sounds = [], []
    for i, clip in enumerate(clips):
        with running(handle, kind) as pipe:
            call = _base_call(pipe, handle, params, reporter, clip, width, height, ctx.seed + i)
            if conditioned:
                call.update(_conditioning(handle.family, pipe, frames, i, clip.shot, len(clips), call, params))
            if control is not None:
                count = call.get("num_frames") or _frame_count(pipe, params, clip.shot)
                maps = shot_frames(control, i, clip.shot, len(clips), count)
                call["video"] = [to_pil(m, width, height) for m in maps]
            call = fit_call(handle.family, pipe, call, guidance_2=params.guidance_2)
            reporter.start_call(_packed_grid(pipe, width, height))
            with shifted(pipe, params.shift), guided(pipe, handle.family, params.guidance):
                out = pipe(**call)
                videos.append(to_uint8(out.frames)[0])
                sounds.append(soundtrack(pipe, out))
        reporter.end_call()
        ctx.log.info("clip %d/%d: %d frames, %s", i + 1, len(clips), len(videos[-1]), clip.prompt[:80])
    cuts = tuple(np.cumsum([len(v) for v in videos[:-1]]).tolist())
    audio = join_sounds(sounds, [len(v) for v in videos], params.fps)
    if not any(s is not None for s in sounds):
        ctx.log.info("%s makes no sound: the audio output is silence", handle.class_name)
    return {"frames": Frames.from_array(np.concatenate(videos), fps=params.fps, cuts=cuts), "audio": audio}


def soundtrack(pipe: Any, out: Any) -> tuple[np.ndarray, int] | None:
    """The clip's own sound (LTX-2 denoises audio with the video): (samples (n, channels), rate)."""
    audio = getattr(out, "audio", None)
    vocoder = getattr(pipe, "vocoder", None)
    if audio is None or vocoder is None:
        return None
    samples = audio.detach().float().cpu().numpy() if hasattr(audio, "detach") else np.asarray(audio, np.float32)
    samples = np.ascontiguousarray(np.clip(samples[0].T, -1.0, 1.0), dtype=np.float32)  # (channels, n) -> (n, ch)
    rate = getattr(vocoder.config, "output_sampling_rate", None) or getattr(vocoder.config, "sampling_rate", 16000)
    return samples, int(rate)


def join_sounds(sounds: list[tuple[np.ndarray, int] | None], lengths: list[int], fps: float) -> Audio:
    """The clips' sounds back to back, each cut or padded with silence to its clip's duration so
    that sound and picture stay in sync across the cuts; silence for clips without sound."""
    made = [s for s in sounds if s is not None]
    rate = made[0][1] if made else SILENT_RATE
    channels = max((s[0].shape[1] for s in made), default=2)
    parts = []
    for sound, frames in zip(sounds, lengths, strict=True):
        n = round(frames / fps * rate)
        part = np.zeros((n, channels), np.float32)
        if sound is not None:
            samples = sound[0][:n]
            part[: len(samples), : samples.shape[1]] = samples
        parts.append(part)
    return Audio(np.concatenate(parts), rate)


def _size(pipe: Any, params: VideoParams, frames: Frames | None) -> tuple[int, int]:
    """The clips' (width, height): the node's, or the model's native size; for a model that picks
    its own size from the picture (HunyuanVideo 1.5 image-to-video) the one it will make."""
    asked = bool(params.width or params.height)
    if frames is not None and not asked and not accepts(pipe, "width"):
        width, height = frame_size(pipe, frames.width, frames.height)  # the pictures' aspect
    else:
        width, height = frame_size(pipe, params.width, params.height)
    return picked_size(pipe, width, height, asked=asked)


def _clips(shots: ShotPlan | None, text: str | None) -> list[Clip]:
    if shots is not None and shots.shots:
        return [Clip(shot.prompt, shot) for shot in shots.shots]
    if text and text.strip():
        return [Clip(text.strip(), None)]
    raise NodeInputError("shots", "connect a shot plan (one clip per shot) or a text prompt (one clip)")


def _frame_count(pipe: Any, params: VideoParams, shot: Shot | None) -> int:
    ratio = temporal_ratio(pipe)
    if params.clip_frames:
        count = params.clip_frames
    elif shot is not None:
        count = max(1, round(shot.duration * params.fps))
    else:
        count = call_default(pipe, "num_frames") or 16
    return max(1, (count - 1 + (ratio - 1) // 2) // ratio * ratio + 1)  # the nearest length it accepts (ties down)


def _base_call(
    pipe: Any, handle: Any, params: VideoParams, reporter: StepReporter, clip: Clip, width: int, height: int, seed: int
) -> dict[str, Any]:
    call: dict[str, Any] = {
        "prompt": clip.prompt,
        "negative_prompt": params.negative_prompt or None,
        "num_inference_steps": params.steps,
        "guidance_scale": params.guidance,
        "generator": generator(handle, seed),
        "width": width,
        "height": height,
        "output_type": "np",
        "callback_on_step_end": reporter.on_step_end,
        "callback_on_step_end_tensor_inputs": ["latents"],
    }
    if accepts(pipe, "num_frames"):
        call["num_frames"] = _frame_count(pipe, params, clip.shot)
    if accepts(pipe, "frame_rate"):
        call["frame_rate"] = round(params.fps)
    if accepts(pipe, "fps"):  # Stable Video Diffusion is conditioned on the frame rate
        call["fps"] = round(params.fps)
    text_tokens = (
        getattr(getattr(pipe.transformer, "config", None), "max_text_seq_length", None)
        if hasattr(pipe, "transformer")
        else None
    )
    if text_tokens and accepts(pipe, "max_sequence_length"):  # CogVideoX is trained on a fixed text length
        call["max_sequence_length"] = text_tokens
    return call


def _conditioning(
    family: str,
    pipe: Any,
    frames: Frames,
    index: int,
    shot: Shot | None,
    shots: int,
    call: dict[str, Any],
    params: VideoParams,
) -> dict[str, Any]:
    width, height = call["width"], call["height"]
    if family == "animatediff":
        count = call.pop("num_frames", None) or _frame_count(pipe, params, shot)
        clip = shot_frames(frames, index, shot, shots, count)
        return {"video": [to_pil(f, width, height) for f in clip], "strength": params.strength}
    if family == "ltx":
        return {"conditions": _ltx_conditions(pipe, frames, index, shot, shots, call, params)}
    first, last = shot_span(frames, index, shot, shots)
    if family == "wan_vace":  # the keyframe is the clip's reference picture
        return {"reference_images": [to_pil(frames.read(first, first + 1)[0], width, height)]}
    out: dict[str, Any] = {"image": to_pil(frames.read(first, first + 1)[0], width, height)}
    transformer_config = getattr(getattr(pipe, "transformer", None), "config", None)
    if family in FIRST_LAST and getattr(transformer_config, "pos_embed_seq_len", None):  # FLF2V: first and last
        out["last_image"] = to_pil(frames.read(last, last + 1)[0], width, height)
    return out


def _ltx_conditions(
    pipe: Any, frames: Frames, index: int, shot: Shot | None, shots: int, call: dict[str, Any], params: VideoParams
) -> list[Any]:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    count = 1 if is_strip(frames, shots) else params.keyframes
    pictures = shot_frames(frames, index, shot, shots, count)
    ratio = temporal_ratio(pipe)
    length = call.get("num_frames") or 1
    positions = np.linspace(0, length - 1, num=len(pictures)).astype(int) // ratio * ratio
    return [
        LTXVideoCondition(image=to_pil(p, call["width"], call["height"]), frame_index=int(k))
        for p, k in zip(pictures, positions)
    ]


def _packed_grid(pipe: Any, width: int, height: int) -> tuple[int, int] | None:
    """Latent (height, width) for pipelines that pack latents into tokens (LTX-Video)."""
    spatial = getattr(pipe, "vae_spatial_compression_ratio", None)
    patch = getattr(pipe, "transformer_spatial_patch_size", 1) or 1
    if not spatial:
        return None
    return height // spatial // patch, width // spatial // patch
