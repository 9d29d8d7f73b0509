"""Video enhancement and video.load: quality and speed against baselines measured in the same run.

Clips (made here, nothing downloaded):
- animatic: 24 frames of our own animatic (the Tokyo prompt, 768×432, rendered by ``main.py run``
  and stored near-losslessly), the kind of video Reelgraph makes;
- texture: a 1/√f colour texture panning 2.3 px right and 0.7 px down per frame, the statistics
  of natural pictures with exact ground truth (nodes/video/interpolate/synthetic.py).

Sections:
- upscale ×2: the clip shrunk by 2 with an area filter, enlarged back by bicubic, OpenCV Lanczos-4
  and ``video.upscale``'s classical path; PSNR against the original; speed 960×540 → 1920×1080.
  Targets: PSNR ≥ bicubic + 0.5 dB, ≥ 30 fr/s.
- denoise: Gaussian noise σ=15 at 640×360; per-frame ``cv2.fastNlMeansDenoisingColored`` (h swept,
  its best kept) against ``video.denoise``. Targets: ≥ +4 dB, ≥ NLM + 1 dB at equal or better speed.
- deflicker: a random exposure (±20%) and white balance (±8%) gain per frame; flicker index
  (mean |Δ mean luma| between frames) and SSIM to the clean clip. Targets: flicker −70%, SSIM ≥ 0.95.
- video.load: an H.264 1280×720 clip written by our encoder (encode.video's writer), read back
  by video.load in 32-frame chunks; frames/s of each, and the peak Python memory of reading a
  clip 1× and 4× as long (flat: the clip is never held).

    .venv/bin/python bench/enhance.py [--frames 24] [--only upscale,denoise,deflicker,load]
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nodes.datatypes import Frames
from nodes.video.classical import upscale_classical
from nodes.video.deflicker import DeflickerParams, deflicker
from nodes.video.denoise import DenoiseParams, denoise
from nodes.video.interpolate.synthetic import texture_frame
from nodes.video.load import LoadParams, load_video
from nodes.video.metrics import flicker_index, psnr, ssim
from server.engine.context import NodeContext


def context(folder: Path, node_type: str) -> NodeContext:
    return NodeContext(
        node_type, node_type, "bench", 0, folder, folder, logging.getLogger("bench"), input_dirs=(folder,)
    )


def animatic(folder: Path, count: int) -> np.ndarray:
    cmd = [sys.executable, "main.py", "run", "workflows/tokyo_walk.json", "-o", str(folder), "--no-disk-cache"]
    for setting in ("shots.duration=4", "video.crf=4", "video.embed_workflow=false", "interpolate.target_fps=24"):
        cmd += ["--set", setting]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    [path] = folder.glob("tokyo_walk_*.mp4")
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return np.stack(frames[24 : 24 + count])  # skip the first second (the opening shot settles)


def texture(count: int, size: tuple[int, int] = (768, 432)) -> np.ndarray:
    w, h = size
    return np.stack([texture_frame(h, w, (2.3 * i, 0.7 * i), seed=3, fmax=0.45) for i in range(count)])


def timed(fn: Callable[[], object], rounds: int = 2) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---" for _ in header) + " |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


# -- upscale ------------------------------------------------------------------------------
def bench_upscale(clips: dict[str, np.ndarray]) -> None:
    methods = {
        "bicubic (cv2.INTER_CUBIC), baseline": lambda f, w, h: cv2.resize(f, (w, h), interpolation=cv2.INTER_CUBIC),
        "Lanczos-4 (cv2.INTER_LANCZOS4)": lambda f, w, h: cv2.resize(f, (w, h), interpolation=cv2.INTER_LANCZOS4),
        "video.upscale classical (sharpen 0.3, default)": lambda f, w, h: upscale_classical(f, w, h),
        "video.upscale classical, sharpen 0": lambda f, w, h: upscale_classical(f, w, h, 0.0),
    }
    speed_frames = [cv2.resize(f, (960, 540), interpolation=cv2.INTER_AREA) for f in clips["animatic"][:12]]
    rows, base = [], {}
    for name, fn in methods.items():
        cells = [name]
        for clip_name, clip in clips.items():
            h, w = clip.shape[1:3]
            small = [cv2.resize(f, (w // 2, h // 2), interpolation=cv2.INTER_AREA) for f in clip]
            score = psnr(np.stack([fn(f, w, h) for f in small]), clip)
            base.setdefault(clip_name, score)
            cells.append(f"{score:.2f} ({score - base[clip_name]:+.2f})")
        seconds, _ = timed(lambda fn=fn: [fn(f, 1920, 1080) for f in speed_frames])
        cells.append(f"{len(speed_frames) / seconds:.1f}")
        rows.append(cells)
    table(
        "upscale ×2: PSNR dB (vs bicubic) on area-downscaled clips; speed 960×540 → 1920×1080",
        ["method", *[f"PSNR {c}" for c in clips], "fr/s 540p→1080p"],
        rows,
    )


# -- denoise ------------------------------------------------------------------------------
def bench_denoise(clips: dict[str, np.ndarray], folder: Path, sigma: float = 15.0) -> None:
    rows = []
    for clip_name, clip in clips.items():
        clean = np.stack([cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA) for f in clip])
        rng = np.random.default_rng(0)
        noisy = np.clip(clean + rng.normal(0, sigma, clean.shape), 0, 255).round().astype(np.uint8)
        inner = slice(2, len(clean) - 2)
        base = psnr(noisy[inner], clean[inner])
        rows.append([clip_name, "noisy input (σ=15), baseline", f"{base:.2f}", "", ""])
        best = None
        for h in (9.0, 12.0, 15.0):
            seconds, out = timed(
                lambda h=h, frames=noisy[inner]: np.stack(
                    [cv2.fastNlMeansDenoisingColored(f, None, h, h, 7, 21) for f in frames]
                ),
                rounds=1,
            )
            score = psnr(out, clean[inner])
            if best is None or score > best[0]:
                best = (score, h, seconds / len(out))
        nlm_score, nlm_h, nlm_s = best
        rows.append(
            [
                clip_name,
                f"per-frame NLM, best h={nlm_h:g}",
                f"{nlm_score:.2f}",
                f"{nlm_score - base:+.2f}",
                f"{nlm_s * 1000:.0f}",
            ]
        )
        for label, params in (
            ("video.denoise (σ given)", DenoiseParams(sigma=sigma)),
            ("video.denoise (σ auto)", DenoiseParams()),
        ):
            node = denoise(context(folder, "video.denoise"), params, frames=Frames.from_array(noisy, 24))["frames"]
            seconds, out = timed(lambda node=node: node.to_array(), rounds=1)
            score = psnr(out[inner], clean[inner])
            rows.append(
                [
                    clip_name,
                    label,
                    f"{score:.2f}",
                    f"{score - base:+.2f} (NLM {score - nlm_score:+.2f})",
                    f"{seconds / len(out) * 1000:.0f}",
                ]
            )
    table(
        "denoise σ=15 at 640×360 (frames with two neighbours each side)",
        ["clip", "method", "PSNR dB", "gain", "ms/frame"],
        rows,
    )


# -- deflicker ----------------------------------------------------------------------------
def bench_deflicker(clips: dict[str, np.ndarray], folder: Path) -> None:
    rows = []
    for clip_name, clip in clips.items():
        rng = np.random.default_rng(1)
        gains = rng.uniform(0.8, 1.2, (len(clip), 1, 1, 1)) * rng.uniform(0.92, 1.08, (len(clip), 1, 1, 3))
        flickered = np.clip(clip * gains, 0, 255).round().astype(np.uint8)
        node = deflicker(context(folder, "video.deflicker"), DeflickerParams(), frames=Frames.from_array(flickered, 24))
        seconds, out = timed(lambda node=node: node["frames"].to_array(), rounds=1)
        f_clean, f_in, f_out = flicker_index(clip), flicker_index(flickered), flicker_index(out)
        s_in = np.mean([ssim(a, b) for a, b in zip(flickered, clip, strict=True)])
        s_out = np.mean([ssim(a, b) for a, b in zip(out, clip, strict=True)])
        rows.append(
            [clip_name, f"{f_clean:.2f}", f"{f_in:.2f}", f"{f_out:.2f}", f"{100 * (1 - f_out / f_in):.0f}%",
             f"{s_in:.4f}", f"{s_out:.4f}", f"{seconds / len(out) * 1000:.1f}"]
        )  # fmt: skip
    table(
        "deflicker: flicker index (mean |Δ mean luma|) and SSIM to the clean clip",
        [
            "clip",
            "clean",
            "flickered (baseline)",
            "deflickered",
            "reduction",
            "SSIM flickered",
            "SSIM deflickered",
            "ms/frame",
        ],
        rows,
    )


# -- video.load ---------------------------------------------------------------------------
def bench_load(folder: Path) -> None:
    from nodes.encode.writer import encode_into, make_spec

    rng = np.random.default_rng(0)
    pan = cv2.GaussianBlur(rng.integers(0, 256, (720, 1280 + 4 * 48, 3), np.uint8), (0, 0), 2)  # detail to encode

    def source(seconds: int) -> Frames:
        return Frames(lambda a, b: np.stack([pan[:, 4 * (i % 48) : 4 * (i % 48) + 1280] for i in range(a, b)]),
                      count=24 * seconds, width=1280, height=720, fps=24)  # fmt: skip

    rows, peaks = [], {}
    for seconds in (4, 16):
        frames = source(seconds)
        path = folder / f"load_{seconds}s.mp4"
        spec = make_spec(frames, fmt="mp4", fps=None, crf=20, preset="veryfast", metadata={}, audio_bitrate=128_000)
        start = time.perf_counter()
        encode_into(frames, None, path, spec, None)
        encode_fps = frames.count / (time.perf_counter() - start)
        loaded = load_video(context(folder, "video.load"), LoadParams(file=path.name))["frames"]
        tracemalloc.start()
        start = time.perf_counter()
        for chunk in loaded.chunks(32):
            del chunk
        decode_fps = loaded.count / (time.perf_counter() - start)
        peaks[seconds] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(
            [f"{seconds} s 1280×720 H.264 ({frames.count} frames)", f"{encode_fps:.0f}", f"{decode_fps:.0f}",
             f"{decode_fps / encode_fps:.1f}×", f"{peaks[seconds] / 2**20:.1f}"]
        )  # fmt: skip
    table(
        "video.load: decode vs our encoder (encode.video's mp4 writer, veryfast) and peak Python memory",
        ["clip", "encode fr/s (baseline)", "video.load fr/s", "ratio", "peak MiB while reading"],
        rows,
    )
    whole = 16 * 24 * 1280 * 720 * 3 / 2**20
    print(f"\nmemory 16 s / 4 s: {peaks[16] / peaks[4]:.2f}× (holding the 16 s clip would take {whole:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--only", default="upscale,denoise,deflicker,load", help="comma-separated sections")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    cv2.setNumThreads(2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if sections & {"upscale", "denoise", "deflicker"}:
            clips = {"animatic": animatic(folder / "render", args.frames), "texture": texture(args.frames)}
            print(f"clips: {', '.join(f'{k} {v.shape[2]}×{v.shape[1]}×{len(v)}' for k, v in clips.items())}")
        if "upscale" in sections:
            bench_upscale(clips)
        if "denoise" in sections:
            bench_denoise(clips, folder)
        if "deflicker" in sections:
            bench_deflicker(clips, folder)
        if "load" in sections:
            bench_load(folder)


if __name__ == "__main__":
    main()
