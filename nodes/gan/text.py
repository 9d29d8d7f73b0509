"""Captions → token ids. The vocabulary is stored in the checkpoint, so a model reads text
exactly as it did in training; unknown words map to ``<unk>`` and are reported."""

from __future__ import annotations

import re

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+")
PAD, UNK = "<pad>", "<unk>"


def tokenize(caption: str) -> list[str]:
    """Lower-case word tokens (the same split ``text.analyze`` gives for these plain captions)."""
    return TOKEN.findall(caption.lower())


class Vocabulary:
    """Word ↔ id; id 0 pads, id 1 is unknown."""

    def __init__(self, words: list[str]) -> None:
        self.words = [PAD, UNK, *[w for w in words if w not in (PAD, UNK)]]
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def from_captions(cls, captions: list[str], base: list[str] | None = None) -> Vocabulary:
        seen = dict.fromkeys(base or [])
        for caption in captions:
            seen.update(dict.fromkeys(tokenize(caption)))
        return cls(sorted(seen))

    def unknown(self, caption: str) -> list[str]:
        return [w for w in tokenize(caption) if w not in self.index]

    def encode(self, captions: list[str], length: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, mask): int64 and bool arrays of shape (len(captions), length); long captions are cut."""
        ids = np.zeros((len(captions), length), np.int64)
        for row, caption in enumerate(captions):
            tokens = tokenize(caption)[:length] or [UNK]
            ids[row, : len(tokens)] = [self.index.get(w, 1) for w in tokens]
        return ids, ids != 0
