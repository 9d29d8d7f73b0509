"""Known-answer material for interpolation tests and benchmarks: a texture that can be drawn at
any sub-pixel shift, so the true in-between frame is known exactly.

The texture is a sum of colour sinusoids with a 1/√f amplitude falloff (natural pictures fall
off roughly like 1/f), evaluated analytically at the shifted coordinates: no resampling is
involved in making the ground truth.
"""

from __future__ import annotations

import numpy as np


def texture_frame(
    height: int,
    width: int,
    shift: tuple[float, float] = (0.0, 0.0),
    *,
    seed: int = 0,
    waves: int = 48,
    fmin: float = 0.01,
    fmax: float = 0.15,
) -> np.ndarray:
    """H×W×3 uint8: the texture moved by ``shift`` = (dx, dy) pixels (content moves right/down)."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    xs -= shift[0]
    ys -= shift[1]
    out = np.zeros((height, width, 3))
    power = np.zeros(3)
    for _ in range(waves):
        f = np.exp(rng.uniform(np.log(fmin), np.log(fmax)))
        angle, phase = rng.uniform(0, 2 * np.pi, 2)
        amp = rng.uniform(0.3, 1.0, 3) * np.sqrt(fmin / f)
        out += amp * np.sin(2 * np.pi * f * (np.cos(angle) * xs + np.sin(angle) * ys) + phase)[..., None]
        power += amp**2
    out /= 3 * np.sqrt(power / 2)  # about ±3σ → ±1
    return np.clip(127.5 + 127.0 * out, 0, 255).round().astype(np.uint8)


def psnr(a: np.ndarray, b: np.ndarray, margin: int = 0) -> float:
    """Peak signal-to-noise ratio in dB, ignoring ``margin`` pixels at each border."""
    if margin:
        a, b = a[margin:-margin, margin:-margin], b[margin:-margin, margin:-margin]
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)
