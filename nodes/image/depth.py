"""Depth for parallax: 0 far … 1 near, at the picture's size.

Without weights, a documented heuristic (``heuristic_depth``):

- **vertical position** (weight 0.5): in most photographs the ground recedes upwards, so a
  pixel lower in the frame is nearer;
- **edge density** (0.2): near things show texture and sharp detail, far things (sky, haze,
  distant hills) are smooth;
- **saliency** (0.3): the subject a photographer frames usually stands in front; spectral
  residual saliency (Hou & Zhang, CVPR 2007) finds it without any training. It is counted
  where the picture has detail (scaled by 0.2 + 0.8 × edge density): a glowing sun or a
  bright patch of sky is salient too, but smooth and far.

The blend is then averaged over regions of like colour (k-means on colour and position,
split into connected pieces) so that an object moves as one piece, and smoothed with a guided
filter (He et al., 2010) steered by the picture, so that layer boundaries follow the picture's
own edges instead of cutting through objects.

With a depth model (``model_depth``: a transformers DPT / Depth-Anything checkpoint loaded by
the model manager), its relative inverse depth replaces the heuristic.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

WEIGHTS = {"vertical": 0.5, "edges": 0.2, "saliency": 0.3}
WORK_WIDTH = 320  # depth is smooth: estimate it small, then upsample


def _normalise(x: np.ndarray, low: float = 2.0, high: float = 98.0) -> np.ndarray:
    """Stretch to [0, 1] between two percentiles (robust to outliers); between the extremes when
    the percentiles coincide (a map that is flat almost everywhere)."""
    lo, hi = np.percentile(x, [low, high])
    if not hi > lo:
        lo, hi = float(x.min()), float(x.max())
    if not hi > lo:
        return np.zeros(x.shape, np.float32)  # no depth information at all: everything at one depth
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def spectral_saliency(gray: np.ndarray) -> np.ndarray:
    """Spectral residual saliency at 64 px: what the log spectrum has beyond its smooth trend."""
    small = cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA).astype(np.float32)
    spectrum = np.fft.fft2(small)
    log_amp = np.log(np.abs(spectrum) + 1e-6)
    residual = log_amp - cv2.blur(log_amp, (3, 3))
    saliency = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    saliency = cv2.GaussianBlur(saliency.astype(np.float32), (0, 0), 3.0)
    return _normalise(cv2.resize(saliency, gray.shape[::-1], interpolation=cv2.INTER_LINEAR))


def edge_density(gray: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    sigma = max(1.0, 0.03 * gray.shape[1])
    return _normalise(cv2.GaussianBlur(cv2.magnitude(gx, gy), (0, 0), sigma))


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """He et al.'s guided filter (grey guide): edge-aware smoothing of ``src`` along ``guide``."""
    box = (2 * radius + 1, 2 * radius + 1)
    mean_i = cv2.blur(guide, box)
    mean_p = cv2.blur(src, box)
    cov_ip = cv2.blur(guide * src, box) - mean_i * mean_p
    var_i = cv2.blur(guide * guide, box) - mean_i * mean_i
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    return cv2.blur(a, box) * guide + cv2.blur(b, box)


def _small(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    sw = min(WORK_WIDTH, w)
    sh = max(8, round(h * sw / w))
    return cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)


def region_mean(small: np.ndarray, depth: np.ndarray, clusters: int = 12, seed: int = 0) -> np.ndarray:
    """``depth`` averaged over connected regions of like colour (a cheap superpixel segmentation:
    k-means on Lab colour plus a little position, then connected components per cluster)."""
    h, w = depth.shape
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    features = np.concatenate([lab.reshape(-1, 3), 0.15 * 255 * np.stack([xx / w, yy / h], -1).reshape(-1, 2)], 1)
    cv2.setRNGSeed(seed)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 12, 1.0)
    _, labels, _ = cv2.kmeans(features, clusters, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    labels = labels.reshape(h, w)
    regions = np.zeros((h, w), np.int32)
    offset = 0
    for k in range(clusters):
        count, pieces = cv2.connectedComponents((labels == k).astype(np.uint8), connectivity=4)
        mask = labels == k
        regions[mask] = pieces[mask] + offset
        offset += count
    sums = np.bincount(regions.ravel(), weights=depth.ravel(), minlength=offset)
    sizes = np.bincount(regions.ravel(), minlength=offset)
    means = (sums / np.maximum(sizes, 1)).astype(np.float32)
    small_piece = sizes[regions] < max(4, h * w // 2000)  # specks keep their own estimate
    return np.where(small_piece, depth, means[regions]).astype(np.float32)


def heuristic_depth(image: np.ndarray) -> np.ndarray:
    """Depth in [0, 1] (1 near) from position, edges and saliency; see the module docstring."""
    small = _small(image)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    h, w = gray.shape
    vertical = np.repeat((np.linspace(0.0, 1.0, h, dtype=np.float32) ** 1.2)[:, None], w, axis=1)
    edges = edge_density(gray)
    # saliency counts where there is detail: a glowing sun or a bright patch of sky stands out
    # as much as a subject does, but it has no edges and lies far away
    depth = (
        WEIGHTS["vertical"] * vertical
        + WEIGHTS["edges"] * edges
        + WEIGHTS["saliency"] * spectral_saliency(gray) * (0.2 + 0.8 * edges)
    )
    depth = region_mean(small, depth.astype(np.float32))
    depth = guided_filter(gray, depth, radius=max(2, w // 60), eps=1e-3)
    return upsample(_normalise(depth, 1.0, 99.0), image.shape[:2])


def upsample(depth: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return cv2.resize(depth, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR).astype(np.float32)


def model_depth(image: np.ndarray, bundle: Any) -> np.ndarray:
    """Relative depth from a transformers depth-estimation model (``predicted_depth``: larger is
    nearer for DPT and Depth-Anything), normalised to [0, 1] at the picture's size."""
    import torch

    model, processor = bundle.model, getattr(bundle, "processor", None)
    if processor is not None:
        inputs = processor(images=image, return_tensors="pt")
    else:  # no preprocessor_config.json: the DPT defaults (384², mean = std = 0.5)
        size = int(getattr(model.config, "image_size", 384) or 384)
        pixels = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        inputs = {"pixel_values": torch.from_numpy((pixels - 0.5) / 0.5).permute(2, 0, 1)[None]}
    device = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    with torch.inference_mode():
        pixel_values = inputs["pixel_values"].to(device=device, dtype=dtype)
        predicted = model(pixel_values=pixel_values).predicted_depth
    depth = predicted.float().reshape(predicted.shape[-2], predicted.shape[-1]).cpu().numpy()
    if not np.isfinite(depth).all():
        raise ValueError("the depth model returned NaN or infinite values")
    return upsample(_normalise(depth, 1.0, 99.0), image.shape[:2])
