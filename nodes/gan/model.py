"""The networks: a conv-LSTM generator with word attention that draws an object-centred sprite
over a background, a matching-aware discriminator with an auxiliary word reader, and the clip
encoder of the background's VAE-GAN term.

Notation follows the issue. Text: word vectors V = (v_1..v_n) are learned embeddings (so
attending to a word reads only that word); the sentence s is a BiLSTM over V, mean-pooled and
projected. Generator G(s, z): a static background drawn once per clip from (s, z), and a
foreground drawn frame by frame by a conv-LSTM whose state starts from z and from the words its
heads read first; at frame t the pooled state h̄_{t-1} attends over the caption's content words
with K heads of scaled dot-product attention A_t^k = softmax((q^k + h̄_{t-1})ᵀ W_a^k V / √d),
reads c_t = [Σ_i A_t,i^k v_i]_k, and the decoder (FiLM-conditioned on the contexts read so far)
draws the object's sprite (colour and mask) in its own frame of reference; a velocity from
(h̄_t, c_t, s) moves the sprite across the picture (a spatial transformer), and
frame = α·fg + (1 − α)·bg. The mean of the heads' A_t is returned: it is the explanation.
Discriminator D(video, caption): a per-frame 2-D conv path and a temporal 3-D conv path, each
giving an unconditional logit plus a projection term ⟨φ(video), W_p e(caption)⟩ (a projection
discriminator), so a real video with the wrong caption can be told from one with the right
caption (matching-aware); every layer of those paths is spectrally normalised. Beside them, a
word reader on a trunk of its own says which words describe the clip (AC-GAN).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NamedTuple

import torch
from spacy.lang.en.stop_words import STOP_WORDS
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
    heads: int = 2
    words: tuple[str, ...] = field(default_factory=tuple)

    ARCH = ("size", "frames", "width", "z_dim", "word_dim", "max_words", "heads")

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
    """Word vectors V (B, n, d): the learned embeddings themselves, so that attending to a word
    reads that word and nothing else (BiLSTM outputs mix the whole sentence into every position,
    which would make the attention maps meaningless). Sentence vector s (B, d): a BiLSTM over V,
    mean-pooled and projected."""

    def __init__(self, vocab: int, dim: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim // 2, batch_first=True, bidirectional=True)
        self.sentence = nn.Linear(dim, dim)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        words = self.embed(ids)
        lengths = mask.sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(words, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
        m = mask.unsqueeze(-1).to(states.dtype)
        sentence = self.sentence((states * m).sum(1) / m.sum(1).clamp(min=1))
        return words, sentence


class WordAttention(nn.Module):
    """Multi-head scaled dot-product attention of the generator state over the words:
    A_t^k = softmax(h̄ᵀ W_a^k V / √d) per head k, c_t = [Σ_i A_t,i^k v_i]_k.

    Several heads let the frame read several words at once (what to draw, its colour, where
    it goes) without blending them into one average; the explanation is their mean."""

    def __init__(self, state: int, word: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.w_a = nn.Linear(word, heads * state, bias=False)
        # Each head's own learned query, shifted by the state: a head can keep reading the same kind
        # of word in every clip, whatever the noise made of the state.
        self.query = nn.Parameter(torch.randn(heads, state) * 0.5)  # apart from the start: heads differ
        self.scale = 1.0 / math.sqrt(state)

    def keys(self, words: torch.Tensor) -> torch.Tensor:
        """W_a V per head (B, n, heads, d): the same for every frame of a clip, so computed once."""
        b, n, _ = words.shape
        return self.w_a(words).view(b, n, self.heads, -1)

    def read(
        self, h: torch.Tensor, keys: torch.Tensor, words: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Context (B, heads·d) and weights (B, heads, n), each head's row summing to 1."""
        scores = torch.einsum("bkd,bnkd->bkn", h[:, None, :] + self.query, keys) * self.scale
        # float32 even under bfloat16 autocast: each row sums to 1 as the explanation promises
        weights = torch.softmax(scores.float().masked_fill(~mask[:, None, :], float("-inf")), dim=-1)
        return torch.einsum("bkn,bnd->bkd", weights, words).flatten(1), weights

    def forward(self, h: torch.Tensor, words: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.read(h, self.keys(words), words, mask)


class ConvLSTMCell(nn.Module):
    """An LSTM whose gates are 3×3 convolutions over a spatial state.

    The input here is a vector broadcast over the grid (the word context), so its part of
    the gate convolution is exactly a linear map added at every cell: computed as one, it
    costs a grid's worth less."""

    def __init__(self, inputs: int, hidden: int) -> None:
        super().__init__()
        self.gates = nn.Conv2d(hidden, 4 * hidden, 3, padding=1)
        self.inputs = nn.Linear(inputs, 4 * hidden)
        with torch.no_grad():  # remember by default (Gers et al. 2000): the object persists across frames
            self.inputs.bias[hidden : 2 * hidden] = 1.0

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        i, f, o, g = (self.gates(h) + self.inputs(x)[:, :, None, None]).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


def _phase_rows() -> torch.Tensor:
    """(2, 3, 3): for output row parity a, which of a 3×3 kernel's rows (columns of the matrix)
    land on which input row offset −1, 0, +1 (rows) once the input is upsampled ×2 by nearest."""
    rows = torch.zeros(2, 3, 3)
    rows[0, 0, 0] = rows[0, 1, 1] = rows[0, 1, 2] = 1.0  # even rows: above ← row 0; same ← rows 1, 2
    rows[1, 1, 0] = rows[1, 1, 1] = rows[1, 2, 2] = 1.0  # odd rows: same ← rows 0, 1; below ← row 2
    return rows


class UpBlock(nn.Module):
    """×2: nearest upsampling, a 3×3 convolution, group norm, ReLU — the norm's scale and shift
    optionally set per sample by a condition vector (FiLM / conditional norm, as in BigGAN).

    Upsample + conv rather than a transposed conv: the transposed conv drew checkerboard texture
    for the first hundreds of steps, which is most of a CPU-sized training. Group norm rather than
    batch norm, so that training and generation compute the same function.

    Computed without the upsampled picture: a 3×3 convolution of a nearest-upsampled input is, at
    each of the four output pixel parities, a convolution of the small input with a kernel summed
    from the 3×3 one (sub-pixel convolution, Shi et al. 2016). So the block convolves the small
    input into 4× the channels and shuffles them into place after the norm (which pools over
    pixels, wherever they are): the same function of the same weights, without writing and reading
    a 4×-sized copy (that copy was 40 % of generation time)."""

    def __init__(self, cin: int, cout: int, condition: int = 0) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = nn.GroupNorm(min(8, max(1, cout // 2)), cout, affine=not condition)
        self.film = nn.Linear(condition, 2 * cout) if condition else None
        self.register_buffer("rows", _phase_rows(), persistent=False)

    def forward(self, x: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        n, _, h, w = x.shape
        cout = self.conv.out_channels
        # (cout, a, b, cin, 3, 3): kernel for output parity (a, b); channel order is pixel_shuffle's
        kernel = torch.einsum("aiy,bjx,ocyx->oabcij", self.rows, self.rows, self.conv.weight)
        y = F.conv2d(x, kernel.reshape(4 * cout, -1, 3, 3), self.conv.bias.repeat_interleave(4), padding=1)
        y = self.norm(y.view(n, cout, 4 * h * w))
        if self.film is not None and cond is not None:
            gamma, beta = self.film(cond)[:, :, None].chunk(2, 1)
            y = torch.addcmul(beta, y, 1 + gamma)
        return F.pixel_shuffle(F.relu_(y).view(n, 4 * cout, h, w), 2)  # in place: nothing needs y before it


def channels(width: int, ups: int) -> list[int]:
    return [width] + [max(4, width // 2 ** (k + 1)) for k in range(ups)]


class Plan(NamedTuple):
    """What the recurrence decided for a batch of clips, frame by frame; ``paint`` draws it."""

    states: torch.Tensor  # (B, T, width, grid, grid): the object's state (its picture, undecoded)
    contexts: torch.Tensor  # (B, T, heads·d): the mean of the words read up to each frame
    heads: torch.Tensor  # (B, T, heads, n): each head's attention
    track: torch.Tensor  # (B, T, 2): where the object's centre is (x, y in [-1, 1])
    sentence: torch.Tensor  # (B, d)

    def clips(self, start: int, stop: int) -> Plan:
        """The plan of clips ``start:stop`` of the batch."""
        return Plan(*(part[start:stop] for part in self))


class Generator(nn.Module):
    """Two layers composited per frame, as in VGAN (Vondrick et al. 2016): a static background
    drawn once per clip from (s, z), and a moving foreground drawn frame by frame by the
    conv-LSTM with word attention, with its own mask: frame = α·fg + (1 − α)·bg.

    The foreground is object-centred, as in spatial-transformer GANs and layered sprite models
    (ST-GAN, Lin et al. 2018; Attend-Infer-Repeat): the conv-LSTM's state is the object's picture
    in its own frame of reference, decoded (FiLM-conditioned on the frame's word context) into a
    sprite with colour and mask, and each frame the pooled state and context set a velocity that
    moves the sprite across the frame (a spatial transformer: a translation, differentiable in
    where). What the object looks like and where it goes are separate paths, each reading words
    through attention, so a caption it never saw (a red boat moving up) is drawn from parts it
    did (red boats, boats moving up, red things moving up). The background reads the sentence
    (setting, time of day); a per-clip illumination from s lights the object (darker at night)."""

    SPRITE = 0.5  # the sprite canvas spans half the frame's side
    MAX_SPEED = 0.15  # per frame, in frame widths / 2 (a crossing in 13 frames)
    # Where the sprite's centre may go (of the frame's half-width) without a penalty. Positions are
    # not squashed into it (a tanh of the summed velocity): a squashed object that reached a corner
    # had no gradient to come back and stayed there, fading.
    REACH = 0.7

    def __init__(self, cfg: GanConfig, vocab: int) -> None:
        super().__init__()
        self.cfg = cfg
        hidden, grid, ctx = cfg.width, cfg.grid, cfg.heads * cfg.word_dim
        self.text = TextEncoder(vocab, cfg.word_dim)
        # Attention reads content words only (spaCy's English stop words left out): "a", "in", "at"
        # name nothing to draw, yet a third of the early attention rested on them.
        content = [True, True, *(w not in STOP_WORDS for w in cfg.words)]  # <pad>, <unk>, then the words
        self.register_buffer("content", torch.tensor(content), persistent=False)
        self.init = nn.Linear(cfg.z_dim, 2 * hidden * grid * grid)
        self.layout = nn.Linear(ctx, 2 * hidden * grid * grid)
        self.attention = WordAttention(hidden, cfg.word_dim, cfg.heads)
        self.cell = ConvLSTMCell(ctx, hidden)
        self.start = nn.Linear(cfg.z_dim + ctx + cfg.word_dim, 2)
        self.velocity = nn.Linear(hidden + ctx + cfg.word_dim, 2)
        fg = [hidden] + channels(2 * hidden, cfg.ups)[1:]  # shapes need channels where the sprite is drawn
        self.fg_blocks = nn.ModuleList(UpBlock(fg[k], fg[k + 1], ctx) for k in range(cfg.ups - 1))
        self.fg_out = nn.Conv2d(fg[cfg.ups - 1], 4, 3, padding=1)  # RGB and the mask's logit
        side = cfg.size // 2
        ramp = torch.linspace(-1, 1, side)
        window = (1 - ramp.abs() ** 4)[:, None] * (1 - ramp.abs() ** 4)[None, :]
        self.register_buffer("window", window[None, None], persistent=False)  # no hard sprite edges
        self.light = nn.Linear(cfg.word_dim, 3)
        # The background is drawn once per clip, so it can afford twice the foreground's channels: a
        # blurry one made the foreground paint the setting's details instead of the object.
        bg = channels(2 * hidden, cfg.ups)
        self.bg_init = nn.Linear(cfg.word_dim + cfg.z_dim, bg[0] * grid * grid)
        self.bg_blocks = nn.ModuleList(UpBlock(bg[k], bg[k + 1]) for k in range(cfg.ups))
        self.bg_out = nn.Conv2d(bg[-1], 3, 3, padding=1)

    def background(self, sentence: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        x = self.bg_init(torch.cat([sentence, z], 1)).view(z.shape[0], -1, cfg.grid, cfg.grid)
        for block in self.bg_blocks:
            x = block(x)
        return torch.sigmoid(self.bg_out(x))  # (B, 3, H, W) in [0, 1]

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Video (B, T, 3, H, W) in [-1, 1] and attention (B, T, n): per frame the heads' mean,
        rows summing to 1 over the caption's words."""
        video, weights, _ = self.draw(ids, mask, z)
        return video, weights.mean(2)

    def draw(
        self, ids: torch.Tensor, mask: torch.Tensor, z: torch.Tensor, background_grad: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Video, the per-head attention (B, T, heads, n) and where the object is in each frame
        (B, T, 2: x, y in the frame's [-1, 1] coordinates). Training passes
        ``background_grad=False`` for the adversarial pass: the background layer learns from the
        redraw term alone, so the game can only be won by drawing the foreground (when the
        background could, it painted the objects in as still shapes)."""
        plan = self.plan(ids, mask, z)
        return self.paint(plan, z, background_grad), plan.heads, plan.track

    def plan(self, ids: torch.Tensor, mask: torch.Tensor, z: torch.Tensor) -> Plan:
        """The recurrence: per frame, what the heads read, the object's state and where it is.

        Split from :meth:`paint` because the two want different batch sizes: this is a 16-step
        loop of small operations whose cost is per call (larger batches amortise it), while
        painting decodes every frame at full size (larger batches spill the caches)."""
        cfg, b = self.cfg, ids.shape[0]
        words, sentence = self.text(ids, mask)
        keys = self.attention.keys(words)
        readable = mask & self.content[ids]
        readable = torch.where(readable.any(1, keepdim=True), readable, mask)  # all stop words: read them
        # The object's first picture is laid out from the noise and the words its heads read before
        # any state exists (their learned queries alone): a car and a ball differ in shape, and a
        # FiLM scale per channel cannot move pixels — the state's layout has to come from the words.
        pooled = torch.zeros(b, cfg.width, device=z.device, dtype=z.dtype)
        opening, _ = self.attention.read(pooled, keys, words, readable)
        h, c = (self.init(z) + self.layout(opening)).view(b, -1, cfg.grid, cfg.grid).chunk(2, 1)
        first = h = torch.tanh(h)
        pooled = h.mean((2, 3))
        where = torch.zeros(b, 2, device=z.device, dtype=z.dtype)
        read = torch.zeros(b, self.attention.heads * cfg.word_dim, device=z.device, dtype=z.dtype)
        states, contexts, maps, places = [], [], [], []
        for t in range(cfg.frames):
            context, weights = self.attention.read(pooled, keys, words, readable)
            if t == 0:  # where the object starts: the noise, the words the first frame reads, the sentence
                where = self.REACH * torch.tanh(self.start(torch.cat([z, context, sentence], 1)))
            h, c = self.cell(context, h, c)
            pooled = h.mean((2, 3))  # the velocity's input now, the next frame's query
            where = where + self.MAX_SPEED * torch.tanh(self.velocity(torch.cat([pooled, context, sentence], 1)))
            read = read + context
            # The sprite is the first state plus what the recurrence adds, lit by all the words read
            # so far: an object keeps its look unless the LSTM changes it (wings flap), instead of
            # fading as the state drifts (it did, within half a clip).
            states.append(h + first)
            contexts.append(read / (t + 1))
            maps.append(weights)
            places.append(where)
        return Plan(
            torch.stack(states, 1), torch.stack(contexts, 1), torch.stack(maps, 1), torch.stack(places, 1), sentence
        )

    def paint(self, plan: Plan, z: torch.Tensor, background_grad: bool = True) -> torch.Tensor:
        """The frames of a plan: each frame's sprite decoded from its state (FiLM-conditioned on
        the words read so far), lit, placed on the track and composited over the background."""
        cfg = self.cfg
        b = z.shape[0]
        x, cond = plan.states.flatten(0, 1), plan.contexts.flatten(0, 1)
        for block in self.fg_blocks:
            x = block(x, cond)
        rgb, alpha = self.fg_out(x).split((3, 1), 1)
        light = 1.5 * torch.sigmoid(self.light(plan.sentence)).repeat_interleave(cfg.frames, 0)[:, :, None, None]
        alpha = torch.sigmoid(alpha) * self.window
        sprite = torch.cat([(torch.sigmoid(rgb) * light).clamp(max=1.0) * alpha, alpha], 1)  # premultiplied
        placed = place(sprite, plan.track.flatten(0, 1), self.SPRITE, cfg.size)
        fg, alpha = placed.split((3, 1), 1)
        bg = self.background(plan.sentence, z)
        if not background_grad:
            bg = bg.detach()
        shape = (b, cfg.frames, -1, cfg.size, cfg.size)  # the background broadcast over the frames, not copied
        return torch.addcmul(fg.view(shape), 1 - alpha.view(shape), bg[:, None]).mul_(2).sub_(1)


def place(sprite: torch.Tensor, where: torch.Tensor, span: float, size: int) -> torch.Tensor:
    """Sprites (N, C, s, s) spanning ``span`` of the frame, centred at ``where`` (N, 2) in the
    frame's [-1, 1] coordinates (x, y), on an empty (zero) frame of size × size.

    The sampling grid of a translation and a scale is separable, so it is built by broadcasting
    (what ``affine_grid`` computes, without its batched matrix product)."""
    pixels = (torch.arange(size, device=sprite.device, dtype=sprite.dtype) * 2 + 1) / size - 1  # centres
    x = (pixels[None, :] - where[:, :1]) / span
    y = (pixels[None, :] - where[:, 1:]) / span
    grid = torch.stack(torch.broadcast_tensors(x[:, None, :], y[:, :, None]), -1)
    return F.grid_sample(sprite, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class ClipEncoder(nn.Module):
    """E(video) → q(z | video) = N(μ, σ²): the noise that would redraw this clip (where the object
    starts, how fast and how big it is). Used only in training, for the reconstruction term of a
    VAE-GAN (Larsen et al. 2016; BicycleGAN's cVAE-GAN): G(s, z ~ E(V_r)) must redraw V_r, a dense
    per-pixel signal that teaches shapes, colours and motion in hundreds of steps instead of the
    tens of thousands a purely adversarial signal needs; the KL term keeps q close to N(0, I) so
    that generating with z ~ N(0, I) draws clips like the ones reconstructed."""

    def __init__(self, cfg: GanConfig) -> None:
        super().__init__()
        w = cfg.width // 2
        self.body = nn.Sequential(
            nn.Conv3d(3, w, (3, 4, 4), (1, 2, 2), (1, 1, 1)),
            nn.LeakyReLU(0.2),
            nn.Conv3d(w, 2 * w, (4, 4, 4), (2, 2, 2), (1, 1, 1)),
            nn.LeakyReLU(0.2),
            nn.Conv3d(2 * w, 2 * w, (4, 4, 4), (2, 2, 2), (1, 1, 1)),
            nn.LeakyReLU(0.2),
            nn.AdaptiveAvgPool3d((2, 2, 2)),
            nn.Flatten(),
        )
        self.out = nn.Linear(2 * w * 8, 2 * cfg.z_dim)

    def forward(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(μ, log σ²) for a video (B, T, 3, H, W) in [-1, 1], seen at half size."""
        x = F.avg_pool3d(video.transpose(1, 2), (1, 2, 2))
        return self.out(self.body(x)).chunk(2, 1)


def clip_trunk(width: int, norm: Callable[[int], nn.Module]) -> nn.Sequential:
    """3-D convolutions over (time, height, width) of a clip at 32×32, pooled to a 2×2×2 grid so
    that where things are early and late in the clip (the direction of motion) survives:
    (B, 3, T, 32, 32) → (B, 2·width·8). Shared by D's word reader and the evaluator."""
    w = width
    layers: list[nn.Module] = []
    for cin, cout, stride in ((3, w, (1, 2, 2)), (w, w, (1, 1, 1)), (w, 2 * w, (2, 2, 2)), (2 * w, 2 * w, (2, 2, 2))):
        layers += [nn.Conv3d(cin, cout, 3, stride, 1), norm(cout), nn.ReLU()]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool3d((2, 2, 2)), nn.Flatten())


class WordReader(nn.Module):
    """D's auxiliary classifier, on a trunk of its own: 3-D convolutions with group norm over the
    clip at (at most) 32×32, pooled to a 2×2×2 grid so that where things are early and late in the
    clip survives, and one logit per vocabulary word.

    Its own trunk because the adversarial trunk is spectrally normalised and mean-pooled — right
    for a stable real/fake logit, but it learned to read words so slowly (its loss on real clips
    was still 6.3 of a chance 10 after 700 steps) that it had nothing to teach G about objects and
    motion. Group norm rather than batch norm: it judges real and generated batches alike."""

    SIDE = 32

    def __init__(self, cfg: GanConfig, vocab: int) -> None:
        super().__init__()
        self.body = clip_trunk(cfg.width, lambda c: nn.GroupNorm(8, c))
        self.out = nn.Linear(2 * cfg.width * 8, vocab)

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        x = video.transpose(1, 2)  # (B, 3, T, H, W)
        if x.shape[-1] > self.SIDE:
            k = x.shape[-1] // self.SIDE
            x = F.avg_pool3d(x, (1, k, k))
        return self.out(self.body(x))


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
        self.reader = WordReader(cfg, vocab)  # the auxiliary classifier: which words describe the clip

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

    def classify(self, video: torch.Tensor) -> torch.Tensor:
        """One logit per vocabulary word: is it in the clip's caption? (AC-GAN's auxiliary
        classifier, on the caption's bag of words so that it works for any captions.)"""
        return self.reader(video)

    def forward(self, video: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """One logit per (video, caption) pair: frame path + temporal path."""
        return self.judge(*self.features(video), ids, mask)
