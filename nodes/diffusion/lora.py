"""diffusion.lora: a LoRA with a strength on top of a loaded model; chain nodes to stack several.

The node checks the LoRA against the model before anything runs (its layers must be the
model's, with the same sizes) and returns the PIPELINE handle with the LoRA added to its stack.
The weights are only touched while a diffusion node runs: the LoRAs are loaded into the
resident pipeline for each call and unloaded after it, so removing or changing this node gives
the base model back exactly, and two graphs sharing one model do not see each other's LoRAs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.models import KINDS, ModelError, OutOfMemory
from server.models.lora import Lora, check_fits, family_of, header, resolve_lora

from .common import require


class LoraParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lora: str = Param(
        "",
        description="A LoRA .safetensors file (or a folder holding one, or a hub id in the local Hugging Face "
        "cache). The picker lists the files in <models>/loras with the base family each fits.",
        widget="model",
        model_kinds=("lora",),
    )
    strength: float = Param(
        1.0,
        description="How strongly the LoRA acts: 0 = not at all (the base model exactly), 1 = as trained.",
        ge=-2.0,
        le=4.0,
        step=0.05,
    )

    @field_validator("lora")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name a LoRA: a .safetensors file, a folder holding one, or a cached hub id")
        return value.strip()


@node(
    id="diffusion.lora",
    version="1.0.0",
    title="LoRA",
    category="diffusion",
    inputs={"pipeline": Input("PIPELINE", "The model to adapt (from Load model, or another LoRA node).")},
    outputs={"pipeline": Output("PIPELINE", "The same model with this LoRA on its stack.")},
    params=LoraParams,
    resource="gpu",
)
def lora(ctx: NodeContext, params: LoraParams, *, pipeline: Any) -> dict:
    """Adapt a model with a LoRA (a style, a character, a motion) at a chosen strength."""
    handle = require(pipeline, KINDS)
    ctx.progress(0, 1)
    cache = getattr(handle.manager, "cache_dir", None)
    try:
        path = resolve_lora(params.lora, cache_dir=cache)
        family = family_of(header(path))
        with handle.use() as pipe:
            check_fits(pipe, path, family, handle.family)
    except OutOfMemory:
        raise
    except ModelError as exc:
        raise NodeInputError("lora", str(exc)) from exc
    ctx.log.info("LoRA %s (%s) at strength %.2f on %s", path.name, family, params.strength, handle.spec.source)
    ctx.progress(1, 1)
    return {"pipeline": handle.with_lora(Lora(str(path), family, params.strength))}
