"""The finishing looks of ``video.grade`` besides the LUT: colour transfer, vignette, film grain.

Colour transfer follows Reinhard et al. ("Color Transfer between Images", 2001) in CIELAB:
the frame's mean colour moves toward the palette's (dominant colours weigh more), and its
chroma spread is scaled toward the palette's. The transform is measured once, on the clip's
first frame, and the same per-channel affine map is applied to every frame (a byte lookup per
channel), so the look cannot flicker. Grain is monochrome Gaussian noise drawn per frame from
``seed`` and the frame index (the same run gives the same file), made at a coarser size for
its grain, strongest in the mid-tones like film's.
"""

from __future__ import annotations

from functools import cache

import numpy as np

PALETTE_WEIGHT_DECAY = 0.7  # weight of palette colour k is decay**k: dominant first


def palette_lab(palette: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(colours as 8-bit OpenCV Lab, their weights, weighted mean)."""
    import cv2

    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in palette], np.uint8)
    lab = cv2.cvtColor(rgb[None], cv2.COLOR_RGB2LAB)[0].astype(np.float64)
    weights = PALETTE_WEIGHT_DECAY ** np.arange(len(palette))
    weights /= weights.sum()
    return lab, weights, (weights[:, None] * lab).sum(axis=0)


def transfer_luts(frame: np.ndarray, palette: tuple[str, ...], amount: float) -> np.ndarray:
    """Per-channel Lab byte maps (1, 256, 3) moving ``frame``'s statistics toward ``palette``'s by ``amount``."""
    import cv2

    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float64)
    mean, std = lab.mean(axis=0), lab.std(axis=0) + 1e-6
    colours, weights, target = palette_lab(palette)
    spread = np.sqrt((weights[:, None] * (colours - target) ** 2).sum(axis=0))
    # Lightness keeps its own contrast and moves its mean only halfway: a palette is a colour
    # scheme, not an exposure; chroma spread moves toward the palette's but never below half.
    target = np.array([mean[0] + 0.5 * (target[0] - mean[0]), target[1], target[2]])
    gain = np.ones(3)
    gain[1:] = np.clip(spread[1:] / std[1:], 0.5, 2.0)
    new_mean = mean + amount * (target - mean)
    new_gain = 1 + amount * (gain - 1)
    levels = np.arange(256, dtype=np.float64)[:, None]
    mapped = (levels - mean) * new_gain + new_mean
    return np.clip(mapped + 0.5, 0, 255).astype(np.uint8).reshape(1, 256, 3)


def apply_transfer(frame: np.ndarray, luts: np.ndarray) -> np.ndarray:
    import cv2

    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB)
    return cv2.cvtColor(cv2.LUT(lab, luts), cv2.COLOR_LAB2RGB)


@cache
def vignette_map(height: int, width: int, amount: float) -> np.ndarray:
    """A (H, W, 3) float32 multiplier: 1 in the middle, ``1 - amount`` at the corners, smooth (cos⁴-like)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    r2 = ((xs - (width - 1) / 2) / (width / 2)) ** 2 + ((ys - (height - 1) / 2) / (height / 2)) ** 2
    falloff = np.clip(r2 / 2.0, 0, 1) ** 1.5  # 0 at the centre, 1 at the corners
    gain = 1.0 - amount * falloff
    return np.repeat(gain[..., None], 3, axis=2).astype(np.float32)


def apply_vignette(frame: np.ndarray, amount: float) -> np.ndarray:
    import cv2

    gain = vignette_map(frame.shape[0], frame.shape[1], round(amount, 4))
    return cv2.multiply(frame, gain, dtype=cv2.CV_8U)


def apply_grain(frame: np.ndarray, amount: float, size: float, seed: int, index: int) -> np.ndarray:
    """Add film grain of strength ``amount`` (σ = 12·amount levels in the mid-tones) and grain ``size`` pixels."""
    import cv2

    h, w = frame.shape[:2]
    gh, gw = max(1, round(h / size)), max(1, round(w / size))
    rng = np.random.default_rng([seed, index])
    noise = rng.standard_normal((gh, gw), dtype=np.float32)
    if (gh, gw) != (h, w):
        noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_LINEAR) * np.sqrt(size)  # keep σ after blending
    luma = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    weight = 4.0 * luma * (1.0 - luma)  # 1 in the mid-tones, 0 in pure black and white
    delta = noise * weight * (12.0 * amount)
    return cv2.add(frame, cv2.merge([delta, delta, delta]), dtype=cv2.CV_8U)
