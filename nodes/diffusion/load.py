"""diffusion.load: a model from a local folder or the local hub cache, as a PIPELINE handle."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node
from server.engine.errors import NodeInputError
from server.models import (
    DeviceUnavailable,
    ModelError,
    ModelHandle,
    OutOfMemory,
    SpeedOptions,
    UnsupportedOption,
    WrongModelKind,
)

from .common import manager_of


class LoadParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Param(
        "",
        description="A folder written by save_pretrained, or a hub id (org/name) already in the local "
        "Hugging Face cache. Nothing is downloaded.",
        widget="model",
        model_kinds=("text2image", "image2image", "text2video", "image2video", "text2audio"),
    )
    kind: Literal["auto", "text2image", "image2image", "text2video", "image2video", "text2audio"] = Param(
        "auto",
        description="What the model is to do; auto = what it was made for. Image-to-image and LTX "
        "conditioning are served from text models without loading twice.",
    )
    dtype: Literal["auto", "bf16", "fp16", "fp32"] = Param(
        "auto", description="Weight precision; auto = bf16 on a GPU, fp32 on the CPU."
    )
    device: Literal["auto", "cpu", "cuda"] = Param("auto", description="Where to run; auto = the GPU if there is one.")
    offload: Literal["auto", "off", "model"] = Param(
        "auto",
        description="Keep the weights in RAM and move each model (text encoder, denoiser, VAE) to the GPU only "
        "while it runs: big models on small GPUs, a little slower. auto = only when the model does not fit "
        "the GPU's memory budget.",
    )
    attention: Literal[
        "default", "sdpa_flash", "sdpa_efficient", "sdpa_cudnn", "sdpa_math", "flash", "flash3", "sage", "xformers"
    ] = Param(
        "default",
        description="Attention kernel: sdpa_* pick a PyTorch kernel (CUDA), flash/flash3/sage use those packages "
        "through diffusers (transformer models), xformers needs that package.",
        advanced=True,
    )
    compile: Literal["off", "regional"] = Param(
        "off", description="torch.compile the repeated blocks: slow first run, faster steps after.", advanced=True
    )
    step_cache: Literal["off", "first_block"] = Param(
        "off",
        description="Skip the rest of the transformer when its first block barely changes between steps "
        "(First Block Cache; Wan, LTX-Video, CogVideoX).",
        advanced=True,
    )
    cache_threshold: float = Param(
        0.05,
        description="First Block Cache threshold: higher is faster and rougher.",
        ge=0.0,
        le=1.0,
        step=0.01,
        advanced=True,
    )
    vae_tiling: bool = Param(False, description="Decode in tiles: large frames in less memory.", advanced=True)
    vae_slicing: bool = Param(False, description="Decode one image or frame batch at a time.", advanced=True)

    @field_validator("model")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name a model: a save_pretrained folder or a cached hub id such as org/name")
        return value.strip()


@node(
    id="diffusion.load",
    version="1.0.0",
    title="Load model",
    category="diffusion",
    outputs={"pipeline": Output("PIPELINE", "The loaded model, resident in the model manager.")},
    params=LoadParams,
    resource="gpu",
)
def load(ctx: NodeContext, params: LoadParams) -> dict:
    """Load a diffusers pipeline (Stable Diffusion, SDXL, AnimateDiff, Wan, LTX-Video, CogVideoX,
    StableAudio, ...) once and keep it resident across runs, with its speed options."""
    from server.models.speed import apply

    ctx.progress(0, 1)
    options = SpeedOptions(
        attention=params.attention,
        compile=params.compile,
        step_cache=params.step_cache,
        cache_threshold=params.cache_threshold,
        vae_tiling=params.vae_tiling,
        vae_slicing=params.vae_slicing,
    )
    try:
        manager = manager_of(ctx)
        if params.offload == "model" and not manager.resolve_device(params.device).startswith("cuda"):
            raise NodeInputError(
                "offload", "offload moves models between RAM and a GPU, and this runs on the CPU: use auto or off"
            )
        handle: ModelHandle = manager.load(
            params.model,
            None if params.kind == "auto" else params.kind,
            dtype=params.dtype,
            device=params.device,
            offload=params.offload,
        )
        with handle.use() as pipe:
            apply(pipe, options, handle.spec.device)  # unusable options fail here, on this node's widgets
    except DeviceUnavailable as exc:
        raise NodeInputError("device", str(exc)) from exc
    except UnsupportedOption as exc:
        raise NodeInputError(exc.option, str(exc)) from exc
    except OutOfMemory:
        raise
    except WrongModelKind as exc:
        raise NodeInputError("model" if params.kind == "auto" else "kind", str(exc)) from exc
    except ModelError as exc:
        raise NodeInputError("model", str(exc)) from exc
    ctx.log.info(
        "loaded %s as %s (%s) on %s in %s%s",
        params.model,
        handle.class_name,
        handle.kind,
        handle.spec.device,
        handle.spec.dtype,
        ", offloaded to RAM between uses" if handle.spec.offload != "off" else "",
    )
    ctx.progress(1, 1)
    return {"pipeline": handle.with_options(options)}
