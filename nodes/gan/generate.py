"""Sampling: captions (+ seed) → clips and attention, in batches, without gradients."""

from __future__ import annotations

import numpy as np
import torch

from .text import Vocabulary, tokenize
from .train import noise, to_uint8
from .values import Attention, GanModel


@torch.no_grad()
def generate(model: GanModel, captions: list[str], seed: int, batch: int = 64) -> tuple[np.ndarray, Attention]:
    """Clips uint8 (N, T, H, W, 3) and their attention; clip k's noise depends on (seed, k) only."""
    cfg = model.cfg
    vocab = Vocabulary(list(cfg.words))
    device = next(model.generator.parameters()).device
    clips, maps = [], []
    for start in range(0, len(captions), batch):
        part = captions[start : start + batch]
        ids, mask = vocab.encode(part, cfg.max_words)
        z = torch.cat([noise(seed, start + k, 1, cfg.z_dim, device) for k in range(len(part))])
        video, weights = model.generator(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device), z)
        clips.append(to_uint8(video))
        maps.append(weights.float().cpu().numpy())
    tokens = tuple(tuple(tokenize(c)[: cfg.max_words]) or ("<unk>",) for c in captions)
    return np.concatenate(clips), Attention(tuple(captions), tokens, np.concatenate(maps).astype(np.float32))


@torch.no_grad()
def match_scores(model: GanModel, clips: np.ndarray, captions: list[str]) -> np.ndarray:
    """The discriminator's logit for each (clip, caption) pair."""
    from .train import to_tensor

    vocab = Vocabulary(list(model.cfg.words))
    device = next(model.discriminator.parameters()).device
    ids, mask = vocab.encode(captions, model.cfg.max_words)
    out = model.discriminator(
        to_tensor(clips, device), torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)
    )
    return out.float().cpu().numpy()
