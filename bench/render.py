"""Animatic renderer speed and memory, with the encoder on the same frames as the baseline.

Table 1 renders the shipped scenes (Tokyo, lion, skyline) with ``render.animatic`` and
times frame production alone (chunks of 32, as a consumer reads them), then encodes the
very same frames, held in memory, with the project's H.264 writer (libx264, yuv420p,
preset veryfast, CRF 20), or with PyAV directly if that writer is missing. It also renders
the scene again on one thread and reports CPU time per frame, which other load on a shared
machine disturbs far less than wall time. Table 2 renders
15 s and 60 s of Tokyo at 1280×720, each in a fresh subprocess, and reports peak RSS: a lazy
renderer's memory must not grow with the length of the video. The machine is shared, so
figures are noisy; CPU seconds are printed next to wall seconds for that reason.

    .venv/bin/python bench/render.py [--seconds 8] [--long 15,60] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.datatypes import Frames
from nodes.render.node import animatic
from nodes.scene.shots import ShotPlan
from server.engine.context import NodeContext
from tests.nodes import render_fixtures as fx

CHUNK = 32


def context(tmp: Path) -> NodeContext:
    return NodeContext(
        node_id="bench",
        node_type="render.animatic",
        run_id="bench",
        seed=0,
        temp_dir=tmp,
        output_dir=tmp,
        log=logging.getLogger("bench"),
    )


def looping_shots(name: str, seconds: float) -> ShotPlan:
    """The scene's shot plan repeated until it lasts ``seconds``."""
    base = fx.SCENES[name][1]().shots
    shots, start, k = [], 0.0, 0
    while start < seconds - 1e-6:
        s = base[k % len(base)]
        duration = min(s.duration, seconds - start)
        shots.append(
            fx.shot(
                k,
                start,
                duration,
                s.camera.move,
                (*s.camera.start.center, s.camera.start.zoom),
                (*s.camera.end.center, s.camera.end.zoom),
                subject=s.subject,
                easing=s.camera.easing,
            )
        )
        start += duration
        k += 1
    return fx.plan(*shots)


def render(name: str, width: int, height: int, seconds: float, fps: int = 24) -> dict:
    scene, _, style = fx.SCENES[name]
    with tempfile.TemporaryDirectory() as tmp:
        params = animatic.parse_params({"width": width, "height": height, "fps": fps, "seed": 1})
        t0 = time.perf_counter()
        out = animatic(context(Path(tmp)), params, scene=scene(), shots=looping_shots(name, seconds), style=style())
        plan_s = time.perf_counter() - t0
    return {"out": out, "plan_s": plan_s}


def time_frames(frames: Frames, keep: bool) -> tuple[float, float, np.ndarray | None]:
    kept = []
    wall, cpu = time.perf_counter(), time.process_time()
    for chunk in frames.chunks(CHUNK):
        if keep:
            kept.append(chunk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, np.concatenate(kept) if keep else None


def one_core_ms(frames: Frames) -> float:
    """CPU milliseconds per frame with one thread and OpenCV single-threaded: the least noisy
    figure on a shared machine (stage painting included, as in a real render)."""
    import cv2

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        cpu = time.process_time()
        for i in range(frames.count):
            frames.read(i, i + 1)  # single frames are drawn on the calling thread
        return (time.process_time() - cpu) * 1000.0 / max(frames.count, 1)
    finally:
        cv2.setNumThreads(threads)


def encode_seconds(array: np.ndarray, fps: float) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mp4"
        try:
            from nodes.encode.writer import write_video
        except ImportError:
            write_video = None
        start = time.perf_counter()
        if write_video is not None:
            write_video(Frames.from_array(array, fps), None, path, fmt="mp4", preset="veryfast", crf=20)
            return time.perf_counter() - start, "nodes.encode"
        import av

        with av.open(str(path), "w") as container:
            stream = container.add_stream("libx264", rate=int(fps), options={"preset": "veryfast", "crf": "20"})
            stream.width, stream.height, stream.pix_fmt = array.shape[2], array.shape[1], "yuv420p"
            for frame in array:
                container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
            container.mux(stream.encode())
        return time.perf_counter() - start, "PyAV libx264"


def speed_table(seconds: float) -> None:
    print(f"\n## Render vs encode, {seconds:g} s at 24 fps (frames produced in chunks of {CHUNK})\n")
    print(
        "| scene | size | plan+layout+timeline | render fps (wall, 2 threads) | render CPU per frame (1 thread) "
        "| encoder fps (wall) | encoder |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (w, h) in (("tokyo", (512, 512)), ("tokyo", (1280, 720)), ("lion", (512, 512)), ("skyline", (512, 512))):
        result = render(name, w, h, seconds)
        frames = result["out"]["frames"]
        wall, _, array = time_frames(frames, keep=True)
        enc, which = encode_seconds(array, frames.fps)
        del array
        single = one_core_ms(render(name, w, h, seconds)["out"]["frames"])
        n = frames.count
        print(
            f"| {name} | {w}×{h} | {result['plan_s'] * 1000:.0f} ms | {n / wall:.0f} | {single:.1f} "
            f"(= {1000 / single:.0f} fps per core) | {n / enc:.0f} | {which} |"
        )


def child(seconds: float) -> None:
    """Run in a fresh process: render ``seconds`` of Tokyo at 720p, print JSON with peak RSS."""
    result = render("tokyo", 1280, 720, seconds)
    frames = result["out"]["frames"]
    wall, cpu, _ = time_frames(frames, keep=False)
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "frames": frames.count,
                "wall": wall,
                "cpu": cpu,
                "peak_mb": peak,
                "layout_frames": len(result["out"]["layout"].frames),
                "events": len(result["out"]["timeline"].events),
            }
        )
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, unlike
    ru_maxrss, which on Linux can carry the parent's peak across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def memory_table(lengths: list[float]) -> None:
    print("\n## Peak RSS, Tokyo at 1280×720, 24 fps, each length in a fresh process\n")
    print("| video length | frames | peak RSS | render wall | render fps | timeline events |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = []
    for seconds in lengths:
        run = subprocess.run(
            [sys.executable, __file__, "--child", str(seconds)], capture_output=True, text=True, check=True
        )
        row = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"| {seconds:g} s | {row['frames']} | {row['peak_mb']:.0f} MB | {row['wall']:.1f} s | "
            f"{row['frames'] / row['wall']:.0f} | {row['events']} |"
        )
    if len(rows) > 1:
        growth = rows[-1]["peak_mb"] - rows[0]["peak_mb"]
        span = rows[-1]["seconds"] - rows[0]["seconds"]
        print(
            f"\nPeak RSS grows {growth:+.0f} MB over {span:g} s more video ({growth / span:+.2f} MB per second); "
            f"one 720p frame is {1280 * 720 * 3 / 2**20:.1f} MB."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="video length for the speed table")
    parser.add_argument("--long", default="15,60", help="video lengths in seconds for the memory table")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work on the machine slows wall figures)")
    if not args.skip_memory:  # first, while this process is still small
        memory_table([float(x) for x in args.long.split(",")])
    speed_table(args.seconds)


if __name__ == "__main__":
    main()
