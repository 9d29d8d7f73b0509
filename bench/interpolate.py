"""Interpolation speed: in-between frames per second for each DIS quality preset, at 512×512
and 1280×720, against a linear cross-fade (the cheapest possible in-between frame) measured
in the same run. Also the learned backend when given ``--weights`` (random weights are fine
for timing: ``--random-weights``).

The source is a smooth random texture panning a few pixels per frame, held in memory, so the
figures are the interpolator's own cost (flow, warps, blend) through the same lazy driver the
node uses, read in 16-frame chunks like the encoder does. ×2: one new frame per source pair.
Targets on the 2-core machine: ≥ 80 frames/s at 512×512, ≥ 20 at 1280×720. The machine is
shared: expect noise.

    .venv/bin/python bench/interpolate.py [--pairs 24] [--sizes 512x512,1280x720] [--random-weights]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.datatypes import Frames
from nodes.video.interpolate.driver import PairInterpolator, interpolated_frames
from nodes.video.interpolate.flow import DisInterpolator, linear_blend
from nodes.video.interpolate.timing import RetimePlan


class Blend:
    """The baseline: a cross-fade through the same driver."""

    def prepare(self, f0: np.ndarray, f1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return f0, f1

    def synthesize(self, pair: tuple[np.ndarray, np.ndarray], ts: list[float]) -> list[np.ndarray]:
        return [linear_blend(pair[0], pair[1], t) for t in ts]


def panning(width: int, height: int, count: int) -> Frames:
    import cv2

    rng = np.random.default_rng(0)
    big = cv2.GaussianBlur(rng.integers(0, 256, (height + 8 * count, width + 8 * count, 3), np.uint8), (0, 0), 3)
    big = cv2.normalize(big, None, 0, 255, cv2.NORM_MINMAX)
    frames = np.stack([big[3 * i : 3 * i + height, 5 * i : 5 * i + width] for i in range(count)])
    return Frames.from_array(frames, 24)


def rate(source: Frames, interpolator: PairInterpolator, rounds: int) -> float:
    """New (in-between) frames per second, best of ``rounds``."""
    plan = RetimePlan(source.count, Fraction(24), Fraction(48))
    new = source.count - 1
    best = float("inf")
    for _ in range(rounds):
        out = interpolated_frames(source, plan, interpolator)
        start = time.perf_counter()
        for _chunk in out.chunks(16):
            pass
        best = min(best, time.perf_counter() - start)
    return new / best


def learned(path: str | None, random_weights: bool) -> PairInterpolator | None:
    if not path and not random_weights:
        return None
    from nodes.video.interpolate.learned import LearnedInterpolator, build_network, load_network

    if path:
        return LearnedInterpolator(load_network(path))
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(0)
    weights = Path(tempfile.mkdtemp()) / "random.safetensors"
    save_file({k: v.contiguous() for k, v in build_network().state_dict().items()}, str(weights))
    return LearnedInterpolator(load_network(str(weights)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=24, help="source pairs per measurement")
    parser.add_argument("--sizes", default="512x512,1280x720")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--weights", help="a .safetensors file for the learned backend")
    parser.add_argument("--random-weights", action="store_true", help="time the learned backend with random weights")
    args = parser.parse_args()
    net = learned(args.weights, args.random_weights)
    print(f"×2 interpolation, {args.pairs} pairs, best of {args.rounds} (shared 2-core machine: noisy)\n")
    print(f"{'size':>10} {'method':>16} {'new frames/s':>13} {'vs blend':>9} {'target':>7}")
    for size in args.sizes.split(","):
        width, height = (int(v) for v in size.split("x"))
        source = panning(width, height, args.pairs + 1)
        target = 80 if width * height <= 512 * 512 else 20
        blend = rate(source, Blend(), args.rounds)
        print(f"{size:>10} {'linear blend':>16} {blend:>13.1f} {1.0:>9.2f} {'':>7}")
        methods: dict[str, PairInterpolator] = {f"dis {q}": DisInterpolator(q) for q in ("fast", "balanced", "quality")}
        if net is not None:
            methods["learned (cpu)"] = net
        for name, interpolator in methods.items():
            fps = rate(source, interpolator, args.rounds if name.startswith("dis") else 1)
            mark = "ok" if fps >= target else "below"
            print(f"{size:>10} {name:>16} {fps:>13.1f} {fps / blend:>9.2f} {target:>4} {mark}")


if __name__ == "__main__":
    main()
