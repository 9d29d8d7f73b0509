"""LoRA files: where one is, which base family it fits, whether it fits a loaded pipeline,
and bringing a stack of them into force for one pipeline call.

A LoRA is read from its safetensors header only (key names and shapes) until it is applied,
so the picker can list hundreds. It is applied right before a call (diffusers'
``load_lora_weights`` and ``set_adapters``) and unloaded right after: the resident pipeline is
shared by every node that uses the model, and a graph whose LoRA node is gone or changed gets
the base weights back exactly.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ModelError, ModelNotFound, UnsafeWeights
from .resolve import HUB_ID, PICKLE_SUFFIXES

LORA_FOLDER = "loras"  # under each model root
PREFERRED = ("pytorch_lora_weights.safetensors",)  # what save_lora_weights writes
LOW_RANK = re.compile(r"\.(lora_A|lora_B|lora\.down|lora\.up|lora_down|lora_up)(\.[^.]+)?\.weight$")


class LoraMismatch(ModelError):
    """The LoRA was made for another model (its layers are not in the pipeline, or differ in size)."""


@dataclass(frozen=True)
class Lora:
    """One LoRA in a stack: its file, the family its layer names say, and its strength."""

    path: str
    family: str
    strength: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "family": self.family, "strength": self.strength}


# -- finding the file ------------------------------------------------------------------------
def resolve_lora(source: str, *, cache_dir: Path | None = None) -> Path:
    """The safetensors file ``source`` names: a file, a folder holding one, or a hub id in the local cache."""
    source = source.strip()
    if not source:
        raise ModelNotFound(source, "name a LoRA: a .safetensors file, a folder holding one, or a cached hub id")
    path = Path(source).expanduser()
    if not path.exists() and HUB_ID.fullmatch(source) and not source.startswith((".", "/", "~")):
        path = _hub_snapshot(source, cache_dir)
    if path.is_dir():
        path = _weights_in(source, path)
    if not path.is_file():
        raise ModelNotFound(source, f"no LoRA file at {str(path)!r}: give a .safetensors file or a folder holding one")
    if path.suffix in PICKLE_SUFFIXES:
        raise UnsafeWeights(
            f"{path.name} is a pickle file; Reelgraph loads LoRAs from .safetensors only. Convert it once "
            "(load it with torch and save it with safetensors.torch.save_file) or download the .safetensors release"
        )
    if path.suffix != ".safetensors":
        raise ModelNotFound(source, f"{path.name} is no .safetensors file")
    return path.resolve()


def _weights_in(source: str, folder: Path) -> Path:
    files = sorted(folder.glob("*.safetensors"))
    for name in PREFERRED:
        if (folder / name).is_file():
            return folder / name
    if len(files) == 1:
        return files[0]
    if not files:
        pickled = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
        if pickled:
            raise UnsafeWeights(
                f"{folder} holds only pickled LoRA weights ({', '.join(pickled)}); Reelgraph loads .safetensors only. "
                "Convert them once (safetensors.torch.save_file) or download the .safetensors release"
            )
        raise ModelNotFound(source, f"{folder} holds no .safetensors LoRA file")
    raise ModelNotFound(
        source, f"{folder} holds several .safetensors files ({', '.join(f.name for f in files)}): name the one to use"
    )


def _hub_snapshot(repo_id: str, cache_dir: Path | None) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, cache_dir=cache_dir, local_files_only=True))
    except LocalEntryNotFoundError as exc:
        raise ModelNotFound(
            repo_id,
            f"{repo_id!r} is not in the local Hugging Face cache and downloads are off: fetch it once with "
            f"`hf download {repo_id}` or give the .safetensors file",
        ) from exc


# -- reading what it is ------------------------------------------------------------------------
def header(path: Path) -> dict[str, Any]:
    """The safetensors header: tensor name -> {dtype, shape, ...}, plus ``__metadata__``."""
    try:
        with path.open("rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            data = json.loads(f.read(length))
    except (OSError, ValueError, struct.error) as exc:
        raise ModelNotFound(str(path), f"{path.name} is not a readable safetensors file: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelNotFound(str(path), f"{path.name} is not a readable safetensors file")
    return data


def low_rank_keys(tensors: dict[str, Any]) -> dict[str, list[int]]:
    """``layer name -> shape of its down (A) matrix`` for every low-rank pair in the file."""
    out: dict[str, list[int]] = {}
    for key, info in tensors.items():
        if key == "__metadata__" or not isinstance(info, dict):
            continue
        match = LOW_RANK.search(key)
        if match and match.group(1) in ("lora_A", "lora.down", "lora_down"):
            out[key[: match.start()]] = list(info.get("shape", []))
    return out


def family_of(tensors: dict[str, Any]) -> str:
    """The base family a LoRA's layer names (and sizes) say it was made for: "sd", "sdxl", "flux",
    "sd3", "wan", "ltx", "hunyuan_video", "qwen_image", or "unknown"."""
    layers = low_rank_keys(tensors)
    names = " ".join(layers)
    if not layers:
        return "unknown"
    if "single_transformer_blocks" in names or "single_blocks" in names:
        return "flux"
    if "unet" in names:
        if "text_encoder_2" in names or "lora_te2_" in names:
            return "sdxl"
        cross = [shape[1] for name, shape in layers.items() if re.search(r"attn2[._]to_k$", name) and len(shape) == 2]
        return "sdxl" if cross and cross[0] == 2048 else "sd"
    if "context_block" in names or "joint_blocks" in names:
        return "sd3"
    if "img_mlp" in names or "txt_mlp" in names:
        return "qwen_image"
    if re.search(r"blocks\.\d+\.(cross_attn|self_attn|ffn)", names):
        return "wan"
    if "transformer_blocks" in names and ("attn1.to_q" in names or "scale_shift_table" in names):
        return "ltx"
    if "double_blocks" in names or "token_refiner" in names:
        return "hunyuan_video"
    return "unknown"


# -- checking it against a pipeline ------------------------------------------------------------
def check_fits(pipe: Any, path: Path, family: str, pipe_family: str) -> None:
    """Raise :class:`LoraMismatch` unless every low-rank layer of the LoRA names a layer of the
    pipeline's denoiser (or text encoder) with the same input size. Checks diffusers/peft key
    names exactly; kohya-style names (``lora_unet_...``) by family."""
    if not hasattr(pipe, "load_lora_weights"):
        raise LoraMismatch(
            f"{type(pipe).__name__} takes no LoRAs in diffusers; use a LoRA with a model that does "
            "(Stable Diffusion, SDXL, SD 3.5, FLUX, Wan, LTX-Video, HunyuanVideo, CogVideoX, ...)"
        )
    layers = low_rank_keys(header(path))
    if not layers:
        raise LoraMismatch(f"{path.name} has no LoRA layers (no lora_A/lora_B or lora_down/lora_up tensors)")
    dotted = {name: shape for name, shape in layers.items() if "." in name and not name.startswith("lora_")}
    if not dotted:  # kohya-style names: only the family can be compared
        if family not in ("unknown", pipe_family):
            raise LoraMismatch(_made_for(path, family, pipe, pipe_family))
        return
    modules = _modules(pipe)
    misfits = []
    for name, shape in dotted.items():
        module = modules.get(name) or modules.get(name.removeprefix("base_model.model."))
        in_features = getattr(module, "in_features", None) or getattr(module, "in_channels", None)
        if module is None or (len(shape) >= 2 and in_features is not None and in_features != shape[1]):
            misfits.append(name)
    if misfits:
        detail = (
            f"{len(misfits)} of its {len(dotted)} layers, e.g. {misfits[0]}, are not in this model or differ in size"
        )
        raise LoraMismatch(_made_for(path, family, pipe, pipe_family) + f" ({detail})")


def _made_for(path: Path, family: str, pipe: Any, pipe_family: str) -> str:
    made = f"made for {family}" if family != "unknown" else "made for another model"
    return (
        f"{path.name} is a LoRA {made}; this pipeline is {type(pipe).__name__} ({pipe_family}). "
        f"Use a LoRA trained on {pipe_family}, or load the model the LoRA was made for"
    )


def _modules(pipe: Any) -> dict[str, Any]:
    """Every submodule of the pipeline's LoRA-able components, by the names LoRA files use."""
    import torch

    out: dict[str, Any] = {}
    for component in ("unet", "transformer", "text_encoder", "text_encoder_2", "transformer_2"):
        model = getattr(pipe, component, None)
        if isinstance(model, torch.nn.Module):
            for name, module in model.named_modules():
                out[f"{component}.{name}"] = module
                out.setdefault(name, module)  # files saved without the component prefix
    return out


# -- applying a stack for one call ---------------------------------------------------------------
@contextmanager
def applied_loras(pipe: Any, loras: tuple[Lora, ...]) -> Iterator[None]:
    """The LoRAs in force with their strengths during the block, unloaded after it."""
    if not loras:
        yield
        return
    names: list[str] = []
    try:
        for i, lora in enumerate(loras):
            path = Path(lora.path)
            name = f"reelgraph_{i}"
            pipe.load_lora_weights(str(path.parent), weight_name=path.name, adapter_name=name)
            names.append(name)
        pipe.set_adapters(names, adapter_weights=[lora.strength for lora in loras])
        yield
    finally:
        if names:
            pipe.unload_lora_weights()
