"""The DATASET value: captioned clips for training, plus a fixed held-out split.

Two sources make it. ``synthetic`` draws a fresh batch for every training step from a seed
(an unlimited, labelled set, reproducible step by step so that a resumed run sees the same
batches); ``folder`` decodes the user's clips once and samples from them. Both keep a fixed
held-out split that the evaluator scores on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .grammar import ATTRIBUTES, Composition, parse_caption, triples, vocabulary
from .synthetic import render_clip


@dataclass
class CaptionedClips:
    """Clips are uint8 (N, T, H, W, 3). ``source`` is 'synthetic' or 'folder'."""

    source: str
    size: int
    frames: int
    fps: float
    seed: int
    heldout_clips: np.ndarray
    heldout_captions: list[str]
    train_clips: np.ndarray | None = None  # folder: the decoded pool; synthetic: drawn per batch
    train_captions: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    @property
    def nbytes(self) -> int:
        pool = self.train_clips.nbytes if self.train_clips is not None else 0
        return int(self.heldout_clips.nbytes + pool)

    @property
    def train_count(self) -> int | None:
        """Clips in the training pool; None for the unlimited synthetic source."""
        return None if self.train_clips is None else len(self.train_clips)

    def batch(self, seed: int, step: int, n: int) -> tuple[np.ndarray, list[str]]:
        """The training batch of ``step``: a pure function of (seed, step), so resuming repeats it."""
        rng = np.random.default_rng([seed, step, 0xDA7A])
        if self.train_clips is not None:
            idx = rng.integers(0, len(self.train_clips), n)
            return self.train_clips[idx], [self.train_captions[i] for i in idx]
        comps = [random_composition(rng, "train") for _ in range(n)]
        clips = np.stack([render_clip(c, rng, self.size, self.frames) for c in comps])
        return clips, [c.caption for c in comps]

    def real_for_captions(self, captions: list[str], seed: int) -> np.ndarray:
        """Real clips drawn for the given grammar captions (the evaluator's ceiling and training set)."""
        rng = np.random.default_rng([seed, 0xC1A5])
        comps = [parse_caption(c) for c in captions]
        if any(c is None for c in comps):
            raise ValueError("real clips can only be drawn for synthetic-grammar captions")
        return np.stack([render_clip(c, rng, self.size, self.frames) for c in comps])  # type: ignore[arg-type]

    def summary(self) -> dict[str, Any]:
        return {
            "type": "DATASET",
            "source": self.source,
            "clip": [self.frames, self.size, self.size, 3],
            "train": self.train_count if self.train_count is not None else "unlimited",
            "heldout": len(self.heldout_captions),
            "words": len(self.words),
        }


def random_composition(rng: np.random.Generator, split: str) -> Composition:
    obj, colour, motion = triples(split)[int(rng.integers(0, len(triples(split))))]
    setting = ATTRIBUTES["setting"][int(rng.integers(0, len(ATTRIBUTES["setting"])))]
    time = ATTRIBUTES["time"][int(rng.integers(0, len(ATTRIBUTES["time"])))]
    return Composition(obj, colour, motion, setting, time)


def synthetic_dataset(size: int, frames: int, heldout: int, seed: int, fps: float = 8.0) -> CaptionedClips:
    """Held-out clips cycle through every held-out triple, settings and times drawn at random."""
    rng = np.random.default_rng([seed, 0x4E1D])
    held = triples("heldout")
    comps = []
    for k in range(heldout):
        obj, colour, motion = held[k % len(held)]
        setting = ATTRIBUTES["setting"][int(rng.integers(0, 3))]
        time = ATTRIBUTES["time"][int(rng.integers(0, 2))]
        comps.append(Composition(obj, colour, motion, setting, time))
    clips = np.stack([render_clip(c, rng, size, frames) for c in comps])
    return CaptionedClips(
        source="synthetic",
        size=size,
        frames=frames,
        fps=fps,
        seed=seed,
        heldout_clips=clips,
        heldout_captions=[c.caption for c in comps],
        words=vocabulary(),
    )


def contact_sheet(clips: np.ndarray, columns: int = 8, rows: int = 6) -> np.ndarray:
    """Rows of clips, each shown as ``columns`` frames spread over its length (H×W×3 uint8)."""
    clips = clips[:rows]
    t = clips.shape[1]
    pick = np.linspace(0, t - 1, min(columns, t)).round().astype(int)
    strips = [np.concatenate(list(clip[pick]), axis=1) for clip in clips]
    return np.ascontiguousarray(np.concatenate(strips, axis=0))
