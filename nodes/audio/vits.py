"""Speech with a VITS / MMS-TTS model through transformers (``VitsModel`` + its tokenizer).

The model comes from the model manager like every diffusion model: a local folder or a hub id
already in the Hugging Face cache (nothing is downloaded), safetensors only, resident across
runs within the manager's memory budget. VITS draws noise for durations and prosody; it is
seeded per call inside a forked RNG so that the same seed repeats the same audio without
disturbing anyone else's random state.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

_lock = threading.Lock()  # speaking_rate is set on the shared model for each call


class VitsError(RuntimeError):
    """The text cannot be spoken with this model; the message says why."""


def synthesize(
    text: str, source: str, seed: int, speaking_rate: float, device: str, manager: Any
) -> tuple[np.ndarray, int]:
    """Speak ``text`` with the model ``source`` names: (float32 mono samples, the model's rate).
    Model problems raise the manager's ``ModelError``s; text problems raise :class:`VitsError`."""
    import torch

    handle = manager.load(source, "speech", dtype="fp32", device=device)  # VITS's flows want full precision
    with _lock, handle.use() as bundle:
        model, tokenizer = bundle.model, bundle.tokenizer
        if tokenizer is None:
            raise VitsError(f"{source} has no tokenizer files (vocab.json, tokenizer_config.json)")
        try:
            inputs = tokenizer(text, return_tensors="pt")
        except ImportError as exc:  # e.g. a tokenizer that phonemizes needs the 'phonemizer' package
            raise VitsError(f"this model's tokenizer needs a package that is not installed: {exc}") from exc
        if inputs["input_ids"].shape[-1] == 0:
            raise VitsError("none of the text's characters are in the model's vocabulary")
        model.speaking_rate = float(speaking_rate)
        on_gpu = handle.spec.device.startswith("cuda")
        devices = [torch.device(handle.spec.device).index or 0] if on_gpu else []
        with torch.random.fork_rng(devices=devices), torch.inference_mode():
            torch.manual_seed(seed)
            wave = model(**{k: v.to(handle.spec.device) for k, v in inputs.items()}).waveform
        return wave[0].float().cpu().numpy().astype(np.float32), int(model.config.sampling_rate)
