"""Running a super-resolution network over a frame in overlapping tiles.

A 1080p frame through ESRGAN at ×4 needs gigabytes of activations at once; tiles of
``tile`` input pixels (with ``OVERLAP`` pixels of context on each side, cropped away after the
network) bound that to one tile's worth, so 4K output fits any GPU or CPU. The context hides
the seams: a pixel's output depends only on its neighbourhood, which the overlap supplies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

OVERLAP = 16


def run_tiled(model: Any, frame: np.ndarray, tile: int) -> np.ndarray:
    """``frame`` (H×W×3 uint8) through a spandrel ``ImageModelDescriptor``; returns (H·s)×(W·s)×3 uint8."""
    import torch

    scale = model.scale
    h, w = frame.shape[:2]
    device = next(model.model.parameters()).device
    image = torch.from_numpy(frame).to(device).permute(2, 0, 1)[None].float().div_(255.0)
    out = np.empty((h * scale, w * scale, 3), np.uint8)
    with torch.inference_mode():
        for y0 in range(0, h, tile):
            for x0 in range(0, w, tile):
                y1, x1 = min(y0 + tile, h), min(x0 + tile, w)
                ya, xa = max(0, y0 - OVERLAP), max(0, x0 - OVERLAP)
                yb, xb = min(h, y1 + OVERLAP), min(w, x1 + OVERLAP)
                patch = _padded(image[:, :, ya:yb, xa:xb], model.size_requirements)
                result = model(patch)[:, :, : (yb - ya) * scale, : (xb - xa) * scale]
                crop = result[0, :, (y0 - ya) * scale : (y1 - ya) * scale, (x0 - xa) * scale : (x1 - xa) * scale]
                out[y0 * scale : y1 * scale, x0 * scale : x1 * scale] = (
                    crop.clamp_(0, 1).mul_(255.0).round_().byte().permute(1, 2, 0).cpu().numpy()
                )
    return out


def _padded(patch: Any, requirements: Any) -> Any:
    """Reflect-pad a (1, 3, h, w) tensor to the network's minimum and multiple-of sizes (cropped after)."""
    from torch.nn import functional as F

    h, w = patch.shape[-2:]
    need_h, need_w = max(h, requirements.minimum), max(w, requirements.minimum)
    if requirements.square:
        need_h = need_w = max(need_h, need_w)
    m = requirements.multiple_of
    need_h, need_w = -(-need_h // m) * m, -(-need_w // m) * m
    if (need_h, need_w) == (h, w):
        return patch
    mode = "reflect" if need_h - h < h and need_w - w < w else "replicate"
    return F.pad(patch, (0, need_w - w, 0, need_h - h), mode=mode)
