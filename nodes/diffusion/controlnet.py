"""diffusion.controlnet: attach a ControlNet to a loaded model, so that keyframes.diffuse follows
control maps (render.controls: depth, OpenPose, segmentation, edges).

The ControlNet is checked against the model before anything runs (family and sizes) and
loaded once by the model manager; the diffusion node joins it to the resident model's modules
for each call (``from_pipe``), so the model itself is neither copied nor changed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.models import ModelError, OutOfMemory
from server.models.controlnet import ControlSpec, check_controlnet_fits, resolve_controlnet

from .common import require


class ControlNetParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    controlnet: str = Param(
        "",
        description="A ControlNet folder (save_pretrained) or a hub id in the local Hugging Face cache, trained "
        "for the loaded model's family: e.g. lllyasviel/control_v11f1p_sd15_depth (SD 1.5), "
        "diffusers/controlnet-depth-sdxl-1.0 (SDXL), InstantX/FLUX.1-dev-Controlnet-Union (FLUX.1).",
        widget="model",
        model_kinds=("controlnet",),
    )
    scale: float = Param(1.0, description="How strongly the maps steer the picture.", ge=0.0, le=2.0, step=0.05)
    start: float = Param(0.0, description="Fraction of the steps at which control starts.", ge=0.0, le=1.0, step=0.05)
    end: float = Param(1.0, description="Fraction of the steps at which control stops.", ge=0.0, le=1.0, step=0.05)

    @field_validator("controlnet")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name a ControlNet: a save_pretrained folder or a cached hub id such as org/name")
        return value.strip()

    @model_validator(mode="after")
    def ordered(self) -> ControlNetParams:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


@node(
    id="diffusion.controlnet",
    version="1.0.0",
    title="ControlNet",
    category="diffusion",
    inputs={"pipeline": Input("PIPELINE", "A keyframe model: SD 1.5, SDXL, SD 3.5, FLUX.1 or Qwen-Image.")},
    outputs={"pipeline": Output("PIPELINE", "The same model with the ControlNet attached.")},
    params=ControlNetParams,
    resource="gpu",
)
def controlnet(ctx: NodeContext, params: ControlNetParams, *, pipeline: Any) -> dict:
    """Steer keyframes with control maps (depth, pose, segments, edges) through a ControlNet."""
    handle = require(pipeline, ("text2image", "image2image"))
    ctx.progress(0, 1)
    manager = handle.manager
    try:
        folder, class_name, config = resolve_controlnet(
            params.controlnet, allow_downloads=manager.allow_downloads, cache_dir=manager.cache_dir
        )
        with handle.use() as pipe:
            check_controlnet_fits(pipe, handle.family, class_name, config, params.controlnet)
        attached = handle.with_control(ControlSpec(str(folder), class_name, params.scale, params.start, params.end))
        manager.controlnet(attached)  # load now: a broken file fails here, on this widget
    except OutOfMemory:
        raise
    except ModelError as exc:
        raise NodeInputError("controlnet", str(exc)) from exc
    ctx.log.info(
        "ControlNet %s (%s) on %s at scale %.2f", params.controlnet, class_name, handle.spec.source, params.scale
    )
    ctx.progress(1, 1)
    return {"pipeline": attached}
