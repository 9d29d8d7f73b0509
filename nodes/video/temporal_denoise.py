"""Motion-compensated temporal denoising: align the neighbours with optical flow, then average.

For frame ``i`` each neighbour ``j`` in the window is warped onto ``i`` with OpenCV's DIS flow
(the interpolation node's flow, :mod:`nodes.video.interpolate.flow`, on grey frames at half size,
where the noise is already averaged down). Where the alignment is right, the warped neighbour
is the same picture with independent noise, and averaging ``k`` of them divides the noise
variance by ``k``; where it is wrong (occlusion, a flow error) it differs from frame ``i`` by
more than noise does, so each neighbour gets a per-pixel weight that falls from 1 to 0 as the
locally averaged difference grows past what noise of strength σ explains. Nothing is ever
smeared across motion: a pixel with no trustworthy neighbour keeps its own value. A light
edge-preserving bilateral pass then removes part of the remaining (now σ/√k) noise.

σ is estimated from the clip unless given: from flow-aligned consecutive frames, or on a single
frame with Immerkær's Laplacian estimator (1996).
"""

from __future__ import annotations

import itertools

import numpy as np

from nodes.video.interpolate.flow import DisInterpolator, Quality

TRUST = 1.5  # × σ: the locally averaged difference past which a warped neighbour is not used
LAPLACIAN = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


def estimate_sigma(frame: np.ndarray) -> float:
    """Gaussian noise σ of an RGB uint8 frame (Immerkær, "Fast Noise Variance Estimation", 1996).

    Picture edges also excite the Laplacian, so only the pixels whose response is in the lower
    90% are used: a clean picture reads near 0, a noisy one close to its σ."""
    import cv2

    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
    response = np.abs(cv2.filter2D(grey, -1, LAPLACIAN, borderType=cv2.BORDER_REFLECT))[1:-1, 1:-1]
    edges = np.abs(cv2.Sobel(grey, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    flat = response[edges[1:-1, 1:-1] <= np.percentile(edges, 90)]
    # Luma of three channels' independent noise has a smaller σ: 0.299² + 0.587² + 0.114² ≈ 0.445
    return float(np.sqrt(np.pi / 2) / 6 * flat.mean() / np.sqrt(0.445)) if flat.size else 0.0


def aligned(flow: DisInterpolator, frame: np.ndarray, motion: np.ndarray) -> np.ndarray:
    """``frame`` warped by ``motion``, a flow computed at the flow resolution (vectors scaled to frame pixels)."""
    scale = frame.shape[1] / motion.shape[1]
    return flow.warp(frame, motion * scale if scale != 1 else motion)


def estimate_sigma_temporal(frames: np.ndarray) -> float:
    """Noise σ from consecutive frames: each is aligned to the next with optical flow, and the
    median absolute difference of the aligned pair (robust to the pixels flow gets wrong) is the
    median of |N(0, 2σ²)|. Unlike the Laplacian, this also sees the blotchy, spatially correlated
    noise that video compression leaves of grain. Flow and warps are at full size ("quality"):
    cheaper ones misalign fine texture enough to read a clean pan as noisy."""
    import cv2

    flow = DisInterpolator("quality")
    estimates = []
    for a, b in itertools.pairwise(frames):
        warped = aligned(flow, b, flow.flow(flow.grey(a), flow.grey(b)))
        diff = cv2.absdiff(warped, a)[8:-8, 8:-8]  # borders: content entering the frame
        estimates.append(float(np.median(diff)) / (0.6745 * np.sqrt(2)))
    return float(np.median(estimates)) if estimates else 0.0


class FlowDenoiser:
    """Denoises the centre of a window of frames; keeps each frame's grey copy (for flow) between calls."""

    def __init__(self, sigma: float, quality: Quality = "balanced", spatial: float = 1.0) -> None:
        self.sigma = max(float(sigma), 0.5)
        self.spatial = spatial
        self.flow = DisInterpolator(quality)
        self._grey: dict[int, np.ndarray] = {}

    def __call__(self, window: np.ndarray, centre: int, first: int) -> np.ndarray:
        import cv2

        frame = window[centre]
        acc = frame.astype(np.float32)
        total = np.ones(frame.shape[:2], np.float32)
        g0 = self._grey_of(first + centre, frame)
        s = self.sigma
        for k in range(len(window)):
            if k == centre:
                continue
            warped = aligned(self.flow, window[k], self.flow.flow(g0, self._grey_of(first + k, window[k])))
            warped = warped.astype(np.float32)
            diff = cv2.blur(cv2.absdiff(warped, frame.astype(np.float32)).mean(axis=2), (7, 7))
            # Two independent noisy copies differ by |N(0, 2σ²)|, whose mean is 1.13σ: full trust up to
            # 0.7σ, none past 1.5σ (measured best on the animatic and a texture pan; looser smears).
            weight = np.clip((TRUST * s - diff) / (0.8 * s), 0.0, 1.0)
            acc += warped * weight[..., None]
            total += weight
        out = acc / total[..., None]
        self._forget(first)
        if self.spatial > 0:
            residual = s / np.sqrt(np.maximum(total, 1.0)).mean()
            out = cv2.bilateralFilter(out, 5, 2.5 * residual * self.spatial, 3)
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)

    def _grey_of(self, index: int, frame: np.ndarray) -> np.ndarray:
        if index not in self._grey:
            self._grey[index] = self.flow.grey(frame)
        return self._grey[index]

    def _forget(self, first: int) -> None:
        for index in [i for i in self._grey if i < first]:
            del self._grey[index]
