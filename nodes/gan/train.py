"""The training loop: Adam on G and D, matching-aware BCE losses, EMA of G, checkpoints.

Losses (BCE on logits, softplus form): D maximises log D(V_r, s) + log(1 − D(G(s, z), s))
with the matching-aware term log(1 − D(V_r, s_wrong)) (the fake and mismatched terms share
the weight of one, as in GAN-INT-CLS); G minimises the non-saturating −log D(G(s, z), s).

Every step's batch and noise are pure functions of (seed, step), and the whole state
(weights, Adam moments, spectral-norm vectors, EMA, history) is in the checkpoint, so a
resumed run continues exactly where it stopped. A non-finite loss stops training before
the bad step is applied; the last checkpoint on disk stays the last good one.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from server.engine.errors import Cancelled

from . import checkpoint
from .dataset import CaptionedClips
from .model import ClipEncoder, Discriminator, GanConfig, Generator
from .text import Vocabulary

PREVIEW_NOISE = 2**31 - 1  # a noise index no training step uses
Progress = Callable[[int, int, dict[str, float], "np.ndarray | None"], None]


class NonFiniteLoss(RuntimeError):
    """A loss became NaN or infinite; training stopped and the last checkpoint is kept."""


class SettingsMismatch(ValueError):
    """The checkpoint on disk was trained with other settings; ``name`` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class TrainSettings:
    """Optimisation settings; stored in the checkpoint and checked on resume."""

    steps: int = 1800
    batch: int = 8
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    beta1: float = 0.5
    beta2: float = 0.999
    ema: float = 0.99
    feature_matching: float = 0.0
    classifier: float = 1.0
    reconstruction: float = 10.0
    kl: float = 0.05
    sharpness: float = 0.5
    sharpness_start: float = 0.05
    sharpen_from: int = 300
    sharpen_until: int = 900
    seed: int = 0

    RESUMABLE = ("steps",)  # may change between runs: training simply goes further


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but torch sees no CUDA device; use 'auto' or 'cpu'")
    return torch.device(name)


def build(cfg: GanConfig, settings: TrainSettings, device: torch.device) -> checkpoint.TrainState:
    """Fresh networks, initialised from the seed (same seed → same weights)."""
    torch.manual_seed(settings.seed)
    vocab = len(cfg.words) + 2
    g = Generator(cfg, vocab).to(device)
    d = Discriminator(cfg, vocab).to(device)
    e = ClipEncoder(cfg).to(device)
    ema = copy.deepcopy(g).eval().requires_grad_(False)
    betas = (settings.beta1, settings.beta2)
    return checkpoint.TrainState(
        cfg=cfg,
        generator=g,
        discriminator=d,
        ema=ema,
        encoder=e,
        opt_g=torch.optim.Adam([*g.parameters(), *e.parameters()], settings.lr_g, betas=betas),
        opt_d=torch.optim.Adam(d.parameters(), settings.lr_d, betas=betas),
        step=0,
        history={
            "step": [],
            "loss_d": [],
            "loss_g": [],
            "d_real": [],
            "d_fake": [],
            "words": [],
            "entropy": [],
            "redraw_l1": [],
        },
        train=settings_json(settings),
    )


def settings_json(settings: TrainSettings) -> dict[str, Any]:
    return {k: v for k, v in asdict(settings).items() if k not in TrainSettings.RESUMABLE}


def check_resumable(meta: dict[str, str], cfg: GanConfig, settings: TrainSettings) -> None:
    """Raise :class:`SettingsMismatch` naming the first setting that differs from the checkpoint's."""
    import json

    saved = checkpoint.load_config(meta)
    for name in GanConfig.ARCH:
        if getattr(saved, name) != getattr(cfg, name):
            raise SettingsMismatch(
                name, f"the checkpoint was trained with {name}={getattr(saved, name)}, not {getattr(cfg, name)}"
            )
    if tuple(saved.words) != tuple(cfg.words):
        raise SettingsMismatch("dataset", "the checkpoint was trained on a dataset with another vocabulary")
    saved_train = json.loads(meta.get("train", "{}"))
    for name, value in settings_json(settings).items():
        if name in saved_train and saved_train[name] != value:
            raise SettingsMismatch(name, f"the checkpoint was trained with {name}={saved_train[name]}, not {value}")


def to_tensor(clips: np.ndarray, device: torch.device) -> torch.Tensor:
    """uint8 (B, T, H, W, 3) → float (B, T, 3, H, W) in [-1, 1]."""
    return torch.from_numpy(clips).to(device).permute(0, 1, 4, 2, 3).float().div(127.5).sub(1.0)


def to_uint8(video: torch.Tensor) -> np.ndarray:
    """float (B, T, 3, H, W) in [-1, 1] → uint8 (B, T, H, W, 3), rounded. Converted before it is
    transposed, so the transposing copy moves bytes, not floats."""
    pixels = video.detach().float().add(1.0).mul_(127.5).clamp_(0, 255).round_().to(torch.uint8)
    return pixels.permute(0, 1, 3, 4, 2).cpu().numpy()


def noise(seed: int, step: int, n: int, dim: int, device: torch.device, salt: int = 0x2015) -> torch.Tensor:
    """N(0, I) noise that is a pure function of (seed, step, salt), so a resumed run draws the same."""
    gen = torch.Generator().manual_seed(int(np.random.SeedSequence([seed, step, salt]).generate_state(1)[0]))
    return torch.randn(n, dim, generator=gen).to(device)


def train_step(
    st: checkpoint.TrainState,
    real: torch.Tensor,
    ids: torch.Tensor,
    mask: torch.Tensor,
    z: torch.Tensor,
    settings: TrainSettings,
) -> dict[str, float]:
    """One D update then one G update; raises :class:`NonFiniteLoss` before applying a bad step.

    1. G draws a batch for the captions. 2. D judges (real, caption), (fake, caption) and
    (real, another caption); the real clips' features are computed once for both real terms.
    D's auxiliary classifier learns, on real clips, which words their captions contain.
    3. D steps. 4. G steps on the non-saturating loss plus these terms, each weighted by a
    setting: ``reconstruction`` and ``kl``, the background layer redrawing the real clip's still
    part from the noise the clip encoder reads from it (a VAE-GAN term for the background only); ``classifier``, the auxiliary classifier's loss on the fake clips against their own
    captions (AC-GAN, Odena et al. 2017: a dense, per-word signal of "draw what the words say"
    from the first steps, where the adversarial logit alone says only "wrong"); ``feature_matching``,
    the distance between D's mean features of real and fake clips (Salimans et al. 2016);
    ``sharpness`` (on the schedule of :func:`sharpness_at`), the entropy of each attention head,
    so a head commits to the words it reads and the maps explain."""
    g, d = st.generator, st.discriminator
    wrong_ids, wrong_mask = ids.roll(1, 0), mask.roll(1, 0)
    bag = bag_of_words(ids, d.reader.out.out_features)
    b = z.shape[0]
    mu, logvar = st.encoder(real)
    eps = noise(settings.seed, st.step, b, mu.shape[1], mu.device, salt=0xE5)
    z_real = mu + eps * (0.5 * logvar).exp()
    fake, heads, track = g.draw(ids, mask, z, background_grad=False)
    real_f, real_g = d.features(real)
    d_real = d.judge(real_f, real_g, ids, mask)
    d_wrong = d.judge(real_f, real_g, wrong_ids, wrong_mask)
    d_fake = d(fake.detach(), ids, mask)
    loss_cls = word_loss(d.classify(real), bag)
    loss_d = F.softplus(-d_real).mean() + 0.5 * (F.softplus(d_fake).mean() + F.softplus(d_wrong).mean())
    loss_d = loss_d + settings.classifier * loss_cls
    if not torch.isfinite(loss_d):
        raise NonFiniteLoss(f"discriminator loss became {loss_d.item()} at step {st.step}")
    st.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    st.opt_d.step()
    fake_f, fake_g = d.features(fake)
    loss_g = F.softplus(-d.judge(fake_f, fake_g, ids, mask)).mean()
    if settings.classifier:
        loss_g = loss_g + settings.classifier * word_loss(d.classify(fake), bag)
    if settings.feature_matching:
        matched = (fake_f.mean(0) - real_f.detach().mean(0)).pow(2).mean() + (
            fake_g.mean(0) - real_g.detach().mean(0)
        ).pow(2).mean()
        loss_g = loss_g + settings.feature_matching * matched
    rec = redraw_loss(g.background(g.text(ids, mask)[1], z_real), real)
    if settings.reconstruction:
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1).mean()
        loss_g = loss_g + settings.reconstruction * rec + settings.kl * kl
    outside = F.relu(track.abs() - g.REACH).pow(2).sum(-1).mean()
    loss_g = loss_g + STAY * outside
    entropy = -(heads * heads.clamp(min=1e-9).log()).sum(-1).mean()
    sharpness = sharpness_at(settings, st.step)
    if sharpness:
        loss_g = loss_g + sharpness * entropy
    if not torch.isfinite(loss_g):
        raise NonFiniteLoss(f"generator loss became {loss_g.item()} at step {st.step}")
    st.opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    st.opt_g.step()
    return {
        "loss_d": float(loss_d.detach()),
        "loss_g": float(loss_g.detach()),
        "d_real": float(torch.sigmoid(d_real.detach()).mean()),
        "d_fake": float(torch.sigmoid(d_fake.detach()).mean()),
        "words": float(loss_cls.detach()),
        "entropy": float(entropy.detach()),
        "redraw_l1": float(rec.detach()),
    }


def sharpness_at(settings: TrainSettings, step: int) -> float:
    """The attention-entropy weight at ``step``: ``sharpness_start`` until ``sharpen_from``, then
    rising linearly to ``sharpness`` at ``sharpen_until`` and held there.

    Late, because heads commit to whatever they read when the penalty bites: from the first step
    (weight 0.2), they locked onto the setting and time words, which the background layer draws
    before the foreground has an object to name. Once the foreground draws objects, the same
    penalty splits the heads by role (one reads the object, one its colour)."""
    if step <= settings.sharpen_from:
        return settings.sharpness_start
    if step >= settings.sharpen_until:
        return settings.sharpness
    k = (step - settings.sharpen_from) / (settings.sharpen_until - settings.sharpen_from)
    return settings.sharpness_start + (settings.sharpness - settings.sharpness_start) * k


STAY = 10.0  # weight of the penalty on a foreground leaving the picture (squared distance beyond REACH)


def redraw_loss(background: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """L1 between the background stream's picture (B, 3, H, W in [0, 1]) for a real clip's noise
    and that clip's static part: the per-pixel median over time, from which anything that moves
    is gone. Only the background is redrawn: a foreground redrawn a few pixels off its real
    position costs twice its area in L1, so a full-frame redraw teaches the generator to draw no
    foreground at all (it did: the objects faded to smears)."""
    still = real.median(1).values
    return (background * 2 - 1 - still).abs().mean()


def word_loss(logits: torch.Tensor, bag: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over the vocabulary, averaged over clips: each word counts
    as much as the adversarial logit does (a mean over a vocabulary would shrink it by its size)."""
    return F.binary_cross_entropy_with_logits(logits, bag, reduction="sum") / logits.shape[0]


def bag_of_words(ids: torch.Tensor, vocab: int) -> torch.Tensor:
    """(B, vocab) multi-hot of the words in each caption (padding and <unk> left out)."""
    bag = torch.zeros(ids.shape[0], vocab, device=ids.device)
    bag.scatter_(1, ids, 1.0)
    bag[:, :2] = 0.0
    return bag


@torch.no_grad()
def update_ema(st: checkpoint.TrainState, decay: float) -> None:
    """Exponential moving average of G's weights; a short warm-up so early steps are not averaged away."""
    k = min(decay, (1 + st.step) / (10 + st.step))
    for e, p in zip(st.ema.parameters(), st.generator.parameters(), strict=True):
        e.lerp_(p, 1.0 - k)
    for e, b in zip(st.ema.buffers(), st.generator.buffers(), strict=True):
        e.copy_(b)


@torch.no_grad()
def preview(st: checkpoint.TrainState, vocab: Vocabulary, caption: str, seed: int, device: torch.device) -> np.ndarray:
    """A strip of eight frames of the EMA generator for one caption (the live preview)."""
    ids, mask = vocab.encode([caption], st.cfg.max_words)
    video, _ = st.ema(
        torch.from_numpy(ids).to(device),
        torch.from_numpy(mask).to(device),
        noise(seed, PREVIEW_NOISE, 1, st.cfg.z_dim, device),
    )
    frames = to_uint8(video)[0]
    pick = np.linspace(0, len(frames) - 1, 8).round().astype(int)
    return np.concatenate(list(frames[pick]), axis=1)


def train(
    dataset: CaptionedClips,
    cfg: GanConfig,
    settings: TrainSettings,
    path: Path,
    *,
    device: torch.device,
    checkpoint_every: int = 100,
    preview_every: int = 25,
    progress: Progress | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> checkpoint.TrainState:
    """Train to ``settings.steps`` steps, resuming from ``path`` when it exists."""
    st = build(cfg, settings, device)
    if path.exists():
        meta, _ = checkpoint.read(path)
        check_resumable(meta, cfg, settings)
        checkpoint.restore(path, st)
        log(f"resumed from {path} at step {st.step}")
    vocab = Vocabulary(list(cfg.words))
    caption = dataset.heldout_captions[0] if dataset.heldout_captions else "a red car moving left in a city at day"
    saved_at = st.step
    try:
        while st.step < settings.steps:
            clips, captions = dataset.batch(settings.seed, st.step, settings.batch)
            ids, mask = vocab.encode(captions, cfg.max_words)
            stats = train_step(
                st,
                to_tensor(clips, device),
                torch.from_numpy(ids).to(device),
                torch.from_numpy(mask).to(device),
                noise(settings.seed, st.step, settings.batch, cfg.z_dim, device),
                settings,
            )
            st.step += 1
            update_ema(st, settings.ema)
            st.history["step"].append(st.step)
            for key, value in stats.items():
                st.history.setdefault(key, []).append(round(value, 5))
            if st.step % checkpoint_every == 0 or st.step == settings.steps:
                checkpoint.save(path, st)
                saved_at = st.step
            if progress is not None:
                strip = None
                if preview_every and (st.step % preview_every == 0 or st.step == settings.steps):
                    strip = preview(st, vocab, caption, settings.seed, device)
                progress(st.step, settings.steps, stats, strip)
    except Cancelled:
        if st.step > saved_at:
            checkpoint.save(path, st)  # a step boundary: the state is consistent
        raise
    if not math.isfinite(st.history["loss_d"][-1] if st.history["loss_d"] else 0.0):
        raise NonFiniteLoss("training ended on a non-finite loss")
    return st
