"""Cheap latent previews: a linear projection of the latent channels to RGB, no VAE decode.

The projection is the latent's own top three principal components (a C×C eigenproblem,
C ≤ 128), so it works for every family without per-model colour tables; it shows layout
and motion taking shape, which is what a progress preview is for. Costs one small
device-to-host copy per preview.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_SIDE = 256
AUDIO_HEIGHT = 32

# How each family lays out its latents during denoising.
LAYOUTS = {"cogvideox": "bfchw", "ltx": "packed", "stable_audio": "bcl"}


def latent_layout(family: str, latents: Any) -> str:
    if family in LAYOUTS:
        return LAYOUTS[family]
    return {4: "bchw", 5: "bcfhw", 3: "bcl"}.get(latents.ndim, "unknown")


def latent_preview(latents: Any, layout: str, grid: tuple[int, int] | None = None) -> np.ndarray | None:
    """An H×W×3 uint8 picture of the first sample's (middle frame's) latents, or None if the
    layout is unknown. ``grid`` = (latent height, latent width) for packed token latents."""
    plane = _plane(latents[0].detach(), layout, grid)  # C×H×W
    if plane is None:
        return None
    rgb = _project(plane.float())
    return _fit(rgb) if layout != "bcl" else _strip(rgb)


def _plane(x: Any, layout: str, grid: tuple[int, int] | None) -> Any:
    if layout == "bchw":
        return x
    if layout == "bcfhw":
        return x[:, x.shape[1] // 2]
    if layout == "bfchw":
        return x[x.shape[0] // 2]
    if layout == "bcl":
        return x[:, None, :]
    if layout == "packed" and grid is not None:
        h, w = grid
        tokens, channels = x.shape
        if h * w == 0 or tokens < h * w:
            return None
        frames = tokens // (h * w)
        x = x[: frames * h * w].reshape(frames, h, w, channels)[frames // 2]
        return x.permute(2, 0, 1)
    return None


def _project(plane: Any) -> np.ndarray:
    """C×H×W -> H×W×3 in [0, 255] along the top three principal components."""
    import torch

    c, h, w = plane.shape
    flat = plane.reshape(c, h * w)
    flat = flat - flat.mean(dim=1, keepdim=True)
    if c > 3:
        _, vectors = torch.linalg.eigh(flat @ flat.T / max(1, h * w))
        basis = vectors[:, -3:].flip(1)  # largest first
        basis = basis * torch.sign(basis.sum(dim=0, keepdim=True) + 1e-12)  # stable colours between steps
        flat = basis.T @ flat
    elif c < 3:
        flat = torch.cat([flat, flat.new_zeros(3 - c, h * w)])
    low = flat.quantile(0.02, dim=1, keepdim=True)
    high = flat.quantile(0.98, dim=1, keepdim=True)
    scaled = ((flat - low) / (high - low).clamp_min(1e-6)).clamp(0, 1)
    return (scaled.T.reshape(h, w, 3) * 255).round().to(torch.uint8).cpu().numpy()


def _strip(rgb: np.ndarray) -> np.ndarray:
    """A 1×L row (audio latents over time) as a MAX_SIDE-wide, AUDIO_HEIGHT-high band."""
    length = rgb.shape[1]
    if length > MAX_SIDE:
        rgb = rgb[:, :: -(-length // MAX_SIDE)]
    else:
        rgb = rgb.repeat(max(1, MAX_SIDE // length), axis=1)
    return np.ascontiguousarray(np.repeat(rgb, AUDIO_HEIGHT, axis=0))


def _fit(rgb: np.ndarray) -> np.ndarray:
    """Nearest-neighbour up to a viewable size, or strided down to at most MAX_SIDE."""
    h, w = rgb.shape[:2]
    if max(h, w) > MAX_SIDE:
        step = -(-max(h, w) // MAX_SIDE)
        return np.ascontiguousarray(rgb[::step, ::step])
    factor = max(1, min(8, MAX_SIDE // max(h, w)))
    return np.ascontiguousarray(rgb.repeat(factor, axis=0).repeat(factor, axis=1))
