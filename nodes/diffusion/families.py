"""How each model family takes the nodes' common parameters.

The nodes speak one language (prompt, negative prompt, steps, guidance, shift, size, frames);
the families do not: FLUX.1 embeds its guidance in the transformer, Qwen-Image guides with
``true_cfg_scale``, Stable Video Diffusion has no prompt and a guidance ramp, HunyuanVideo 1.5
guides through its own ``guider`` component, Wan 2.2 A14B has a second expert with its own
guidance, flow-matching models take a ``shift`` of the noise schedule, FLUX.2 [klein] takes its
negative prompt only as embeddings, HunyuanVideo 1.5 image-to-video picks its own size.
:func:`fit_call` turns a call written in the common language into the family's, and refuses, on
the widget at fault, a value the family cannot take instead of letting diffusers ignore it silently.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.engine.errors import NodeInputError

# Families whose classifier-free guidance is ``true_cfg_scale`` (guidance_scale means something else or nothing).
TRUE_CFG = ("qwen_image",)
# Families whose own component decides the guidance: a value here would be ignored.
OWN_GUIDER = ("hunyuan_video15",)
# Families that take no text at all.
NO_PROMPT = ("svd",)
# Families that start from noise and follow pictures as references (FLUX.2's multi-reference input)
# instead of starting from one (image-to-image).
REFERENCES = ("flux2",)
REFERENCE_MIN_SIDE = 64  # FLUX.2 refuses smaller reference pictures


def accepted(pipe: Any) -> set[str] | None:
    """The keyword arguments the pipeline's call takes; None when it takes any (``**kwargs``)."""
    params = inspect.signature(pipe.__call__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return set(params)


def fit_call(family: str, pipe: Any, call: dict[str, Any], *, guidance_2: float = 0.0) -> dict[str, Any]:
    """``call`` in the family's terms: guidance mapped, unknown arguments dropped."""
    call = dict(call)
    guidance = call.pop("guidance_scale", None)
    if family in TRUE_CFG and guidance is not None:
        call["true_cfg_scale"] = guidance
    elif family == "svd" and guidance is not None:
        call["max_guidance_scale"] = guidance  # SVD ramps guidance from min to max over the frames
        call["min_guidance_scale"] = min(1.0, guidance)
    elif family not in OWN_GUIDER and guidance is not None:
        call["guidance_scale"] = guidance
    if guidance_2:
        if not _two_experts(pipe):
            raise NodeInputError(
                "guidance_2",
                f"{type(pipe).__name__} has one denoiser; guidance_2 is for models with two experts "
                "(Wan 2.2 A14B). Set it to 0",
            )
        call["guidance_scale_2"] = guidance_2
    if family in NO_PROMPT:
        call.pop("prompt", None)
        call.pop("negative_prompt", None)
    names = accepted(pipe)
    if names is not None and "negative_prompt" not in names and "negative_prompt_embeds" in names:
        negative = negative_embeds(pipe, call.get("negative_prompt"), call.get("guidance_scale") or 0.0)
        if negative is not None:
            call["negative_prompt_embeds"] = negative
    if names is None:
        return call
    return {k: v for k, v in call.items() if k in names}


def negative_embeds(pipe: Any, negative: str | None, guidance: float) -> Any:
    """The negative prompt as embeddings, for pipelines that take no negative text but guide
    against embeddings (FLUX.2 [klein] guides against an empty prompt otherwise); None when
    there is no negative prompt, no classifier-free guidance, or no ``encode_prompt`` to make them."""
    distilled = bool(getattr(getattr(pipe, "config", None), "is_distilled", False))
    if not negative or guidance <= 1.0 or distilled or not hasattr(pipe, "encode_prompt"):
        return None
    embeds = pipe.encode_prompt(prompt=negative, device=pipe._execution_device)
    return embeds[0] if isinstance(embeds, tuple) else embeds


def reference_size(width: int, height: int) -> tuple[int, int]:
    """The size reference pictures are handed over at: the picture's aspect, at least 64 px a
    side (FLUX.2's minimum; it scales references to its own working area anyway)."""
    scale = max(1.0, REFERENCE_MIN_SIDE / min(width, height))
    return round(width * scale), round(height * scale)


def picked_size(pipe: Any, width: int, height: int, *, asked: bool) -> tuple[int, int]:
    """(width, height) of what a pipeline makes from a picture of ``width`` x ``height``.

    Most pipelines take a size; HunyuanVideo 1.5 image-to-video takes none and makes the bucket of
    its target size nearest the picture's aspect. Where the node's size was ``asked`` for and the
    model would make another, that is refused rather than silently replaced."""
    names = accepted(pipe)
    processor = getattr(pipe, "video_processor", None)
    if names is None or "width" in names or not hasattr(processor, "calculate_default_height_width"):
        return width, height
    target = int(pipe.target_size)
    made_h, made_w = processor.calculate_default_height_width(height=height, width=width, target_size=target)
    if asked and (made_w, made_h) != (width, height):
        raise NodeInputError(
            "width",
            f"{type(pipe).__name__} takes no size: it makes {made_w}x{made_h} for this aspect (its buckets around "
            f"{target} px). Set width and height to 0 (the pictures' aspect) or to {made_w} and {made_h}",
        )
    return int(made_w), int(made_h)


def _two_experts(pipe: Any) -> bool:
    return getattr(pipe, "transformer_2", None) is not None and getattr(pipe.config, "boundary_ratio", None) is not None


def flow_shift_name(scheduler: Any) -> str | None:
    """The config key of a scheduler's timestep shift: ``shift`` (FlowMatchEuler) or
    ``flow_shift`` (UniPC/DPM with flow sigmas); None when it has none."""
    config = scheduler.config
    if "shift" in config and "use_dynamic_shifting" in config:
        return "shift"
    if config.get("use_flow_sigmas") and "flow_shift" in config:
        return "flow_shift"
    return None


@contextmanager
def shifted(pipe: Any, shift: float) -> Iterator[None]:
    """The pipeline's scheduler with its timestep shift set to ``shift`` for one call (0 = keep
    the model's), restored afterwards: the pipeline is shared by every node using the model."""
    if not shift:
        yield
        return
    original = pipe.scheduler
    key = flow_shift_name(original)
    if key is None:
        raise NodeInputError(
            "shift",
            f"{type(original).__name__} is no flow-matching scheduler and has no timestep shift; set shift to 0 "
            "(shift is for Wan, SkyReels, LTX, FLUX, SD 3.5, Qwen-Image, HunyuanVideo)",
        )
    if original.config.get("use_dynamic_shifting"):
        raise NodeInputError(
            "shift",
            "this model shifts its schedule by the picture size (dynamic shifting, e.g. FLUX.1-dev); "
            "set shift to 0 to use it",
        )
    pipe.scheduler = type(original).from_config(original.config, **{key: float(shift)})
    try:
        yield
    finally:
        pipe.scheduler = original


@contextmanager
def guided(pipe: Any, family: str, guidance: float) -> Iterator[None]:
    """For families whose ``guider`` component holds the guidance (HunyuanVideo 1.5): a guider
    with the node's guidance for one call, the model's own restored afterwards."""
    original = getattr(pipe, "guider", None)
    if family not in OWN_GUIDER or original is None or not hasattr(original, "new"):
        yield
        return
    pipe.guider = original.new(guidance_scale=float(guidance))
    try:
        yield
    finally:
        pipe.guider = original


def flow_strength(strength: float, steps: int) -> float:
    """An image-to-image strength a flow-matching pipeline turns into the same number of steps as
    Stable Diffusion does (``int(steps * strength)``, at least one): FLUX, SD 3.5 and Qwen-Image
    round the *skipped* steps down instead, so at a few steps (FLUX.1-schnell) a chained keyframe
    would start from pure noise and ignore the picture it was meant to start from."""
    if strength >= 1.0:
        return strength
    runs = min(steps - 1, max(1, int(steps * strength)))
    return (runs - 1e-6) / steps  # just under: their int(steps - steps * strength) keeps steps - runs
