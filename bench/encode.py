"""Encoder speed: our MP4 writer (PyAV + libx264) vs Debian's ffmpeg CLI fed raw frames by pipe.

Both encode the same frames with the same preset and CRF in the same run, alternating. The
CLI runs ``ffmpeg -f rawvideo -pix_fmt rgb24 -s WxH -r FPS -i - -c:v libx264 -preset P -crf C
-pix_fmt yuv420p out.mp4``; ours (``write_video``) also puts the moov atom in front
(+faststart) and runs x264 in a worker process (see ``nodes/encode/worker.py``); the first
MP4 of a process starts that worker cold, later ones find a warm spare. Reported: frames per
second of wall time (best round) and CPU seconds (this process plus its children, best
round), which the shared machine's load disturbs much less than wall time. A second table
times the RGB→YUV 4:2:0 conversion alone: PyAV's ``reformat`` (swscale), plain
``cv2.cvtColor(COLOR_RGB2YUV_I420)`` (fast but one chroma sample per 2×2 block) and ours
(:mod:`nodes.encode.yuv`, averaged chroma), each with its round-trip PSNR.

    .venv/bin/python bench/encode.py [--frames 240] [--sizes 512x512,1280x720] [--presets veryfast,medium]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.datatypes import Frames
from nodes.encode.writer import write_video
from nodes.encode.yuv import rgb_to_i420


def moving_texture(width: int, height: int, count: int, fps: float = 24.0) -> Frames:
    """A smooth random texture panning diagonally, with a little grain: compressible, not trivial."""
    rng = np.random.default_rng(0)
    big = rng.integers(0, 256, (height + 4 * count, width + 4 * count, 3), np.uint8)
    big = cv2.GaussianBlur(big, (0, 0), 4)
    big = cv2.normalize(big, None, 0, 255, cv2.NORM_MINMAX)
    grain = rng.integers(-6, 7, (8, height, width, 3), np.int16)

    def produce(start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, height, width, 3), np.uint8)
        for k, i in enumerate(range(start, stop)):
            crop = big[3 * i : 3 * i + height, 4 * i : 4 * i + width].astype(np.int16)
            out[k] = np.clip(crop + grain[i % 8], 0, 255)
        return out

    return Frames(produce, count=count, width=width, height=height, fps=fps)


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and the children it waited for)."""
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
    return wall, cpu


def ours(frames: Frames, out: Path, preset: str, crf: int) -> None:
    write_video(frames, None, out, fmt="mp4", preset=preset, crf=crf)


def ffmpeg_cli(frames: Frames, out: Path, preset: str, crf: int) -> None:
    cmd = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "-s", f"{frames.width}x{frames.height}", "-r", f"{frames.fps:g}", "-i", "-",
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p", str(out),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for chunk in frames.chunks(16):
        proc.stdin.write(chunk.tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("ffmpeg failed")


def source_only(frames: Frames) -> float:
    start = time.perf_counter()
    for _ in frames.chunks(16):
        pass
    return time.perf_counter() - start


def conversion(width: int, height: int, repeat: int = 50) -> dict[str, tuple[float, float]]:
    """Per method: (milliseconds per frame including the PyAV frame, round-trip PSNR in dB)."""
    import av

    rgb = moving_texture(width, height, 1).read(0, 1)[0]
    methods = {
        "PyAV reformat": lambda: av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p"),
        "cv2 I420": lambda: av.VideoFrame.from_ndarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420), format="yuv420p"),
        "ours": lambda: av.VideoFrame.from_ndarray(rgb_to_i420(rgb), format="yuv420p"),
    }
    results = {}
    for name, convert in methods.items():
        start = time.perf_counter()
        for _ in range(repeat):
            frame = convert()
        ms = (time.perf_counter() - start) / repeat * 1e3
        back = frame.to_ndarray(format="rgb24").astype(np.float64)
        results[name] = (ms, 10 * np.log10(255**2 / np.mean((back - rgb) ** 2)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--sizes", default="512x512,1280x720")
    parser.add_argument("--presets", default="veryfast,medium")
    parser.add_argument("--crf", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per encoder; the best is kept")
    args = parser.parse_args()
    if not shutil.which("ffmpeg"):
        sys.exit("ffmpeg CLI not found")
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    print(f"{args.frames} frames, crf {args.crf}, best of {args.rounds} alternating runs (shared machine: noisy)\n")
    print(f"{'size':>10} {'preset':>9} {'source fps':>10} {'ours fps':>9} {'ffmpeg fps':>10} {'ratio':>6} "
          f"{'ours CPU s':>10} {'ffmpeg CPU s':>12} {'ours KB':>8} {'ffmpeg KB':>9}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for width, height in sizes:
            frames = moving_texture(width, height, args.frames)
            src = source_only(frames)
            for preset in args.presets.split(","):
                a, b = Path(tmp, "ours.mp4"), Path(tmp, "ffmpeg.mp4")
                runs: dict[str, list[tuple[float, float]]] = {"ours": [], "ffmpeg": []}
                for _ in range(args.rounds):
                    runs["ours"].append(timed(lambda: ours(frames, a, preset, args.crf)))  # noqa: B023
                    runs["ffmpeg"].append(timed(lambda: ffmpeg_cli(frames, b, preset, args.crf)))  # noqa: B023
                (w_ours, c_ours), (w_cli, c_cli) = (
                    (min(w for w, _ in r), min(c for _, c in r)) for r in (runs["ours"], runs["ffmpeg"])
                )
                n = frames.count
                print(f"{width}x{height:<5} {preset:>9} {n / src:>10.0f} {n / w_ours:>9.1f} {n / w_cli:>10.1f} "
                      f"{w_cli / w_ours:>6.2f} {c_ours:>10.2f} {c_cli:>12.2f} "
                      f"{a.stat().st_size / 1e3:>8.0f} {b.stat().st_size / 1e3:>9.0f}")  # fmt: skip
    print("\nratio = ffmpeg wall time / ours (>1: ours is faster); both include producing the frames\n")
    print(f"{'size':>10} {'RGB→YUV420':>14} {'ms/frame':>9} {'PSNR dB':>8}")
    for width, height in sizes:
        for name, (ms, psnr) in conversion(width, height).items():
            print(f"{width}x{height:<5} {name:>14} {ms:>9.2f} {psnr:>8.2f}")


if __name__ == "__main__":
    main()
