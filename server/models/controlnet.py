"""ControlNets: finding one, checking that it fits a loaded model, and the pipeline class that
runs a family with it.

A ControlNet is a single diffusers model folder (``config.json`` with ``_class_name``), not a
pipeline; it is loaded once per (folder, device, dtype) by the manager and joined to the
resident pipeline's modules with ``from_pipe`` for each call, so nothing is loaded twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ModelError, ModelNotFound
from .resolve import HOW_TO_PROVIDE, HUB_ID, _hub_snapshot, _looks_like_path, check_safetensors

# ControlNet class -> the families it can steer
CONTROLNETS: dict[str, tuple[str, ...]] = {
    "ControlNetModel": ("sd", "sdxl"),
    "ControlNetUnionModel": ("sdxl",),
    "FluxControlNetModel": ("flux",),
    "SD3ControlNetModel": ("sd3",),
    "QwenImageControlNetModel": ("qwen_image",),
}
# (family, kind) -> the pipeline that runs the family with a ControlNet
CONTROL_PIPELINES: dict[tuple[str, str], str] = {
    ("sd", "text2image"): "StableDiffusionControlNetPipeline",
    ("sd", "image2image"): "StableDiffusionControlNetImg2ImgPipeline",
    ("sdxl", "text2image"): "StableDiffusionXLControlNetPipeline",
    ("sdxl", "image2image"): "StableDiffusionXLControlNetImg2ImgPipeline",
    ("flux", "text2image"): "FluxControlNetPipeline",
    ("flux", "image2image"): "FluxControlNetImg2ImgPipeline",
    ("sd3", "text2image"): "StableDiffusion3ControlNetPipeline",
    ("qwen_image", "text2image"): "QwenImageControlNetPipeline",
}
# config keys a ControlNet copies from the denoiser it was trained with
SHARED_KEYS = ("cross_attention_dim", "block_out_channels", "joint_attention_dim", "pooled_projection_dim")


class ControlNetMismatch(ModelError):
    """A ControlNet made for another model family or size."""


@dataclass(frozen=True)
class ControlSpec:
    """The ControlNet a PIPELINE handle carries, and how strongly and when it steers."""

    path: str
    class_name: str
    scale: float = 1.0
    start: float = 0.0
    end: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "class": self.class_name, "scale": self.scale, "start": self.start, "end": self.end}


def resolve_controlnet(
    source: str, *, allow_downloads: bool = False, cache_dir: Path | None = None
) -> tuple[Path, str, dict]:
    """(folder, class name, config) of the ControlNet ``source`` names: a folder or a cached hub id."""
    source = source.strip()
    folder = Path(source).expanduser()
    if not folder.exists() and not _looks_like_path(source) and HUB_ID.fullmatch(source):
        folder = _hub_snapshot(source, allow_downloads, cache_dir)
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise ModelNotFound(
            source,
            f"{str(folder)!r} is no ControlNet folder (it has no config.json). "
            + HOW_TO_PROVIDE.format(source=source if HUB_ID.fullmatch(source) else "<org>/<name>"),
        )
    try:
        config = json.loads(config_file.read_text())
    except (OSError, ValueError) as exc:
        raise ModelNotFound(source, f"{config_file} is not readable JSON: {exc}") from exc
    class_name = config.get("_class_name") if isinstance(config, dict) else None
    if class_name not in CONTROLNETS:
        raise ModelNotFound(
            source,
            f"{source} is a {class_name or 'model of unknown class'}, not a ControlNet ({', '.join(CONTROLNETS)})",
        )
    check_safetensors(folder, {})
    return folder.resolve(), class_name, config


def check_controlnet_fits(pipe: Any, family: str, class_name: str, config: dict, source: str) -> None:
    """Raise :class:`ControlNetMismatch` unless the ControlNet steers this family and its sizes
    match the pipeline's denoiser."""
    families = CONTROLNETS[class_name]
    if family not in families:
        raise ControlNetMismatch(
            f"{Path(source).name} is a {class_name}, which steers {' or '.join(families)}; this model is "
            f"{type(pipe).__name__} ({family}). Use a ControlNet trained on {family}; ControlNets exist for "
            f"{', '.join(sorted({f for fs in CONTROLNETS.values() for f in fs}))}"
        )
    denoiser = getattr(pipe, "unet", None) or getattr(pipe, "transformer", None)
    own = dict(getattr(denoiser, "config", {}) or {})
    for key in SHARED_KEYS:
        if key in own and key in config and _norm(own[key]) != _norm(config[key]):
            raise ControlNetMismatch(
                f"{Path(source).name} was made for a model with {key}={config[key]}, and this {family} model has "
                f"{key}={own[key]} (e.g. an SDXL ControlNet on SD 1.5): use a ControlNet trained on this model"
            )


def _norm(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def load_controlnet(folder: Path, class_name: str, device: str, dtype: str) -> Any:
    import diffusers
    import torch

    model = getattr(diffusers, class_name).from_pretrained(
        folder, torch_dtype=getattr(torch, dtype), use_safetensors=True, local_files_only=True
    )
    return model.to(device).eval()
