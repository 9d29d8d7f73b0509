"""Optical-flow interpolation with OpenCV's DIS: bidirectional flow, backward warp, blend.

For a pair (I0, I1) we compute F01 and F10 once (on grey frames, at reduced resolution for
speed), then for each time t approximate the flows from the in-between frame back to both
ends (Jiang et al., "Super SloMo", 2018)::

    Ft0 = -(1 - t) t F01 + t² F10        Ft1 = (1 - t)² F01 - t (1 - t) F10

and backward-warp I0 by Ft0 and I1 by Ft1 with ``cv2.remap``, then cross-fade the two by t.
The "quality" preset computes flow at full size and resamples bicubically (sharper on fine
texture). Weighting the blend by forward-backward flow consistency (to handle occlusions)
was tried and made our moving-object test worse, so it is not done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Quality = Literal["fast", "balanced", "quality"]
DIS_MIN_SIDE = 12  # OpenCV's DIS refuses images with both sides under this
MIN_FLOW_SIDE = 32  # below this, flow at a reduced size has too few pixels to track anything


@dataclass(frozen=True)
class FlowPreset:
    dis_preset: str  # cv2.DISOPTICAL_FLOW_PRESET_<name>
    scale: float  # flow is computed at this fraction of the frame size
    resample: str  # cv2.INTER_<name>, used to warp the frames


PRESETS: dict[str, FlowPreset] = {
    "fast": FlowPreset("ULTRAFAST", 0.5, "LINEAR"),
    "balanced": FlowPreset("FAST", 0.5, "LINEAR"),
    "quality": FlowPreset("MEDIUM", 1.0, "CUBIC"),
}


@dataclass
class FlowPair:
    """Everything computed once per source pair; ``synthesize`` reuses it for every t."""

    f0: np.ndarray
    f1: np.ndarray
    flow01: np.ndarray  # at flow resolution, in flow-resolution pixels
    flow10: np.ndarray


class DisInterpolator:
    """Synthesises in-between frames for one pair of RGB uint8 frames at a time."""

    def __init__(self, quality: Quality = "balanced") -> None:
        import cv2

        self.preset = PRESETS[quality]
        self._dis = cv2.DISOpticalFlow_create(getattr(cv2, f"DISOPTICAL_FLOW_PRESET_{self.preset.dis_preset}"))
        self._resample = getattr(cv2, f"INTER_{self.preset.resample}")
        self._grids: dict[tuple[int, int], np.ndarray] = {}

    def prepare(self, f0: np.ndarray, f1: np.ndarray) -> FlowPair:
        g0, g1 = self.grey(f0), self.grey(f1)
        if max(g0.shape) < DIS_MIN_SIDE:  # too small to find motion in: in-betweens are plain blends
            still = np.zeros((*g0.shape, 2), np.float32)
            return FlowPair(f0, f1, still, still)
        return FlowPair(f0, f1, self.flow(g0, g1), self.flow(g1, g0))

    def flow(self, g0: np.ndarray, g1: np.ndarray) -> np.ndarray:
        """For each pixel of grey ``g0`` (from :meth:`grey`), where it is in ``g1``, in flow-resolution pixels."""
        return self._dis.calc(g0, g1, None)

    def synthesize(self, pair: FlowPair, ts: list[float]) -> list[np.ndarray]:
        return [self._at(pair, t) for t in ts]

    def _at(self, pair: FlowPair, t: float) -> np.ndarray:
        import cv2

        s = pair.f0.shape[1] / pair.flow01.shape[1]  # flow-resolution pixels → full-resolution pixels
        ft0 = cv2.addWeighted(pair.flow01, -(1 - t) * t * s, pair.flow10, t * t * s, 0.0)
        ft1 = cv2.addWeighted(pair.flow01, (1 - t) ** 2 * s, pair.flow10, -t * (1 - t) * s, 0.0)
        w0 = self.warp(pair.f0, ft0)
        w1 = self.warp(pair.f1, ft1)
        return cv2.addWeighted(w0, 1.0 - t, w1, t, 0.0)

    def warp(self, frame: np.ndarray, flow: np.ndarray) -> np.ndarray:
        """Backward warp: out(x) = frame(x + flow(x)), flow upsampled to the frame's size (its vectors must
        already be in frame pixels: scale them by the frame's width over the flow's)."""
        import cv2

        h, w = frame.shape[:2]
        if flow.shape[:2] != (h, w):
            flow = cv2.resize(flow, (w, h), interpolation=cv2.INTER_LINEAR)
        coords = cv2.add(flow, self._grid(h, w))
        return cv2.remap(frame, coords, None, self._resample, borderMode=cv2.BORDER_REPLICATE)

    def grey(self, frame: np.ndarray) -> np.ndarray:
        """The frame as grey, at the preset's flow resolution."""
        import cv2

        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        h, w = grey.shape
        scale = self.preset.scale
        if scale == 1.0 or min(w, h) * scale < MIN_FLOW_SIDE:  # small frames: flow at full size
            return grey
        return cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)

    def _grid(self, h: int, w: int) -> np.ndarray:
        if (h, w) not in self._grids:
            xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
            self._grids[(h, w)] = np.dstack([xs, ys])
        return self._grids[(h, w)]


def linear_blend(f0: np.ndarray, f1: np.ndarray, t: float) -> np.ndarray:
    """The baseline a flow method must beat: a plain cross-fade."""
    import cv2

    return cv2.addWeighted(f0, 1.0 - t, f1, t, 0.0)
