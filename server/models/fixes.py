"""Workarounds for published checkpoints that the installed libraries no longer load as they
were saved. Each names the checkpoint, what breaks, and stays exact: the same weights, only
the class that holds them changes.
"""

from __future__ import annotations

from typing import Any

from .resolve import ModelFiles


def component_overrides(files: ModelFiles, torch_dtype: Any) -> dict[str, Any]:
    """Components to hand to ``DiffusionPipeline.from_pretrained`` instead of loading them from
    the class the folder's model_index.json names."""
    if files.class_name == "AudioLDM2Pipeline" and _names(files.config, "language_model", "GPT2Model"):
        return {"language_model": _audioldm2_language_model(files, torch_dtype)}
    return {}


def _audioldm2_language_model(files: ModelFiles, torch_dtype: Any) -> Any:
    """AudioLDM 2 checkpoints (cvssp/audioldm2, -large, -music) save their GPT-2 as ``GPT2Model``,
    but diffusers 0.42 generates its prompt features with ``GenerationMixin`` methods that
    transformers 5 only gives ``GPT2LMHeadModel`` (huggingface/diffusers#12630). The head model
    holds the same GPT-2 (its LM head is tied to the token embedding, and the pipeline reads only
    the hidden states), so it loads the same weights and computes the same features."""
    from transformers import GPT2LMHeadModel

    return GPT2LMHeadModel.from_pretrained(
        files.path / "language_model", dtype=torch_dtype, use_safetensors=True, local_files_only=True
    )


def _names(model_index: dict, component: str, class_name: str) -> bool:
    value = model_index.get(component)
    return isinstance(value, list) and len(value) == 2 and value[1] == class_name
