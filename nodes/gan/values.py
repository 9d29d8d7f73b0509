"""The MODEL and ATTENTION values that travel between the GAN nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

Precision = Literal["auto", "fp32", "bf16"]  # of generation; see generate.compute_dtype


@dataclass
class GanModel:
    """A trained generator (EMA weights) and its discriminator, loaded from ``path``."""

    path: Path
    cfg: Any  # model.GanConfig
    generator: Any  # model.Generator, eval mode
    discriminator: Any  # model.Discriminator, eval mode
    step: int
    history: dict[str, list[float]] = field(default_factory=dict)
    fps: float = 8.0

    @property
    def nbytes(self) -> int:
        return int(
            sum(p.numel() * p.element_size() for m in (self.generator, self.discriminator) for p in m.parameters())
        )

    def is_valid(self) -> bool:
        return self.path.exists()

    def summary(self) -> dict[str, Any]:
        return {
            "type": "MODEL",
            "path": str(self.path),
            "step": self.step,
            "clip": [self.cfg.frames, self.cfg.size, self.cfg.size, 3],
            "words": len(self.cfg.words),
        }


@dataclass(frozen=True)
class Attention:
    """Per clip: the caption's tokens and its words × frames attention (rows over words sum to 1)."""

    captions: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    weights: np.ndarray  # (clips, frames, max_words) float32, zero beyond each caption's tokens

    @property
    def nbytes(self) -> int:
        return int(self.weights.nbytes)

    def of(self, clip: int) -> np.ndarray:
        """(frames, words) for one clip, cut to its tokens."""
        return self.weights[clip, :, : len(self.tokens[clip])]

    def summary(self) -> dict[str, Any]:
        return {"type": "ATTENTION", "clips": len(self.captions), "frames": int(self.weights.shape[1])}

    def to_json(self) -> dict[str, Any]:
        return {
            "captions": list(self.captions),
            "tokens": [list(t) for t in self.tokens],
            "weights": [np.round(self.of(k), 4).tolist() for k in range(len(self.captions))],
        }
