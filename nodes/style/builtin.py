"""The built-in style vector: evidence for each named axis from the words and the scene.

No weights: every number can be traced to a word ("neon" -> neon +2) or a scene fact
(time_of_day "night" -> night). Evidence accumulates per axis and saturates smoothly:
value = baseline + (1 - baseline)(1 - e^-pos) - baseline(1 - e^-neg).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from itertools import pairwise

import numpy as np

from nodes.scene.model import Scene

from .axes import AXES, BIPOLAR

WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
SCENE_EVIDENCE: dict[str, dict[str, dict[str, float]]] = {
    "time_of_day": {
        "night": {"night": 2.5, "brightness": -1.2, "contrast": 0.4},
        "dusk": {"night": 0.8, "golden_hour": 0.8},
        "sunset": {"golden_hour": 2.5, "warmth": 1.5},
        "dawn": {"golden_hour": 1.8, "warmth": 0.8},
        "day": {"brightness": 1.0},
    },
    "weather": {
        "rain": {"rain": 2.0},
        "fog": {"fog": 2.0},
        "snow": {"snow": 2.0},
        "storm": {"rain": 1.0, "contrast": 0.6},
    },
    "setting": {
        "city_street": {"urban": 2.0},
        "skyline": {"urban": 2.0},
        "savanna": {"nature": 2.0, "warmth": 0.6},
        "forest": {"nature": 2.0},
        "beach": {"nature": 1.5, "brightness": 0.4},
        "mountain": {"nature": 2.0},
    },
}


def words_of(text: str) -> list[str]:
    """Lower-case words plus their two-word phrases ("golden hour" -> "golden_hour" cue)."""
    ws = WORD.findall(text.lower())
    pairs = [f"{a} {b}" for a, b in pairwise(ws)]
    triples = [f"{a} {b} {c}" for a, b, c in zip(ws, ws[1:], ws[2:])]
    return ws + pairs + triples


def evidence(text: str, scene: Scene | None) -> dict[str, float]:
    """Summed cue weights per axis (positive and negative kept apart as 'axis+'/'axis-')."""
    found: dict[str, float] = defaultdict(float)
    counted: set[tuple[str, str]] = set()
    tokens = words_of(text)
    singular = [w[:-1] for w in tokens if w.endswith("s") and " " not in w]
    for ax in AXES:
        for w in tokens + singular:
            weight = ax.cues.get(w)
            if weight is not None and (ax.name, w) not in counted:
                counted.add((ax.name, w))
                found[ax.name + ("+" if weight > 0 else "-")] += abs(weight)
    if scene is not None:
        for key, weight in scene_evidence(scene).items():
            found[key] += weight
    return found


def scene_evidence(scene: Scene) -> dict[str, float]:
    s = scene.settings
    out: dict[str, float] = defaultdict(float)
    facts = [("time_of_day", s.get("time_of_day")), ("setting", s.get("setting"))]
    facts += [("weather", w) for w in s.get("weather", [])]
    for field, value in facts:
        for name, weight in SCENE_EVIDENCE.get(field, {}).get(value or "", {}).items():
            out[name + ("+" if weight > 0 else "-")] += abs(weight)
    if "neon" in s.get("lighting", []):
        out["neon+"] += 1.5
    for rgb, weight in scene_colours(scene):
        warm, sat = colour_warmth(rgb), colour_saturation(rgb)
        out["warmth+" if warm > 0 else "warmth-"] += abs(warm) * weight * 0.6
        out["saturation+" if sat > 0.5 else "saturation-"] += abs(sat - 0.5) * weight
    return out


def scene_colours(scene: Scene) -> list[tuple[tuple[int, int, int], float]]:
    """Colours named in the scene, weighted by how salient their entity is."""
    out = []
    for eid, data in scene.entities():
        salience = float(data.get("salience", 0.5))
        for wearer, _, d in scene.graph.in_edges(eid, data=True):
            if d.get("kind") == "wear":  # what the star wears is as visible as the star
                salience = max(salience, 0.8 * float(scene.entity(wearer).get("salience", 0.5)))
        for a in scene.attributes(eid):
            if a.get("rgb") and a.get("category") == "colour":
                out.append((tuple(a["rgb"]), 0.5 + salience))
    return out


def colour_warmth(rgb: tuple[int, int, int]) -> float:
    """-1 (blue) .. +1 (red/orange), 0 for greys."""
    r, g, b = (c / 255 for c in rgb)
    return float(np.clip((r - b) * (max(r, g, b) - min(r, g, b)) * 2, -1, 1))


def colour_saturation(rgb: tuple[int, int, int]) -> float:
    mx, mn = max(rgb) / 255, min(rgb) / 255
    return 0.0 if mx == 0 else (mx - mn) / mx


def vector_from_evidence(found: dict[str, float]) -> np.ndarray:
    values = []
    for ax in AXES:
        pos, neg = found.get(ax.name + "+", 0.0), found.get(ax.name + "-", 0.0)
        value = ax.baseline + (1 - ax.baseline) * (1 - math.exp(-pos / 1.5)) - ax.baseline * (1 - math.exp(-neg / 1.5))
        values.append(min(1.0, max(0.0, value)))
    return np.asarray(values, dtype=np.float32)


def builtin_vector(text: str, scene: Scene | None) -> np.ndarray:
    return vector_from_evidence(evidence(text, scene))


def tags_from_vector(vector: np.ndarray, scene: Scene | None, threshold: float = 0.45) -> list[str]:
    """Readable tags, strongest first: axis tags past a threshold, then the scene's style words."""
    scored: list[tuple[float, str]] = []
    for ax, value in zip(AXES, vector):
        high, low = ax.tags
        if ax.name in BIPOLAR:
            if high and value >= 0.62:
                scored.append((float(value - 0.5) * 2, high))
            elif low and value <= 0.38:
                scored.append((float(0.5 - value) * 2, low))
        elif high and value >= threshold:
            scored.append((float(value), high))
    tags = [t for _, t in sorted(scored, reverse=True)]
    if scene is not None:
        tags += [t for t in scene.settings.get("style_tags", []) if t not in tags and t not in ("rainy", "neon")]
    return list(dict.fromkeys(tags))
