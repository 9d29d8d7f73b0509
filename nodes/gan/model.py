"""The networks: a conv-LSTM generator with word attention and a matching-aware discriminator.

Notation follows the issue. Text: word vectors V = (v_1..v_n) from a BiLSTM over learned
embeddings, sentence s = W_s · mean(V). Generator G(s, z): the conv-LSTM state (h_0, c_0)
is made from (s, z); at frame t the pooled state h̄_{t-1} attends over the words with scaled
dot-product attention A_t = softmax(h̄_{t-1}ᵀ W_a V / √d) and reads c_t = Σ_i A_t,i v_i; the
cell's input is (c_t, s) broadcast over the grid; a shared conv decoder turns h_t into the
frame. A_t is returned: it is the explanation. Discriminator D(video, caption): a per-frame
2-D conv path and a temporal 3-D conv path, each giving an unconditional logit plus a
projection term ⟨φ(video), W_p e(caption)⟩ (a projection discriminator), so a real video
with the wrong caption can be told from one with the right caption (matching-aware).
Every D layer is spectrally normalised, the main thing that keeps this GAN stable.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.parametrizations import spectral_norm

SIZES = (16, 32, 64, 128)  # the decoder doubles from an 8×8 (or 4×4, 16×16) grid


@dataclass(frozen=True)
class GanConfig:
    """Everything that fixes the networks' shapes (checked against a checkpoint on resume)."""

    size: int = 64
    frames: int = 16
    width: int = 32
    z_dim: int = 16
    word_dim: int = 32
    max_words: int = 16
    words: tuple[str, ...] = field(default_factory=tuple)

    ARCH = ("size", "frames", "width", "z_dim", "word_dim", "max_words")

    @property
    def grid(self) -> int:
        return 8 if self.size >= 64 else 4

    @property
    def ups(self) -> int:
        return int(math.log2(self.size // self.grid))

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["words"] = list(self.words)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GanConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["words"] = tuple(values.get("words", ()))
        return cls(**values)


class TextEncoder(nn.Module):
    """Word vectors V (B, n, d) from a BiLSTM, and the sentence vector s (B, d)."""

    def __init__(self, vocab: int, dim: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim // 2, batch_first=True, bidirectional=True)
        self.sentence = nn.Linear(dim, dim)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        lengths = mask.sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(ids), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        words, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
        m = mask.unsqueeze(-1).to(words.dtype)
        sentence = self.sentence((words * m).sum(1) / m.sum(1).clamp(min=1))
        return words, sentence


class WordAttention(nn.Module):
    """Scaled dot-product attention of the generator state over the words: score = hᵀ W_a v / √d."""

    def __init__(self, state: int, word: int) -> None:
        super().__init__()
        self.w_a = nn.Linear(word, state, bias=False)
        self.scale = 1.0 / math.sqrt(state)

    def forward(self, h: torch.Tensor, words: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        scores = torch.einsum("bd,bnd->bn", h, self.w_a(words)) * self.scale
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        return torch.einsum("bn,bnd->bd", weights, words), weights


class ConvLSTMCell(nn.Module):
    """An LSTM whose gates are 3×3 convolutions over a spatial state.

    The input here is a vector broadcast over the grid (context and sentence), so its part of
    the gate convolution is exactly a linear map added at every cell: computed as one, it
    costs a grid's worth less."""

    def __init__(self, inputs: int, hidden: int) -> None:
        super().__init__()
        self.gates = nn.Conv2d(hidden, 4 * hidden, 3, padding=1)
        self.inputs = nn.Linear(inputs, 4 * hidden)

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        i, f, o, g = (self.gates(h) + self.inputs(x)[:, :, None, None]).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


def up_block(cin: int, cout: int) -> nn.Module:
    """×2: nearest upsampling, a 3×3 convolution, group norm, ReLU.

    Upsample + conv rather than a transposed conv: the transposed conv was cheaper but drew
    checkerboard texture for the first hundreds of steps, which is most of a CPU-sized training.
    The norm keeps the decoder's signal from shrinking layer by layer (without it G starts out
    flat grey and D wins at once); group norm rather than batch norm, so that training and
    generation compute the same function."""
    return nn.Sequential(
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(cin, cout, 3, padding=1),
        nn.GroupNorm(min(8, cout // 2), cout),
        nn.ReLU(),
    )


class Generator(nn.Module):
    def __init__(self, cfg: GanConfig, vocab: int) -> None:
        super().__init__()
        self.cfg = cfg
        hidden = cfg.width
        self.text = TextEncoder(vocab, cfg.word_dim)
        self.init = nn.Linear(cfg.word_dim + cfg.z_dim, 2 * hidden * cfg.grid * cfg.grid)
        self.attention = WordAttention(hidden, cfg.word_dim)
        self.cell = ConvLSTMCell(2 * cfg.word_dim, hidden)
        chans = [hidden] + [max(8, hidden // 2 ** (k + 1)) for k in range(cfg.ups)]
        self.decoder = nn.Sequential(
            *[up_block(chans[k], chans[k + 1]) for k in range(cfg.ups)], nn.Conv2d(chans[-1], 3, 3, padding=1)
        )

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Video (B, T, 3, H, W) in [-1, 1] and attention (B, T, n), rows summing to 1 over real words."""
        cfg, b = self.cfg, ids.shape[0]
        words, sentence = self.text(ids, mask)
        h, c = self.init(torch.cat([sentence, z], 1)).view(b, -1, cfg.grid, cfg.grid).chunk(2, 1)
        h = torch.tanh(h)
        states, maps = [], []
        for _ in range(cfg.frames):
            context, weights = self.attention(h.mean((2, 3)), words, mask)
            h, c = self.cell(torch.cat([context, sentence], 1), h, c)
            states.append(h)
            maps.append(weights)
        frames = torch.tanh(self.decoder(torch.stack(states, 1).flatten(0, 1)))
        return frames.view(b, cfg.frames, 3, cfg.size, cfg.size), torch.stack(maps, 1)


def sn_conv(conv: nn.Module) -> nn.Module:
    return spectral_norm(conv)


class Discriminator(nn.Module):
    def __init__(self, cfg: GanConfig, vocab: int) -> None:
        super().__init__()
        w = cfg.width
        self.frame_samples = 4  # the frame path judges a few frames per clip (as MoCoGAN's image critic does)
        self.embed = nn.Embedding(vocab, cfg.word_dim, padding_idx=0)
        frame_layers: list[nn.Module] = []
        cin = 3
        for k in range(cfg.ups):  # size → grid, like the generator's decoder in reverse
            cout = min(2 * w, max(8, w // 2 * 2**k))
            frame_layers += [sn_conv(nn.Conv2d(cin, cout, 4, 2, 1)), nn.LeakyReLU(0.2)]
            cin = cout
        self.frame = nn.Sequential(*frame_layers)
        self.frame_out = spectral_norm(nn.Linear(cin, 1))
        self.frame_proj = spectral_norm(nn.Linear(cfg.word_dim, cin, bias=False))
        self.temporal = nn.Sequential(  # on the video at half size: (2+1)-D receptive field over time
            sn_conv(nn.Conv3d(3, w // 2, (3, 4, 4), (1, 2, 2), (1, 1, 1))),
            nn.LeakyReLU(0.2),
            sn_conv(nn.Conv3d(w // 2, w, (4, 4, 4), (2, 2, 2), (1, 1, 1))),
            nn.LeakyReLU(0.2),
            sn_conv(nn.Conv3d(w, 2 * w, (4, 4, 4), (2, 2, 2), (1, 1, 1))),
            nn.LeakyReLU(0.2),
        )
        self.temporal_out = spectral_norm(nn.Linear(2 * w, 1))
        self.temporal_proj = spectral_norm(nn.Linear(cfg.word_dim, 2 * w, bias=False))

    def sentence(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.unsqueeze(-1).float()
        return (self.embed(ids) * m).sum(1) / m.sum(1).clamp(min=1)

    def features(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Pooled features of the frame path (B, C) and the temporal path (B, 2w). Mean pooling:
        sum pooling made logits so large that D saturated within a few steps."""
        b, t = video.shape[:2]
        picks = torch.linspace(0, t - 1, min(t, self.frame_samples)).round().long()
        f = self.frame(video[:, picks].flatten(0, 1)).mean((2, 3)).view(b, len(picks), -1).mean(1)
        g = self.temporal(F.avg_pool3d(video.transpose(1, 2), (1, 2, 2))).mean((2, 3, 4))
        return f, g

    def judge(self, f: torch.Tensor, g: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """One logit per pair from the features: unconditional terms plus the caption projections."""
        e = self.sentence(ids, mask)
        frame_logit = self.frame_out(f).squeeze(1) + (self.frame_proj(e) * f).sum(1)
        temporal_logit = self.temporal_out(g).squeeze(1) + (self.temporal_proj(e) * g).sum(1)
        return frame_logit + temporal_logit

    def forward(self, video: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """One logit per (video, caption) pair: frame path + temporal path."""
        return self.judge(*self.features(video), ids, mask)
