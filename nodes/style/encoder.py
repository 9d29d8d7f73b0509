"""The text-encoder backend: a local CLIP text model or sentence-transformers model.

The model is loaded with transformers' ``from_pretrained(path, local_files_only=True)``
(nothing is downloaded) and kept per process. The prompt's embedding is the raw ``embedding``
of the STYLE value; the named axes come from projecting it on each axis's anchor phrases:
value = sigmoid(SCALE * (mean cosine to the positive anchors - mean cosine to the negative
ones)). With a real model the axes follow meaning; with random weights they are noise, but
the code path is the same.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from server.engine.errors import NodeInputError

from .axes import AXES

SCALE = 12.0
_CACHE: dict[tuple[str, float], Encoder] = {}
_LOCK = threading.Lock()


@dataclass
class Encoder:
    name: str
    kind: str  # "clip" or "mean-pooled"
    tokenizer: Any
    model: Any
    anchors: list[tuple[np.ndarray, np.ndarray]] | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings, one row per text."""
        import torch

        positions = getattr(self.model.config, "max_position_embeddings", None) or 512
        limit = min(int(getattr(self.tokenizer, "model_max_length", 512) or 512), int(positions), 512)
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=limit, return_tensors="pt")
        with torch.no_grad():
            out = self.model(**batch)
        if self.kind == "clip":
            vectors = getattr(out, "text_embeds", None)
            if vectors is None:
                vectors = out.pooler_output
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(out.last_hidden_state.dtype)
            vectors = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1)
        array = vectors.float().cpu().numpy()
        return array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-8)

    def axes(self, embedding: np.ndarray) -> np.ndarray:
        if self.anchors is None:
            self.anchors = [(self.embed(list(a.anchors[0])), self.embed(list(a.anchors[1]))) for a in AXES]
        values = []
        for pos, neg in self.anchors:
            margin = float((pos @ embedding).mean() - (neg @ embedding).mean())
            values.append(1.0 / (1.0 + np.exp(-SCALE * margin)))
        return np.asarray(values, dtype=np.float32)


def load_encoder(model_path: str) -> Encoder:
    """The encoder ``model_path`` names (a folder, or a hub id already in the local cache),
    found by the model manager's rules: offline, safetensors only."""
    from server.models import ModelError
    from server.models.resolve import resolve

    try:
        path = resolve(model_path).path
    except ModelError as exc:
        raise NodeInputError("model_path", f"{exc}; or use backend 'builtin'") from exc
    config_file = path / "config.json"
    if not config_file.is_file():
        raise NodeInputError(
            "model_path",
            f"{model_path!r} is not a model folder (no config.json); give the folder of a CLIP text model or a "
            "sentence-transformers model saved with save_pretrained, or use backend 'builtin'",
        )
    key = (str(path.resolve()), config_file.stat().st_mtime)
    with _LOCK:
        if key not in _CACHE:
            _CACHE.clear()  # one encoder resident at a time; they can be large
            _CACHE[key] = _load(path)
        return _CACHE[key]


def _load(path: Path) -> Encoder:
    from transformers import AutoConfig, AutoModel, AutoTokenizer, CLIPTextModel, CLIPTextModelWithProjection

    try:
        config = AutoConfig.from_pretrained(path, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        if config.model_type in ("clip", "clip_text_model"):
            projection = getattr(config, "projection_dim", None) or getattr(
                getattr(config, "text_config", None), "projection_dim", None
            )
            cls = CLIPTextModelWithProjection if projection else CLIPTextModel
            model, kind = cls.from_pretrained(path, local_files_only=True), "clip"
        else:
            model, kind = AutoModel.from_pretrained(path, local_files_only=True), "mean-pooled"
    except (OSError, ValueError, KeyError) as exc:
        raise NodeInputError("model_path", f"cannot load a text encoder from {str(path)!r}: {exc}") from exc
    model.eval()
    return Encoder(name=path.name, kind=kind, tokenizer=tokenizer, model=model)
