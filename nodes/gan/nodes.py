"""The GAN nodes: ``gan.train``, ``gan.load``, ``gan.generate``, ``gan.explain``, ``gan.evaluate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames, MediaFile
from nodes.naming import FileStem
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .files import write_bytes, write_png
from .values import Precision

Device = Literal["auto", "cpu", "cuda"]
CHECKPOINT = "checkpoint.safetensors"
DEVICE_HELP = "auto: CUDA when torch sees a GPU, else the CPU."
THREADS_HELP = "CPU threads for torch (0: leave torch's default, one per core)."


class TrainParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: FileStem = Param(
        "gan",
        description="Folder in the output folder for checkpoint.safetensors and loss.png. An existing checkpoint "
        "there is resumed (it must have the same settings); reaching `steps` again just loads it.",
    )
    steps: int = Param(
        1800,
        description="Training steps in all (one D and one G update each); 1800 took 13.4 minutes on 2 CPU cores "
        "(bench/gan.py).",
        ge=1,
        le=1_000_000,
    )
    batch: int = Param(8, description="Clips per step.", ge=2, le=256)
    width: int = Param(32, description="Network width (channels of the conv-LSTM state).", ge=8, le=256)
    z_dim: int = Param(16, description="Noise dimensions.", ge=1, le=256, advanced=True)
    word_dim: int = Param(32, description="Word vector size.", ge=8, le=512, advanced=True)
    max_words: int = Param(
        16, description="Longest caption in tokens (longer ones are cut).", ge=4, le=64, advanced=True
    )
    lr_g: float = Param(
        1e-3,
        description="Adam learning rate of the generator (and the clip encoder). 1e-3 rather than the textbook "
        "2e-4: in a measured run (bench/RESULTS.md) 2e-4 left the redraw loss 2.7× higher at step 200.",
        ge=1e-6,
        le=1e-1,
        step=1e-5,
    )
    lr_d: float = Param(1e-3, description="Adam learning rate of the discriminator.", ge=1e-6, le=1e-1, step=1e-5)
    beta1: float = Param(0.5, description="Adam β1.", ge=0.0, le=0.999, advanced=True)
    beta2: float = Param(0.999, description="Adam β2.", ge=0.0, le=0.99999, advanced=True)
    ema: float = Param(
        0.99, description="EMA decay of the generator weights used to generate.", ge=0.0, le=0.9999, advanced=True
    )
    feature_matching: float = Param(
        0.0,
        description="Weight of G's feature-matching term (D's mean features of real vs fake clips); 0 for the "
        "plain non-saturating GAN loss.",
        ge=0.0,
        le=100.0,
        advanced=True,
    )
    classifier: float = Param(
        1.0,
        description="Weight of the auxiliary word classifier (AC-GAN): D's word reader learns which words describe "
        "a real clip and G is pushed to draw clips it reads its caption's words from. 0 turns it off.",
        ge=0.0,
        le=100.0,
        advanced=True,
    )
    sharpness: float = Param(
        0.5,
        description="Weight of the attention-entropy penalty once it has ramped up: makes each attention head "
        "commit to the words it reads, so the attention maps explain the frames. 0 turns it off.",
        ge=0.0,
        le=10.0,
        advanced=True,
    )
    sharpness_start: float = Param(
        0.05,
        description="Weight of the attention-entropy penalty until `sharpen_from`: low, so heads do not commit "
        "before the foreground draws anything worth naming.",
        ge=0.0,
        le=10.0,
        advanced=True,
    )
    sharpen_from: int = Param(
        300,
        description="Step at which the entropy weight starts rising to `sharpness`.",
        ge=0,
        le=1_000_000,
        advanced=True,
    )
    sharpen_until: int = Param(
        900, description="Step at which the entropy weight reaches `sharpness`.", ge=0, le=1_000_000, advanced=True
    )
    reconstruction: float = Param(
        10.0,
        description="Weight of the VAE-GAN background redraw: G's background layer must redraw a real clip's still "
        "part (its per-pixel median over time) from the noise a clip encoder reads from the clip. 0 leaves the "
        "background to the adversarial game alone.",
        ge=0.0,
        le=1000.0,
        advanced=True,
    )
    kl: float = Param(
        0.05,
        description="Weight of the KL term that keeps the encoded noise close to N(0, I).",
        ge=0.0,
        le=100.0,
        advanced=True,
    )
    heads: int = Param(
        2,
        description="Attention heads (words a frame can read at once). With two, one settles on the object's "
        "colour, the other on what it is and where it goes.",
        ge=1,
        le=8,
        advanced=True,
    )
    checkpoint_every: int = Param(100, description="Steps between checkpoints.", ge=1, le=100_000, advanced=True)
    preview_every: int = Param(
        25, description="Steps between preview strips (0: none).", ge=0, le=100_000, advanced=True
    )
    device: Device = Param("auto", description=DEVICE_HELP)
    threads: int = Param(0, description=THREADS_HELP, ge=0, le=256, advanced=True)
    seed: int = Param(
        0, description="Seed of the weights, batches and noise: same seed, same weights.", ge=0, widget="seed"
    )


@node(
    id="gan.train",
    version="1.0.0",
    title="Train text-to-video GAN",
    category="gan",
    inputs={"dataset": Input("DATASET", "Captioned clips (gan.dataset).")},
    outputs={
        "model": Output("MODEL", "The trained generator (EMA weights) and discriminator."),
        "loss": Output("IMAGE", "Loss curves: D and G losses, D's mean output on real and fake clips."),
    },
    params=TrainParams,
    resource="gpu",
)
def gan_train(ctx: NodeContext, params: TrainParams, *, dataset: Any) -> dict:
    """Train a conditional GAN: a conv-LSTM generator attending over the caption's words against a
    matching-aware discriminator (frame and temporal paths, spectral norm), Adam, BCE losses.

    Progress shows both losses and, every few steps, a preview strip. Checkpoints are written
    atomically and resumed; a cancel keeps the last one, a NaN loss stops with the last good one."""
    from server.engine.errors import Cancelled

    from . import checkpoint, pictures
    from .dataset import CaptionedClips
    from .model import GanConfig
    from .train import NonFiniteLoss, SettingsMismatch, TrainSettings, train

    if not isinstance(dataset, CaptionedClips):
        raise NodeInputError("dataset", "connect a DATASET from gan.dataset")
    if dataset.train_count is not None and dataset.train_count < 1:
        raise NodeInputError("dataset", "the dataset has no training clips")
    if params.sharpen_until < params.sharpen_from:
        raise NodeInputError(
            "sharpen_until",
            f"the entropy weight must reach `sharpness` at or after it starts rising: sharpen_until "
            f"({params.sharpen_until}) is before sharpen_from ({params.sharpen_from})",
        )
    device = _device(params.device, params.threads)
    cfg = GanConfig(
        size=dataset.size,
        frames=dataset.frames,
        width=params.width,
        z_dim=params.z_dim,
        word_dim=params.word_dim,
        max_words=params.max_words,
        heads=params.heads,
        words=tuple(dataset.words),
    )
    settings = TrainSettings(
        steps=params.steps,
        batch=params.batch,
        lr_g=params.lr_g,
        lr_d=params.lr_d,
        beta1=params.beta1,
        beta2=params.beta2,
        ema=params.ema,
        feature_matching=params.feature_matching,
        classifier=params.classifier,
        reconstruction=params.reconstruction,
        kl=params.kl,
        sharpness=params.sharpness,
        sharpness_start=params.sharpness_start,
        sharpen_from=params.sharpen_from,
        sharpen_until=params.sharpen_until,
        seed=params.seed,
    )
    folder = Path(ctx.output_dir) / params.name
    path = folder / CHECKPOINT

    def report(step: int, total: int, stats: dict[str, float], strip: np.ndarray | None) -> None:
        if step % 10 == 0 or step == total:
            ctx.log.info(
                "%s: step %d/%d loss_D %.3f loss_G %.3f", ctx.node_id, step, total, stats["loss_d"], stats["loss_g"]
            )
        ctx.progress(step, total, strip)

    try:
        st = train(
            dataset,
            cfg,
            settings,
            path,
            device=device,
            checkpoint_every=params.checkpoint_every,
            preview_every=params.preview_every,
            progress=report,
            log=lambda msg: ctx.log.info("%s: %s", ctx.node_id, msg),
        )
    except SettingsMismatch as exc:
        raise NodeInputError(exc.name, f"{exc} in {path}; pick another name to train afresh") from exc
    except checkpoint.CheckpointError as exc:
        raise NodeInputError("name", str(exc)) from exc
    except NonFiniteLoss as exc:
        raise NodeInputError(
            "lr_d", f"{exc}; training stopped, {path} keeps the last good checkpoint. Lower lr_d / lr_g."
        ) from exc
    except Cancelled:
        raise
    loss = pictures.loss_curve(st.history)
    write_png(folder / "loss.png", loss)
    return {"model": _model_from_state(st, path, dataset.fps), "loss": loss}


def _device(name: str, threads: int) -> Any:
    import torch

    from .train import pick_device

    if threads:
        torch.set_num_threads(threads)
    try:
        return pick_device(name)
    except ValueError as exc:
        raise NodeInputError("device", str(exc)) from exc


def _model_from_state(st: Any, path: Path, fps: float) -> Any:
    from .values import GanModel

    st.discriminator.eval()
    return GanModel(path, st.cfg, st.ema.eval(), st.discriminator, st.step, st.history, fps)


class LoadParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Param(
        "output/gan/checkpoint.safetensors",
        description="A checkpoint written by gan.train (.safetensors).",
        widget="file",
    )
    fps: float = Param(8.0, description="Frame rate of the clips it makes.", ge=1.0, le=60.0)
    device: Device = Param("auto", description=DEVICE_HELP)


@node(
    id="gan.load",
    version="1.0.0",
    title="Load text-to-video GAN",
    category="gan",
    outputs={"model": Output("MODEL", "The generator (EMA weights) and discriminator of the checkpoint.")},
    params=LoadParams,
    resource="gpu",
    deterministic=False,  # the file may be retrained in place
)
def gan_load(ctx: NodeContext, params: LoadParams) -> dict:
    """Load a trained GAN checkpoint to generate from, without its training graph."""
    from .checkpoint import CheckpointError, load_generator
    from .values import GanModel

    path = Path(params.path).expanduser()
    if not path.is_file():
        raise NodeInputError("path", f"{path} does not exist; train one with gan.train (workflows/gan_train.json)")
    try:
        cfg, g, meta, d = load_generator(path)
    except CheckpointError as exc:
        raise NodeInputError("path", str(exc)) from exc
    device = _device(params.device, 0)
    history = json.loads(meta.get("history", "{}"))
    return {"model": GanModel(path, cfg, g.to(device), d.to(device), int(meta["step"]), history, params.fps)}


class GenerateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    captions: str = Param(
        "a red car moving left in a city at day\na blue bird moving up in a beach at night",
        description="One caption per line (used when no text is linked).",
        multiline=True,
    )
    batch: int = Param(
        16,
        description="Clips painted together (the recurrence runs on up to 256 at once: its small steps cost "
        "per call, while painting full frames in large batches spills the caches).",
        ge=1,
        le=1024,
        advanced=True,
    )
    precision: Precision = Param(
        "auto",
        description="auto: bfloat16 where the device computes it natively (CPUs with AVX-512 BF16 or AMX, recent "
        "GPUs), else float32. Generation only; training is always float32.",
        advanced=True,
    )
    seed: int = Param(0, description="Noise seed: clip k uses (seed, k).", ge=0, widget="seed")


@node(
    id="gan.generate",
    version="1.0.0",
    title="Generate with GAN",
    category="gan",
    inputs={
        "model": Input("MODEL", "A trained GAN (gan.train or gan.load)."),
        "text": Input("TEXT", "Captions, one per line; overrides the captions parameter.", optional=True),
    },
    outputs={
        "frames": Output("FRAMES", "One clip per caption, one after another, with a cut between clips."),
        "attention": Output("ATTENTION", "Which word each frame of each clip looked at."),
    },
    params=GenerateParams,
    resource="gpu",
)
def gan_generate(ctx: NodeContext, params: GenerateParams, *, model: Any, text: str | None = None) -> dict:
    """Captions → clips with the trained generator, and the attention that explains them."""
    from .generate import generate
    from .values import GanModel

    if not isinstance(model, GanModel):
        raise NodeInputError("model", "connect a MODEL from gan.train or gan.load")
    source = "text" if text is not None else "captions"
    captions = [line.strip() for line in (text if text is not None else params.captions).splitlines() if line.strip()]
    if not captions:
        raise NodeInputError(source, "give at least one caption (one per line)")
    vocab_words = set(model.cfg.words)
    unknown = sorted({w for c in captions for w in _tokens(c) if w not in vocab_words})
    if unknown:
        ctx.log.warning("%s: words the model never saw (read as <unk>): %s", ctx.node_id, unknown)
    clips, attention = generate(model, captions, params.seed, params.batch, params.precision)
    ctx.progress(1, 1, np.concatenate(list(clips[0][:: max(1, len(clips[0]) // 8)]), axis=1))
    t = clips.shape[1]
    video = Frames.from_array(
        clips.reshape(-1, *clips.shape[2:]), model.fps, cuts=tuple(k * t for k in range(1, len(clips)))
    )
    return {"frames": video, "attention": attention}


def _tokens(caption: str) -> list[str]:
    from .text import tokenize

    return tokenize(caption)


class ExplainParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clip: int = Param(0, description="Which clip (caption line) to explain.", ge=0)
    name: FileStem = Param("gan_attention", description="Folder in the output folder for the pictures.")


@node(
    id="gan.explain",
    version="1.0.0",
    title="Explain GAN attention",
    category="gan",
    inputs={
        "attention": Input("ATTENTION", "From gan.generate."),
        "frames": Input("FRAMES", "The clips gan.generate made with that attention."),
    },
    outputs={
        "heatmaps": Output("IMAGE", "Per word, the frames washed by how much each looked at that word."),
        "matrix": Output("IMAGE", "Words × frames: which word each frame looked at."),
        "files": Output("VIDEO", "The folder with heatmaps_<clip>.png and matrix_<clip>.png."),
    },
    params=ExplainParams,
    output=True,
)
def gan_explain(ctx: NodeContext, params: ExplainParams, *, attention: Any, frames: Frames) -> dict:
    """Pictures of the generator's attention: per-word heat maps over the frames and a words × frames matrix."""
    from . import pictures
    from .values import Attention

    if not isinstance(attention, Attention):
        raise NodeInputError("attention", "connect the ATTENTION output of gan.generate")
    clips = len(attention.captions)
    if params.clip >= clips:
        raise NodeInputError("clip", f"clip {params.clip} does not exist; the attention covers clips 0..{clips - 1}")
    t = attention.weights.shape[1]
    if frames.count != clips * t:
        raise NodeInputError("frames", f"expected {clips} clips × {t} frames = {clips * t} frames, got {frames.count}")
    clip_frames = frames.read(params.clip * t, (params.clip + 1) * t)
    weights, tokens = attention.of(params.clip), attention.tokens[params.clip]
    heat = pictures.word_heatmaps(clip_frames, weights, tokens)
    matrix = pictures.attention_matrix(weights, tokens, attention.captions[params.clip])
    folder = Path(ctx.output_dir) / params.name
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        str(write_png(folder / f"heatmaps_{params.clip}.png", heat)),
        str(write_png(folder / f"matrix_{params.clip}.png", matrix)),
    ]
    ctx.progress(1, 1, matrix)
    files = MediaFile(path=folder, media_type="inode/directory", extra={"files": written})
    return {"heatmaps": heat, "matrix": matrix, "files": files}


class EvaluateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    classifier_steps: int = Param(300, description="Training steps of the attribute classifier.", ge=1, le=100_000)
    name: FileStem = Param("gan_eval", description="File stem of the JSON report in the output folder.")
    seed: int = Param(0, description="Seed of the classifier and of the generated clips.", ge=0, widget="seed")


@node(
    id="gan.evaluate",
    version="1.0.0",
    title="Evaluate GAN",
    category="gan",
    inputs={
        "model": Input("MODEL", "The trained GAN."),
        "dataset": Input("DATASET", "The synthetic dataset it was trained on (its held-out split is scored)."),
    },
    outputs={
        "report": Output("TEXT", "A table: attribute accuracy on real / generated / shuffled-caption clips."),
        "file": Output("VIDEO", "The report as JSON."),
    },
    params=EvaluateParams,
    resource="gpu",
    output=True,
)
def gan_evaluate(ctx: NodeContext, params: EvaluateParams, *, model: Any, dataset: Any) -> dict:
    """Does the generator draw what the caption says, for compositions it never saw? A classifier
    trained on real clips reads object, colour, motion and setting from generated held-out clips,
    beside real held-out clips (ceiling) and clips for shuffled captions (floor)."""
    from .dataset import CaptionedClips
    from .evaluate import evaluate
    from .values import GanModel

    if not isinstance(model, GanModel):
        raise NodeInputError("model", "connect a MODEL from gan.train or gan.load")
    if not isinstance(dataset, CaptionedClips) or dataset.source != "synthetic":
        raise NodeInputError("dataset", "the evaluator needs a synthetic dataset (its captions carry the labels)")
    if (dataset.size, dataset.frames) != (model.cfg.size, model.cfg.frames):
        raise NodeInputError(
            "dataset",
            f"the dataset's clips are {dataset.frames}×{dataset.size}² but the model makes {model.cfg.frames}×{model.cfg.size}²",
        )
    result = evaluate(model, dataset, params.seed, params.classifier_steps)
    table = result.table()
    ctx.log.info("%s:\n%s", ctx.node_id, table)
    path = Path(ctx.output_dir) / f"{params.name}.json"
    write_bytes(path, json.dumps(result.to_json(), indent=2).encode())
    ctx.progress(1, 1)
    return {"report": table, "file": MediaFile(path=path, media_type="application/json", extra=result.to_json())}
