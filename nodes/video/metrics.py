"""Picture-quality measures shared by the tests and ``bench/enhance.py``: PSNR, SSIM, flicker."""

from __future__ import annotations

import numpy as np


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over whole arrays of uint8 pictures (any shape)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean structural similarity (Wang et al. 2004, 11×11 Gaussian σ=1.5) of two RGB or grey uint8 frames,
    on luma for RGB, as scikit-image computes it with ``gaussian_weights=True``."""
    import cv2

    x, y = (_luma(v).astype(np.float64) for v in (a, b))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(v: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(v, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    num = (2 * mx * my + c1) * (2 * sxy + c2)
    den = (mx * mx + my * my + c1) * (sxx + syy + c2)
    return float(np.mean(num / den))


def flicker_index(frames: np.ndarray) -> float:
    """Mean absolute change of mean luma between consecutive frames (0-255 scale)."""
    means = np.array([_luma(f).mean() for f in frames])
    return float(np.mean(np.abs(np.diff(means)))) if len(means) > 1 else 0.0


def _luma(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame.astype(np.float32)
    return frame.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
