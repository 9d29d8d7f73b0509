"""What the diffusion nodes share: getting the manager and the pipeline, turning model errors
into input errors, seeds, sizes, and conversions between our arrays and PIL pictures."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelError, ModelHandle, ModelManager, OutOfMemory, UnsupportedOption, manager_for
from server.models.kinds import ModelKind, hint


def manager_of(ctx: NodeContext) -> ModelManager:
    return manager_for(ctx.models)


def require(pipeline: Any, kinds: tuple[str, ...], name: str = "pipeline") -> ModelHandle:
    """The PIPELINE input, checked to serve one of ``kinds`` before anything runs."""
    if not isinstance(pipeline, ModelHandle):
        raise NodeInputError(name, f"expected a PIPELINE from a Load model node, got {type(pipeline).__name__}")
    if not any(pipeline.can_serve(k) for k in kinds):
        model = ModelKind(pipeline.family, pipeline.kind)
        raise NodeInputError(
            name,
            f"{pipeline.spec.source} is a {pipeline.class_name} ({pipeline.kind}); this node needs "
            f"{' or '.join(kinds)}: {hint(model, kinds[0])}",
        )
    return pipeline


@contextmanager
def running(
    handle: ModelHandle, kind: str | None = None, name: str = "pipeline", *, loras: bool = True
) -> Iterator[Any]:
    """``with running(handle, kind) as pipe:`` the resident pipeline with its speed options and
    LoRAs in force (``loras=False``: only to read its configuration), OOM-guarded by the manager.
    Configuration errors become input errors on ``name``."""
    from server.models.lora import applied_loras
    from server.models.speed import applied

    try:
        with (
            handle.use(kind) as pipe,
            applied(pipe, handle.options, handle.spec.device),
            applied_loras(pipe, handle.loras if loras else ()),
        ):
            yield pipe
    except UnsupportedOption as exc:
        raise NodeInputError(name, f"speed option {exc.option}: {exc}") from exc
    except OutOfMemory:
        raise
    except ModelError as exc:
        raise NodeInputError(name, str(exc)) from exc


def generator(handle: ModelHandle, seed: int) -> Any:
    import torch

    device = handle.spec.device if handle.spec.device.startswith("cuda") else "cpu"
    return torch.Generator(device).manual_seed(int(seed))


def accepts(pipe: Any, name: str) -> bool:
    return name in inspect.signature(pipe.__call__).parameters


def default_size(pipe: Any) -> tuple[int, int]:
    """(width, height) the model was made for: its call defaults, or its UNet sample size."""
    params = inspect.signature(pipe.__call__).parameters
    width = params["width"].default if "width" in params else None
    height = params["height"].default if "height" in params else None
    if isinstance(width, int) and isinstance(height, int):
        return width, height
    config = getattr(getattr(pipe, "transformer", None), "config", None)
    scale = getattr(pipe, "vae_scale_factor_spatial", None) or getattr(pipe, "vae_scale_factor", None) or 8
    if config is not None and getattr(config, "sample_width", None) and getattr(config, "sample_height", None):
        return config.sample_width * scale, config.sample_height * scale  # CogVideoX
    sample = getattr(getattr(getattr(pipe, "unet", None), "config", None), "sample_size", None)
    side = (sample if isinstance(sample, int) else 64) * scale
    return side, side


def size_multiple(pipe: Any) -> int:
    """Width and height must be multiples of this: the VAE's downscale times the patch size, or
    what the pipeline's image processor rounds to (FLUX and Qwen-Image pack 2x2 latents into a token)."""
    scale = (
        getattr(pipe, "vae_scale_factor_spatial", None)
        or getattr(pipe, "vae_spatial_compression_ratio", None)
        or getattr(pipe, "vae_scale_factor", None)
        or 8
    )
    model = getattr(pipe, "transformer", None)
    patch = getattr(getattr(model, "config", None), "patch_size", None) or 1
    patch = patch[-1] if isinstance(patch, list | tuple) else patch
    processor = getattr(pipe, "image_processor", None) or getattr(pipe, "video_processor", None)
    rounding = getattr(getattr(processor, "config", None), "vae_scale_factor", None) or 1
    return max(int(scale) * int(patch), int(rounding))


def frame_size(pipe: Any, width: int, height: int) -> tuple[int, int]:
    """The requested size (0 = the model's default), rounded down to what the model accepts."""
    default_w, default_h = default_size(pipe)
    step = size_multiple(pipe)
    w, h = width or default_w, height or default_h
    for name, value in (("width", w), ("height", h)):
        if value < step:
            raise NodeInputError(name, f"{value} px is too small for this model: at least {step}, in steps of {step}")
    return w // step * step, h // step * step


def temporal_ratio(pipe: Any) -> int:
    """Frames per latent frame: clip lengths must be ``ratio * k + 1``."""
    for name in ("vae_scale_factor_temporal", "vae_temporal_compression_ratio"):
        value = getattr(pipe, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 1


def call_default(pipe: Any, name: str) -> Any:
    param = inspect.signature(pipe.__call__).parameters.get(name)
    return None if param is None or param.default is inspect.Parameter.empty else param.default


def compose_prompt(prompt: str, style: Any = None) -> str:
    tags = [t for t in getattr(style, "tags", ()) or () if t and t.lower() not in prompt.lower()]
    return ", ".join([prompt.strip(), *tags]) if tags else prompt.strip()


def to_uint8(images: Any) -> np.ndarray:
    """Pipeline output (float in [0, 1], numpy or torch) to uint8."""
    array = images.detach().float().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    return (np.clip(array, 0.0, 1.0) * 255.0).round().astype(np.uint8)


def to_pil(frame: np.ndarray, width: int | None = None, height: int | None = None) -> Any:
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(frame))
    if width and height and image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image
