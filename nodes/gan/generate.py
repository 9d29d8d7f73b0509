"""Sampling: captions (+ seed) → clips and attention, in batches, without gradients."""

from __future__ import annotations

import numpy as np
import torch

from .text import Vocabulary, tokenize
from .train import noise, to_uint8
from .values import Attention, GanModel, Precision

BATCH = 16  # clips painted per pass: measured fastest on a 2-core CPU (bench/gan.py); larger ones spill the caches
PLAN_BATCH = 256  # clips per pass of the recurrence: small operations, whose cost per call larger batches amortise


def native_bf16(device: torch.device) -> bool:
    """Does this device multiply bfloat16 natively? CUDA GPUs from Ampere on do; on a CPU,
    AVX-512 BF16 or AMX does (elsewhere torch emulates it, slower than float32)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    cpu = torch.cpu
    checks = (getattr(cpu, "_is_avx512_bf16_supported", None), getattr(cpu, "_is_amx_tile_supported", None))
    return any(check is not None and check() for check in checks)


def compute_dtype(precision: Precision, device: torch.device) -> torch.dtype:
    """bfloat16 for ``bf16``, and for ``auto`` where the device has it natively; else float32.
    Generation only: training stays in float32 (a GAN's balance is fragile)."""
    if precision == "bf16" or (precision == "auto" and native_bf16(device)):
        return torch.bfloat16
    return torch.float32


@torch.inference_mode()  # not just no_grad: no version counters or view tracking either (+10 % clips/s)
def generate(
    model: GanModel, captions: list[str], seed: int, batch: int = BATCH, precision: Precision = "auto"
) -> tuple[np.ndarray, Attention]:
    """Clips uint8 (N, T, H, W, 3) and their attention; clip k's noise depends on (seed, k) only.

    ``precision``: convolutions and matrix products in bfloat16 under autocast (norms and softmax
    stay float32); on a CPU with AVX-512 BF16 it draws more clips per second, and bench/gan.py
    measures both precisions' speed, how far their pictures differ and how the evaluator reads them."""
    cfg = model.cfg
    vocab = Vocabulary(list(cfg.words))
    device = next(model.generator.parameters()).device
    dtype = compute_dtype(precision, device)
    clips, maps = [], []
    generator = model.generator
    planned = max(batch, PLAN_BATCH)
    for start in range(0, len(captions), planned):
        part = captions[start : start + planned]
        ids, mask = vocab.encode(part, cfg.max_words)
        z = torch.cat([noise(seed, start + k, 1, cfg.z_dim, device) for k in range(len(part))])
        with torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32):
            plan = generator.plan(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device), z)
            for first in range(0, len(part), batch):
                video = generator.paint(plan.clips(first, first + batch), z[first : first + batch])
                clips.append(to_uint8(video))
        maps.append(plan.heads.mean(2).float().cpu().numpy())
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
