"""The evaluator: a small video classifier trained on real clips reads each attribute back.

It is a measuring instrument, so it is trained on fresh real clips of *every* composition:
the generator never sees the held-out triples, but a classifier trained only on the training
triples learns the split itself (in the Latin square, given colour and motion, the held-out
object never occurs), and then reads exactly the held-out answer as least likely — that capped
the old ceiling at 57 % for objects. It scores three sets of held-out compositions in one run:
real clips not used in its training (the ceiling: how well it reads real video), the
generator's clips for those captions, and the generator's clips for shuffled captions scored
against the unshuffled ones (the floor: what a generator that ignores the caption would get,
near chance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .dataset import CaptionedClips
from .generate import generate
from .grammar import ATTRIBUTES, SCORED, Composition, parse_caption
from .model import clip_trunk
from .values import Attention, GanModel, Precision

SIDE = 32  # the classifier sees clips at (at most) 32×32: enough for shape, colour and direction


class Classifier(nn.Module):
    """The clip trunk (``model.clip_trunk``) with batch norm — it is trained on real clips only
    and then judges, in eval mode — and one linear head per attribute."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.body = clip_trunk(width, nn.BatchNorm3d)
        self.heads = nn.ModuleDict({k: nn.Linear(2 * width * 8, len(ATTRIBUTES[k])) for k in SCORED})

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


def train_classifier(
    dataset: CaptionedClips, seed: int, steps: int, pool: int | None = None, batch: int = 32
) -> Classifier:
    """Real clips of every composition (drawn once into a pool), Adam, cross-entropy per attribute.

    The pool grows with the steps (two clips per step, 512 to 3072): trained 1500 steps on 1024
    clips it memorised them; on 3072 its ceiling on real held-out clips rose to 97–100 %."""
    pool = pool or min(3072, max(512, 2 * steps))
    torch.manual_seed(seed)
    captions = every_composition(seed, pool)
    clips = dataset.real_for_captions(captions, seed + 7919)
    x_all, y_all = prepare(clips), {k: torch.from_numpy(v) for k, v in labels(captions).items()}
    net = Classifier()
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


def every_composition(seed: int, n: int) -> list[str]:
    """``n`` captions drawn uniformly from all compositions, held-out triples included."""
    rng = np.random.default_rng([seed, 0xE7A1])
    return [
        Composition(*(values[int(rng.integers(0, len(values)))] for values in ATTRIBUTES.values())).caption
        for _ in range(n)
    ]


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


def evaluate(
    model: GanModel, dataset: CaptionedClips, seed: int, classifier_steps: int, precision: Precision = "auto"
) -> Evaluation:
    return judge(model, train_classifier(dataset, seed, classifier_steps), dataset, seed, precision)


def judge(
    model: GanModel, net: Classifier, dataset: CaptionedClips, seed: int, precision: Precision = "auto"
) -> Evaluation:
    """The trained classifier's reading of real held-out clips, of generated ones and of generated
    ones for shuffled captions (one classifier can judge several generators or precisions)."""
    captions = list(dataset.heldout_captions)
    ceiling = accuracy(net, dataset.heldout_clips, captions)
    clips, attention = generate(model, captions, seed, precision=precision)
    generated = accuracy(net, clips, captions)
    order = np.random.default_rng([seed, 0x5A0F]).permutation(len(captions))
    shuffled, _ = generate(model, [captions[i] for i in order], seed, precision=precision)
    floor = accuracy(net, shuffled, captions)
    chance = {k: 1.0 / len(ATTRIBUTES[k]) for k in SCORED}
    return Evaluation(ceiling, generated, floor, chance, attention_mass(attention), len(captions))
