"""The evaluator: a small video classifier trained on real clips reads each attribute back.

It is trained on real clips of the *training* compositions only, then scores three sets of
the held-out compositions in one run: real clips (the ceiling: how well the classifier reads
real video), the generator's clips for those captions, and the generator's clips for
shuffled captions scored against the unshuffled ones (the floor: what a generator that
ignores the caption would get, near chance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .dataset import CaptionedClips
from .generate import generate
from .grammar import ATTRIBUTES, SCORED, parse_caption
from .values import Attention, GanModel

SIDE = 32  # the classifier sees clips at (at most) 32×32: enough for shape, colour and direction


class Classifier(nn.Module):
    """3-D convolutions over (time, height, width) and one linear head per attribute."""

    def __init__(self, frames: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv3d(3, 16, 3, (1, 2, 2), 1),
            nn.ReLU(),
            nn.Conv3d(16, 32, 3, 2, 1),
            nn.ReLU(),
            nn.Conv3d(32, 64, 3, 2, 1),
            nn.ReLU(),
            nn.AdaptiveAvgPool3d((1, 2, 2)),
            nn.Flatten(),
        )
        self.heads = nn.ModuleDict({k: nn.Linear(256, len(ATTRIBUTES[k])) for k in SCORED})

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        f = self.body(x)
        return {k: head(f) for k, head in self.heads.items()}


def prepare(clips: np.ndarray) -> torch.Tensor:
    """uint8 (N, T, H, W, 3) → float (N, 3, T, 32, 32) in [-1, 1]."""
    x = torch.from_numpy(clips).permute(0, 4, 1, 2, 3).float().div(127.5).sub(1.0)
    n, c, t, h, w = x.shape
    if h > SIDE:
        x = F.interpolate(x.reshape(n, c * t, h, w), size=(SIDE, SIDE), mode="area").reshape(n, c, t, SIDE, SIDE)
    return x


def labels(captions: list[str]) -> dict[str, np.ndarray]:
    comps = [parse_caption(c) for c in captions]
    if any(c is None for c in comps):
        raise ValueError("the evaluator needs captions of the synthetic grammar (object, colour, motion, setting)")
    return {k: np.array([c.label(k) for c in comps]) for k in SCORED}  # type: ignore[union-attr]


def train_classifier(dataset: CaptionedClips, seed: int, steps: int, pool: int = 768, batch: int = 32) -> Classifier:
    """Real clips of training compositions (drawn once into a pool), Adam, cross-entropy per attribute."""
    torch.manual_seed(seed)
    clips, captions = dataset.batch(seed + 7919, 0, pool)
    x_all, y_all = prepare(clips), {k: torch.from_numpy(v) for k, v in labels(captions).items()}
    net = Classifier(dataset.frames)
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    rng = np.random.default_rng(seed)
    net.train()
    for _ in range(steps):
        idx = torch.from_numpy(rng.integers(0, pool, batch))
        x = x_all[idx]
        x = x + 0.03 * torch.randn_like(x)  # a little noise: generated clips are never pixel-clean
        out = net(x)
        loss = sum(F.cross_entropy(out[k], y_all[k][idx]) for k in SCORED)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return net.eval()


@torch.no_grad()
def accuracy(net: Classifier, clips: np.ndarray, captions: list[str]) -> dict[str, float]:
    truth = labels(captions)
    preds: dict[str, list[np.ndarray]] = {k: [] for k in SCORED}
    for start in range(0, len(clips), 64):
        out = net(prepare(clips[start : start + 64]))
        for k in SCORED:
            preds[k].append(out[k].argmax(1).numpy())
    return {k: float((np.concatenate(preds[k]) == truth[k]).mean()) for k in SCORED}


def attention_mass(attention: Attention, kinds: tuple[str, ...] = ("object", "colour")) -> float:
    """Mean over clips and frames of the attention on the words naming ``kinds``."""
    total = []
    for k, caption in enumerate(attention.captions):
        comp = parse_caption(caption)
        if comp is None:
            continue
        named = {getattr(comp, kind) for kind in kinds}
        cols = [i for i, w in enumerate(attention.tokens[k]) if w in named]
        total.append(float(attention.of(k)[:, cols].sum(1).mean()))
    return float(np.mean(total)) if total else float("nan")


@dataclass(frozen=True)
class Evaluation:
    ceiling: dict[str, float]
    generated: dict[str, float]
    floor: dict[str, float]
    chance: dict[str, float]
    attention_mass: float
    clips: int

    def to_json(self) -> dict:
        return {
            "clips": self.clips,
            "ceiling_real_heldout": self.ceiling,
            "generated_heldout": self.generated,
            "floor_shuffled_captions": self.floor,
            "chance": self.chance,
            "attention_mass_object_colour": round(self.attention_mass, 4),
        }

    def table(self) -> str:
        rows = ["attribute   real (ceiling)  generated  shuffled (floor)  chance"]
        for k in SCORED:
            rows.append(
                f"{k:<11} {self.ceiling[k]:>14.1%}  {self.generated[k]:>9.1%}  {self.floor[k]:>16.1%}  {self.chance[k]:>6.1%}"
            )
        rows.append(f"attention mass on object+colour words: {self.attention_mass:.3f}")
        return "\n".join(rows)


def evaluate(model: GanModel, dataset: CaptionedClips, seed: int, classifier_steps: int) -> Evaluation:
    net = train_classifier(dataset, seed, classifier_steps)
    captions = list(dataset.heldout_captions)
    ceiling = accuracy(net, dataset.heldout_clips, captions)
    clips, attention = generate(model, captions, seed)
    generated = accuracy(net, clips, captions)
    order = np.random.default_rng([seed, 0x5A0F]).permutation(len(captions))
    shuffled, _ = generate(model, [captions[i] for i in order], seed)
    floor = accuracy(net, shuffled, captions)
    chance = {k: 1.0 / len(ATTRIBUTES[k]) for k in SCORED}
    return Evaluation(ceiling, generated, floor, chance, attention_mass(attention), len(captions))
