"""Checkpoints: one ``.safetensors`` file with G, D, the EMA generator, both Adam states and
the training position; written to a temp file and renamed, so a crash or a cancel never
leaves a half-written checkpoint in place of the last good one.

Adam's state is flattened to tensors named ``opt_g.<param index>.<key>``; the config, the
step and the loss history go in the file's string metadata as JSON.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from server.engine.partials import partial_path

from .model import ClipEncoder, Discriminator, GanConfig, Generator

FORMAT = "reelgraph.gan/3"  # /3: the sprite generator and D's own word reader


class CheckpointError(ValueError):
    """The file is not a Reelgraph GAN checkpoint (or not safetensors at all)."""


@dataclass
class TrainState:
    """What a checkpoint holds: networks, optimisers and where training stands."""

    cfg: GanConfig
    generator: Generator
    discriminator: Discriminator
    ema: Generator
    encoder: ClipEncoder
    opt_g: torch.optim.Adam
    opt_d: torch.optim.Adam
    step: int
    history: dict[str, list[float]]
    train: dict[str, Any]


def _optimizer_tensors(prefix: str, opt: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    out = {}
    for index, state in opt.state_dict()["state"].items():
        for key, value in state.items():
            out[f"{prefix}.{index}.{key}"] = value if torch.is_tensor(value) else torch.tensor(value)
    return out


def _load_optimizer(prefix: str, opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor]) -> None:
    state = opt.state_dict()
    restored: dict[int, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        if name.startswith(prefix + "."):
            _, index, key = name.split(".", 2)
            restored.setdefault(int(index), {})[key] = value
    state["state"] = restored
    opt.load_state_dict(state)


def save(path: Path, st: TrainState) -> Path:
    """Write atomically (temp file in the same folder, then rename)."""
    tensors: dict[str, torch.Tensor] = {}
    for prefix, module in (("g", st.generator), ("d", st.discriminator), ("ema", st.ema), ("e", st.encoder)):
        tensors.update({f"{prefix}.{k}": v.detach().contiguous() for k, v in module.state_dict().items()})
    tensors.update(_optimizer_tensors("opt_g", st.opt_g))
    tensors.update(_optimizer_tensors("opt_d", st.opt_d))
    meta = {
        "format": FORMAT,
        "config": json.dumps(st.cfg.to_json()),
        "step": str(st.step),
        "history": json.dumps(st.history),
        "train": json.dumps(st.train),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with partial_path(path.parent) as tmp:  # locked, swept after a crash; renamed when complete
        save_file(tensors, str(tmp), metadata=meta)
        os.replace(tmp, path)
    return path


def read(path: Path) -> tuple[dict[str, str], dict[str, torch.Tensor]]:
    """Metadata and tensors; :class:`CheckpointError` when the file is not our safetensors."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = fh.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path} is not a readable .safetensors file ({exc})") from exc
    found = meta.get("format", "")
    if found.startswith("reelgraph.gan/") and found != FORMAT:
        raise CheckpointError(
            f"{path} was written by an earlier Reelgraph GAN ({found}); this version reads {FORMAT}, whose networks "
            "differ: train again (another `name`, or remove the file)"
        )
    if found != FORMAT:
        raise CheckpointError(f"{path} is a safetensors file but not a Reelgraph GAN checkpoint ({FORMAT})")
    return meta, tensors


def load_config(meta: dict[str, str]) -> GanConfig:
    return GanConfig.from_json(json.loads(meta["config"]))


def restore(path: Path, st: TrainState) -> None:
    """Load a checkpoint into freshly built networks and optimisers of the same config."""
    meta, tensors = read(path)
    for prefix, module in (("g", st.generator), ("d", st.discriminator), ("ema", st.ema), ("e", st.encoder)):
        part = {k[len(prefix) + 1 :]: v for k, v in tensors.items() if k.startswith(prefix + ".")}
        module.load_state_dict(part)
    _load_optimizer("opt_g", st.opt_g, tensors)
    _load_optimizer("opt_d", st.opt_d, tensors)
    st.step = int(meta["step"])
    st.history = json.loads(meta["history"])
    st.train = json.loads(meta.get("train", "{}"))


def load_generator(path: Path) -> tuple[GanConfig, Generator, dict[str, str], Discriminator]:
    """The EMA generator (what generation uses) and the discriminator, in eval mode."""
    meta, tensors = read(path)
    cfg = load_config(meta)
    vocab = len(cfg.words) + 2
    g, d = Generator(cfg, vocab), Discriminator(cfg, vocab)
    g.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("ema.")})
    d.load_state_dict({k[2:]: v for k, v in tensors.items() if k.startswith("d.")})
    return cfg, g.eval(), meta, d.eval()
