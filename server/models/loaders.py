"""Loading from a resolved folder: diffusers pipelines, and transformers models (e.g. VITS /
MMS-TTS speech) wrapped so that the manager treats both alike. Safetensors only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import MissingDependency
from .fixes import component_overrides
from .resolve import ModelFiles

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "spiece.model")
LIBRARIES = ("diffusers", "transformers")


@dataclass
class TransformersBundle:
    """A transformers model with its tokenizer or image processor; ``components`` mirrors a
    diffusers pipeline so that memory accounting and unloading treat both alike."""

    model: Any
    tokenizer: Any | None
    processor: Any | None = None  # e.g. a depth model's resize and normalisation

    @property
    def components(self) -> dict[str, Any]:
        return {"model": self.model, "tokenizer": self.tokenizer, "processor": self.processor}


def load_transformers(files: ModelFiles, device: str, torch_dtype: Any) -> TransformersBundle:
    import transformers

    model_class = getattr(transformers, files.class_name, None)
    if model_class is None:
        model_class = transformers.AutoModel
    model = model_class.from_pretrained(files.path, dtype=torch_dtype, use_safetensors=True, local_files_only=True)
    model = model.to(device).eval()
    tokenizer = None
    if any((files.path / name).exists() for name in TOKENIZER_FILES):
        tokenizer = transformers.AutoTokenizer.from_pretrained(files.path, local_files_only=True)
    processor = None
    if (files.path / "preprocessor_config.json").exists():
        processor = transformers.AutoImageProcessor.from_pretrained(files.path, local_files_only=True)
    return TransformersBundle(model, tokenizer, processor)


def load_pipeline(files: ModelFiles, device: str, dtype: str, offload: str = "off") -> Any:
    """The pipeline on ``device``; with ``offload="model"`` its weights stay in RAM and each model
    (text encoder, denoiser, VAE) moves to ``device`` only while it runs (accelerate hooks)."""
    import torch
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.disable_progress_bar()  # load bars would flood the server's log
    transformers_logging.disable_progress_bar()
    torch_dtype = getattr(torch, dtype)
    if files.library != "diffusers":
        return load_transformers(files, device, torch_dtype)
    from diffusers import DiffusionPipeline

    check_backends(files)
    pipeline = DiffusionPipeline.from_pretrained(
        files.path,
        dtype=torch_dtype,
        use_safetensors=True,
        local_files_only=True,
        **component_overrides(files, torch_dtype),
    )
    pipeline.set_progress_bar_config(disable=True)
    if offload == "model":
        pipeline.enable_model_cpu_offload(device=device)
        return pipeline
    return pipeline.to(device)


def check_backends(files: ModelFiles) -> None:
    """Refuse a pipeline whose component classes the installed libraries only offer as
    placeholders (their optional backend is missing), naming the component and the package,
    instead of the library's error from deep inside ``from_pretrained``."""
    import importlib

    for name, value in files.config.items():
        if name.startswith("_") or not isinstance(value, list) or len(value) != 2 or value[0] not in LIBRARIES:
            continue
        cls = getattr(importlib.import_module(value[0]), str(value[1]), None)
        backends = getattr(cls, "_backends", None) if type(cls).__name__ == "DummyObject" else None
        if backends:
            missing = ", ".join(backends)
            raise MissingDependency(
                f"{files.source}: its {name} component ({value[1]}) needs {missing}, which is not installed. "
                f"Install it (`pip install {missing}`, the build that matches your torch) and load the model again"
            )
