"""Makes ``workflows/media/old_tokyo.mp4``, the clip ``workflows/enhance.json`` restores, and
``warm_film.cube``, the LUT it grades with.

An "old" version of our own animatic: small (320×180), flickering (a random exposure and
white-balance gain per frame) and noisy (Gaussian σ=12), with its sound. Self-made, so it
can be shipped. Reproduce it from the repository root with::

    .venv/bin/python main.py run workflows/tokyo_walk.json --set shots.duration=8 \\
        --set animatic.width=384 --set animatic.height=216 --set interpolate.target_fps=24 \\
        --set video.embed_workflow=false \\
        --set video.crf=12 -o /tmp/src
    .venv/bin/python workflows/media/make_enhance_media.py /tmp/src/tokyo_walk_00001.mp4
"""

from __future__ import annotations

import sys
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from server.engine.partials import partial_path

SIZE = (320, 180)
NOISE_SIGMA = 12.0
SEED = 16


def degrade(frame: np.ndarray, gain: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    small = cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA).astype(np.float32)
    noisy = small * gain + rng.normal(0.0, NOISE_SIGMA, small.shape)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def warm_film_lut(path: Path, size: int = 9) -> None:
    """A gentle film look: a soft S-curve, warm highlights and slightly teal shadows."""
    grid = np.linspace(0.0, 1.0, size)
    b, g, r = np.meshgrid(grid, grid, grid, indexing="ij")  # .cube rows run red fastest
    rgb = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    curve = rgb + 0.05 * np.sin(2 * np.pi * (rgb - 0.5))  # S-curve: darker shadows, brighter highlights
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    tint = np.outer(luma - 0.5, [0.06, 0.01, -0.06])  # highlights warm, shadows cool
    out = np.clip(curve + tint, 0.0, 1.0)
    lines = ['TITLE "Reelgraph warm film"', f"LUT_3D_SIZE {size}", *(f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in out)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    print(f"wrote {path}")


def main(source: Path, target: Path) -> None:
    rng = np.random.default_rng(SEED)
    with av.open(str(source)) as src, partial_path(target.parent) as temp:
        vin, ain = src.streams.video[0], src.streams.audio[0]
        with av.open(str(temp), "w", format="mp4") as out:
            vout = out.add_stream("libx264", rate=vin.average_rate)
            vout.width, vout.height, vout.pix_fmt = *SIZE, "yuv420p"
            vout.options = {"crf": "26", "preset": "slow"}
            aout = out.add_stream("aac", rate=ain.rate)
            aout.bit_rate = 96_000
            for frame in src.decode(vin):
                gain = rng.uniform(0.82, 1.18) * rng.uniform(0.92, 1.08, 3)  # exposure × white balance
                picture = degrade(frame.to_ndarray(format="rgb24"), gain, rng)
                out.mux(vout.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
            out.mux(vout.encode(None))
            src.seek(0)
            for frame in src.decode(ain):
                frame.pts = None
                out.mux(aout.encode(frame))
            out.mux(aout.encode(None))
        temp.replace(target)
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    warm_film_lut(Path(__file__).with_name("warm_film.cube"))
    main(Path(sys.argv[1]), Path(__file__).with_name("old_tokyo.mp4"))
