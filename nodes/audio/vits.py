"""Speech with a local VITS / MMS-TTS model through transformers (``VitsModel`` + its tokenizer).

Models load only from a local directory (``local_files_only``: nothing is downloaded) and stay
resident, a couple at a time, so that a second utterance does not pay the load again. VITS
draws noise for durations and prosody; it is seeded per call inside a forked RNG so that the
same seed repeats the same audio without disturbing anyone else's random state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

KEEP_MODELS = 2

_lock = threading.Lock()
_loaded: OrderedDict[tuple[str, str], tuple[Any, Any]] = OrderedDict()


class VitsError(RuntimeError):
    """The model directory is unusable or the text cannot be tokenised; the message says why."""


def pick_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise VitsError("device 'cuda' was asked for but torch sees no CUDA GPU; use 'auto' or 'cpu'")
    return device


def load(path: str, device: str) -> tuple[Any, Any]:
    """(model, tokenizer) from a local directory written by ``save_pretrained``; cached."""
    key = (str(Path(path).resolve()), device)
    if key in _loaded:
        _loaded.move_to_end(key)
        return _loaded[key]
    from transformers import AutoTokenizer, VitsModel

    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise VitsError(
            f"{path!r} is not a model directory (no config.json); point model_path at a VITS/MMS-TTS folder"
        )
    try:
        model = VitsModel.from_pretrained(folder, local_files_only=True).to(device).eval()
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise VitsError(f"cannot load a VITS model from {path!r}: {exc}") from exc
    _loaded[key] = (model, tokenizer)
    while len(_loaded) > KEEP_MODELS:
        _loaded.popitem(last=False)
    return model, tokenizer


def synthesize(
    text: str, path: str, seed: int, speaking_rate: float = 1.0, device: str = "auto"
) -> tuple[np.ndarray, int]:
    """Speak ``text`` with the model at ``path``: (float32 mono samples, the model's sample rate)."""
    if not (Path(path) / "config.json").is_file():  # checked before paying for the torch import
        raise VitsError(
            f"{path!r} is not a model directory (no config.json); point model_path at a VITS/MMS-TTS folder"
        )
    import torch

    with _lock:
        dev = pick_device(device)
        model, tokenizer = load(path, dev)
        try:
            inputs = tokenizer(text, return_tensors="pt")
        except ImportError as exc:  # e.g. a tokenizer that phonemizes needs the 'phonemizer' package
            raise VitsError(f"this model's tokenizer needs a package that is not installed: {exc}") from exc
        if inputs["input_ids"].shape[-1] == 0:
            raise VitsError("none of the text's characters are in the model's vocabulary")
        model.speaking_rate = float(speaking_rate)
        devices = [torch.cuda.current_device()] if dev == "cuda" else []
        with torch.random.fork_rng(devices=devices), torch.inference_mode():
            torch.manual_seed(seed)
            wave = model(**{k: v.to(dev) for k, v in inputs.items()}).waveform
    return wave[0].float().cpu().numpy().astype(np.float32), int(model.config.sampling_rate)
