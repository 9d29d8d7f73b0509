"""The palette: the scene's own colours plus the colours its style axes stand for.

Candidates are weighted (a salient entity's colour, or an axis colour times the axis value),
near-duplicates merged, and the strongest kept, dominant first. A strong noir axis drains
the colour out of everything.
"""

from __future__ import annotations

import numpy as np

from nodes.scene.model import Scene
from nodes.text.colours import hex_of

from .axes import AXES
from .builtin import scene_colours

MAX_COLOURS = 6
MERGE_DISTANCE = 48.0
NEUTRALS = ("#3a3d46", "#c9c4b8", "#7d8590")  # used when nothing else speaks


def _rgb(hexcode: str) -> tuple[int, int, int]:
    return int(hexcode[1:3], 16), int(hexcode[3:5], 16), int(hexcode[5:7], 16)


def palette(vector: np.ndarray, scene: Scene | None) -> tuple[str, ...]:
    candidates: list[tuple[np.ndarray, float]] = []
    if scene is not None:
        candidates += [(np.asarray(rgb, float), 1.2 * w) for rgb, w in scene_colours(scene)]
    for ax, value in zip(AXES, vector):
        strength = float(value - 0.5) * 2 if ax.name == "warmth" else float(value)
        if ax.name == "warmth" and strength < 0:
            colours, strength = ax.colours[1:], -strength
        else:
            colours = ax.colours[:1] if ax.name == "warmth" else ax.colours
        for k, hexcode in enumerate(colours):
            if strength > 0.2:
                candidates.append((np.asarray(_rgb(hexcode), float), strength * (1.6 - 0.2 * k)))
    merged = _merge(candidates)
    if len(merged) < 3:
        merged += [(np.asarray(_rgb(h), float), 0.01) for h in NEUTRALS[: 3 - len(merged)]]
    noir = float(vector[[a.name for a in AXES].index("noir")])
    out = []
    for rgb, _ in sorted(merged, key=lambda item: -item[1])[:MAX_COLOURS]:
        if noir > 0.6:
            grey = float(rgb @ np.array([0.299, 0.587, 0.114]))
            rgb = rgb + (grey - rgb) * min(1.0, (noir - 0.6) * 2.5)
        out.append(hex_of(tuple(rgb)))
    return tuple(dict.fromkeys(out))


def _merge(candidates: list[tuple[np.ndarray, float]]) -> list[tuple[np.ndarray, float]]:
    merged: list[tuple[np.ndarray, float]] = []
    for rgb, weight in sorted(candidates, key=lambda item: -item[1]):
        for k, (other, w) in enumerate(merged):
            if float(np.linalg.norm(rgb - other)) < MERGE_DISTANCE:
                merged[k] = ((other * w + rgb * weight) / (w + weight), w + weight)
                break
        else:
            merged.append((rgb, weight))
    return merged
