"""The STYLE value: a vector with named axes, readable tags and a palette."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Style:
    """``vector[i]`` is the strength (0..1) of the named, interpretable ``axes[i]`` (warmth,
    neon, saturation, ...), which every backend fills so that renderers can read them.
    A text-encoder backend adds its raw ``embedding`` (e.g. a CLIP text vector) for model
    conditioning. ``palette`` is a list of '#rrggbb' colours, dominant first."""

    vector: np.ndarray
    axes: tuple[str, ...]
    tags: tuple[str, ...]
    palette: tuple[str, ...]
    backend: str
    embedding: np.ndarray | None = None

    def axis(self, name: str, default: float = 0.0) -> float:
        return float(self.vector[self.axes.index(name)]) if name in self.axes else default

    @property
    def nbytes(self) -> int:
        return int(self.vector.nbytes) + (int(self.embedding.nbytes) if self.embedding is not None else 0)

    def summary(self) -> dict[str, Any]:
        return {"type": "STYLE", **self.to_json()}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "backend": self.backend,
            "tags": list(self.tags),
            "palette": list(self.palette),
            "axes": {a: round(float(v), 4) for a, v in zip(self.axes, self.vector)},
        }
        if self.embedding is not None:
            out["embedding"] = {
                "dims": int(self.embedding.shape[-1]),
                "norm": round(float(np.linalg.norm(self.embedding)), 4),
            }
        return out
