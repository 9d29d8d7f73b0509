"""A learned interpolation backend: a compact RIFE-style flow network (IFNet-like), in torch.

Three blocks refine, coarse to fine (1/4, 1/2, full resolution), the flows from the
in-between time t to both frames plus a fusion mask; the output is the two frames
backward-warped by those flows and fused by the mask (Huang et al., "Real-Time
Intermediate Flow Estimation for Video Frame Interpolation", 2022). The network is ours
and small; it only ever runs with weights the user provides, from a ``.safetensors`` file
whose tensor names and shapes match :func:`expected_shapes` (no pickle, no downloads).
torch is imported only when this backend is chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from server.engine.errors import NodeInputError

SCALES = (4, 2, 1)
WIDTHS = (64, 48, 32)
IN_CHANNELS = 3 * 4 + 1 + 1 + 4  # img0, img1, warped0, warped1, t, mask, flow(t→0, t→1)
PAD = 32  # input sizes are padded to a multiple of this


def build_network() -> Any:
    """The torch module (random weights). Built lazily so importing this file stays cheap."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    def conv(cin: int, cout: int, stride: int = 1) -> nn.Module:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.PReLU(cout))

    def warp(image: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
        h, w = image.shape[-2:]
        ys, xs = torch.meshgrid(torch.arange(h, dtype=image.dtype), torch.arange(w, dtype=image.dtype), indexing="ij")
        gx = (xs + flow[:, 0]) * (2.0 / max(w - 1, 1)) - 1.0
        gy = (ys + flow[:, 1]) * (2.0 / max(h - 1, 1)) - 1.0
        grid = torch.stack([gx, gy], dim=-1)
        return F.grid_sample(image, grid, mode="bilinear", padding_mode="border", align_corners=True)

    class FlowBlock(nn.Module):
        """Predicts a flow and mask update at 1/scale resolution."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.down = nn.Sequential(conv(IN_CHANNELS, width // 2, 2), conv(width // 2, width, 2))
            self.body = nn.Sequential(*(conv(width, width) for _ in range(4)))
            self.up = nn.ConvTranspose2d(width, 5, 4, 2, 1)

        def forward(self, x: torch.Tensor, flow: torch.Tensor, scale: int) -> tuple[torch.Tensor, torch.Tensor]:
            if scale != 1:
                x = F.interpolate(x, scale_factor=1.0 / scale, mode="bilinear", align_corners=False)
                flow = F.interpolate(flow, scale_factor=1.0 / scale, mode="bilinear", align_corners=False) / scale
            feat = self.down(torch.cat([x, flow], 1))
            out = self.up(self.body(feat) + feat)
            out = F.interpolate(out, scale_factor=2.0 * scale, mode="bilinear", align_corners=False)
            return out[:, :4] * (2.0 * scale), out[:, 4:5]

    class IFNetLite(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = nn.ModuleList(FlowBlock(w) for w in WIDTHS)

        def forward(self, img0: torch.Tensor, img1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            n, _, h, w = img0.shape
            flow = img0.new_zeros(n, 4, h, w)
            mask = img0.new_zeros(n, 1, h, w)
            tplane = t.view(n, 1, 1, 1).expand(n, 1, h, w)
            warped0, warped1 = img0, img1
            for block, scale in zip(self.blocks, SCALES, strict=True):
                x = torch.cat([img0, img1, warped0, warped1, tplane, mask], 1)
                dflow, dmask = block(x, flow, scale)
                flow, mask = flow + dflow, mask + dmask
                warped0, warped1 = warp(img0, flow[:, :2]), warp(img1, flow[:, 2:])
            m = torch.sigmoid(mask)
            return (warped0 * m + warped1 * (1 - m)).clamp(0, 1)

    return IFNetLite().eval()


def expected_shapes(net: Any = None) -> dict[str, tuple[int, ...]]:
    """Tensor names and shapes a weights file must hold."""
    return {k: tuple(v.shape) for k, v in (net or build_network()).state_dict().items()}


def load_network(model_path: str) -> Any:
    """The network with the user's weights; every problem is a NodeInputError on ``model_path``."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(model_path).expanduser()
    if not model_path.strip():
        raise NodeInputError(
            "model_path", "the learned backend needs a weights file: set model_path to a .safetensors file"
        )
    if path.suffix != ".safetensors":
        raise NodeInputError("model_path", f"{path} is not a .safetensors file; only safetensors weights are loaded")
    if not path.is_file():
        raise NodeInputError("model_path", f"weights file {path} does not exist")
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise NodeInputError("model_path", f"cannot read {path} as safetensors: {exc}") from exc
    net = build_network()
    expected = expected_shapes(net)
    got = {k: tuple(v.shape) for k, v in state.items()}
    if got != expected:
        missing = sorted(set(expected) - set(got))[:5]
        unexpected = sorted(set(got) - set(expected))[:5]
        wrong = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])[:5]
        raise NodeInputError(
            "model_path",
            f"{path} does not hold IFNet-lite weights (missing {missing}, unexpected {unexpected}, wrong shape {wrong})",
        )
    net.load_state_dict({k: v.float() for k, v in state.items()})
    return net


class LearnedInterpolator:
    """The :class:`~nodes.video.interpolate.driver.PairInterpolator` for the learned network (CPU, float32)."""

    def __init__(self, net: Any) -> None:
        self.net = net

    def prepare(self, f0: np.ndarray, f1: np.ndarray) -> tuple[Any, Any, tuple[int, int]]:
        import torch

        h, w = f0.shape[:2]
        hp, wp = -(-h // PAD) * PAD, -(-w // PAD) * PAD

        def tensor(frame: np.ndarray) -> torch.Tensor:
            x = torch.from_numpy(frame).permute(2, 0, 1)[None].float() / 255.0
            return torch.nn.functional.pad(x, (0, wp - w, 0, hp - h), mode="replicate")

        return tensor(f0), tensor(f1), (h, w)

    def synthesize(self, prepared: tuple[Any, Any, tuple[int, int]], ts: list[float]) -> list[np.ndarray]:
        import torch

        img0, img1, (h, w) = prepared
        n = len(ts)
        with torch.inference_mode():
            out = self.net(
                img0.expand(n, -1, -1, -1), img1.expand(n, -1, -1, -1), torch.tensor(ts, dtype=torch.float32)
            )
        pixels = (out[:, :, :h, :w] * 255.0 + 0.5).clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
        return list(pixels.contiguous().numpy())
