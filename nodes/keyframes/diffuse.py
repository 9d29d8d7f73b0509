"""keyframes.diffuse: one picture per shot from a text-to-image model (Stable Diffusion, SDXL,
SD 3.5, FLUX.1, FLUX.2, Qwen-Image).

Consistency between shots comes from img2img chaining: each keyframe after the first starts
from the previous one. Layout comes from the animatic: when its frames are connected, each
keyframe starts from the animatic frame at the shot's start (blended with the previous
keyframe when chaining), so the model repaints the procedural layout instead of inventing one.
FLUX.2 does not start from a picture: it follows the same pictures as references (its
multi-reference input), the animatic frame and the previous keyframe each as its own.
With control maps (render.controls) and a ControlNet attached to the model (diffusion.controlnet),
each keyframe also follows the map at its shot's start: the exact depth, poses or segments.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames
from nodes.diffusion.common import compose_prompt, frame_size, generator, require, running, to_pil, to_uint8
from nodes.diffusion.control import check_control, controlled
from nodes.diffusion.families import (
    REFERENCES,
    fit_call,
    flow_shift_name,
    flow_strength,
    reference_size,
    shifted,
)
from nodes.diffusion.progress import StepReporter
from nodes.diffusion.schedulers import scheduler
from nodes.diffusion.timing import first_frame
from nodes.scene.shots import ShotPlan
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.models.kinds import ModelKind, hint

MAX_SEED = 2**32 - 1
SchedulerName = Literal["default", "ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "unipc"]  # = SCHEDULERS


class KeyframeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(
        0, description="Seed of the first keyframe; shot i uses seed + i.", ge=0, le=MAX_SEED, widget="seed"
    )
    steps: int = Param(25, description="Denoising steps per keyframe.", ge=1, le=150)
    guidance: float = Param(
        7.0, description="Classifier-free guidance: how literally to follow the prompt.", ge=0.0, le=30.0, step=0.5
    )
    negative_prompt: str = Param("blurry, low quality, watermark, text", description="What to avoid.", multiline=True)
    shift: float = Param(
        0.0,
        description="Flow-matching models (SD 3.5, FLUX.1-schnell, Qwen-Image): timestep shift of the noise "
        "schedule; 0 = the model's own.",
        ge=0.0,
        le=30.0,
        step=0.5,
        advanced=True,
    )
    scheduler: SchedulerName = Param("default", description="Sampler; default = the one the model ships with.")
    width: int = Param(0, description="Width in pixels; 0 = the model's native size.", ge=0, le=4096, step=8)
    height: int = Param(0, description="Height in pixels; 0 = the model's native size.", ge=0, le=4096, step=8)
    chain: bool = Param(
        True,
        description="Start each keyframe from the previous one (img2img) for consistency; FLUX.2 follows it as a "
        "reference picture instead.",
    )
    strength: float = Param(
        0.65,
        description="When chaining: how far a keyframe may move from the previous one (1 = ignore it). "
        "Not for FLUX.2, which follows pictures as references.",
        ge=0.05,
        le=1.0,
        step=0.05,
    )
    layout_strength: float = Param(
        0.8,
        description="With animatic frames: how far a keyframe may move from the animatic's layout (1 = ignore it). "
        "Not for FLUX.2, which follows pictures as references.",
        ge=0.05,
        le=1.0,
        step=0.05,
    )


@node(
    id="keyframes.diffuse",
    version="1.0.0",
    title="Diffuse keyframes",
    category="keyframes",
    inputs={
        "pipeline": Input("PIPELINE", "A text-to-image model: SD 1.5, SDXL, SD 3.5, FLUX.1, FLUX.2, Qwen-Image."),
        "shots": Input("SHOTS", "The shot plan: one keyframe per shot, from its prompt."),
        "frames": Input("FRAMES", "Animatic frames: the layout each keyframe starts from.", optional=True),
        "style": Input("STYLE", "Style tags appended to every prompt.", optional=True),
        "control": Input(
            "FRAMES",
            "Control maps (render.controls) each keyframe follows through the ControlNet attached to the model.",
            optional=True,
        ),
    },
    outputs={"frames": Output("FRAMES", "One keyframe per shot, a cut between each.")},
    params=KeyframeParams,
    resource="gpu",
    persist=True,
    deterministic=False,
)
def keyframes_diffuse(
    ctx: NodeContext,
    params: KeyframeParams,
    *,
    pipeline: Any,
    shots: ShotPlan,
    frames: Frames | None = None,
    style: Any = None,
    control: Frames | None = None,
) -> dict:
    """A keyframe per shot with Stable Diffusion or SDXL, chained by img2img for consistency and
    optionally laid out by the animatic."""
    handle = require(pipeline, ("text2image", "image2image"))
    if not shots.shots:
        raise NodeInputError("shots", "the shot plan has no shots")
    _check_starts(handle, params, frames, len(shots.shots))
    reporter = StepReporter(ctx, len(shots.shots), params.steps, handle.family)
    with running(handle, "text2image", loras=False) as pipe:
        width, height = frame_size(pipe, params.width, params.height)
    check_control(handle, control, shots, width, height)
    pictures: list[np.ndarray] = []
    for i, shot in enumerate(shots.shots):
        previous = pictures[-1] if pictures else None
        init, strength, references = None, 1.0, []
        if handle.family in REFERENCES:
            references = _references(params, frames, i, shot, len(shots.shots), previous)
        else:
            init, strength = _init_image(params, frames, i, shot, len(shots.shots), previous)
        prompt = compose_prompt(shot.prompt, style)
        steer = first_frame(control, i, shot, len(shots.shots)) if control is not None else None
        picture = _diffuse(
            handle, params, reporter, prompt, init, strength, width, height, ctx.seed + i, steer, references
        )
        pictures.append(picture)
        ctx.log.info("keyframe %d/%d: %s", i + 1, len(shots.shots), prompt[:80])
    fps = len(pictures) / shots.duration if shots.duration > 0 else 1.0
    strip = np.stack(pictures)
    return {"frames": Frames.from_array(strip, fps=fps, cuts=tuple(range(1, len(pictures))))}


def _check_starts(handle: Any, params: KeyframeParams, frames: Frames | None, shots: int) -> None:
    """A model that can neither start from a picture nor follow one is refused before the first
    keyframe, on the widget that asks for it, rather than at the second shot."""
    if handle.can_serve("image2image") or handle.family in REFERENCES:
        return
    fix = hint(ModelKind(handle.family, handle.kind), "image2image")
    if frames is not None and frames.count:
        raise NodeInputError("frames", f"{handle.class_name} cannot start a keyframe from the animatic: {fix}")
    if params.chain and shots > 1:
        raise NodeInputError("chain", f"{handle.class_name} cannot start a keyframe from the previous one: {fix}")


def _init_image(
    params: KeyframeParams, frames: Frames | None, index: int, shot: Any, shots: int, previous: np.ndarray | None
) -> tuple[np.ndarray | None, float]:
    """The picture a keyframe starts from, and how far it may move from it (None: from noise)."""
    chained = previous if params.chain else None
    if frames is not None and frames.count:
        layout = first_frame(frames, index, shot, shots)
        if chained is not None:
            layout = _blend(layout, chained)
        return layout, params.layout_strength
    return chained, params.strength


def _references(
    params: KeyframeParams, frames: Frames | None, index: int, shot: Any, shots: int, previous: np.ndarray | None
) -> list[np.ndarray]:
    """The pictures a reference-following model (FLUX.2) gets for one keyframe: the animatic's
    frame at the shot's start (its layout) and, when chaining, the previous keyframe."""
    references = []
    if frames is not None and frames.count:
        references.append(first_frame(frames, index, shot, shots))
    if params.chain and previous is not None:
        references.append(previous)
    return references


def _blend(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape != b.shape:
        b = np.asarray(to_pil(b, a.shape[1], a.shape[0]))
    return ((a.astype(np.uint16) + b.astype(np.uint16)) // 2).astype(np.uint8)


def _diffuse(
    handle: Any,
    params: KeyframeParams,
    reporter: StepReporter,
    prompt: str,
    init: np.ndarray | None,
    strength: float,
    width: int,
    height: int,
    seed: int,
    control: np.ndarray | None = None,
    references: list[np.ndarray] | None = None,
) -> np.ndarray:
    kind = "text2image" if init is None else "image2image"
    call: dict[str, Any] = {
        "prompt": prompt,
        "negative_prompt": params.negative_prompt or None,
        "num_inference_steps": params.steps,
        "guidance_scale": params.guidance,
        "generator": generator(handle, seed),
        "output_type": "np",
        "callback_on_step_end": reporter.on_step_end,
        "callback_on_step_end_tensor_inputs": ["latents"],
    }
    if references:
        call["image"] = [to_pil(r, *reference_size(width, height)) for r in references]
    if init is None:
        call.update(width=width, height=height)
    else:
        # img2img runs int(steps * strength) steps; make that at least one
        call.update(image=to_pil(init, width, height), strength=max(strength, 1.0 / params.steps))
        call.update(width=width, height=height)  # transformer img2img pipelines default to their native size
    reporter.start_call()
    with running(handle, kind) as pipe, scheduler(pipe, params.scheduler), shifted(pipe, params.shift):
        if init is not None and flow_shift_name(pipe.scheduler) is not None:
            call["strength"] = flow_strength(call["strength"], params.steps)
        if control is not None:
            pipe = controlled(handle, pipe, kind, call, to_pil(control, width, height))
        images = pipe(**fit_call(handle.family, pipe, call)).images
    reporter.end_call()
    return to_uint8(images)[0]
