"""Image-to-video and music-video figures, each against a baseline measured in the same run.

1. ``image.animate`` speed at 1280×720: frames per second of the layered parallax render
   (heuristic depth, 3 layers, "push in and pan right"), without and with ambient motion
   (ripple, clouds, rain), read in 32-frame chunks like the encoder does; baseline: a plain
   ``cv2.warpAffine`` zoom of the same picture to the same size (one warp a frame, no layers).
   Target: ≥ 30 frames/s on two cores.
2. The music video: the bundled ``workflows/media/beat120.ogg`` (made by ``audio.music`` at
   exactly 120 bpm, so its beats are at k × 0.5 s and its bars at k × 2 s) through
   ``audio.analyze``: the tempo found, and the beat F-measure (±70 ms, the MIREX window)
   against the known grid; baseline: librosa's onsets taken as beats. Then ``scene.shots``
   and ``render.animatic`` with that timeline: the share of cuts within one frame (1/24 s)
   of a detected beat (target ≥ 95%); baseline: the same prompt's shot plan without the
   timeline, whose cuts fall where the words put them.

The machine is shared by parallel work: expect noise; ratios are the honest figures.

    .venv/bin/python bench/media.py [--frames 96]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nodes.datatypes import Audio
from nodes.image.animator import Animator, Shot
from nodes.image.camera import parse_camera
from nodes.image.depth import heuristic_depth
from server.engine.context import NodeContext

W, H, FPS = 1280, 720, 24
SONG = ROOT / "workflows" / "media" / "beat120.ogg"
PICTURE = ROOT / "workflows" / "media" / "lake.png"
PROMPT = "A dancer in a silver jacket runs through a neon city street at night. Glowing signs flicker above the crowd."


def context() -> NodeContext:
    return NodeContext("bench", "bench", "bench", 0, Path("."), Path("."), logging.getLogger("bench"))


def best_rate(produce, count: int, rounds: int = 2) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for a in range(0, count, 32):
            produce(a, min(count, a + 32))
        best = min(best, time.perf_counter() - start)
    return count / best


def animate_speed(count: int) -> list[tuple[str, float]]:
    from PIL import Image

    picture = np.asarray(Image.open(PICTURE).convert("RGB"))
    depth = heuristic_depth(picture)
    move = parse_camera("push in and pan right")

    def plain(a: int, b: int) -> np.ndarray:
        base = cv2.resize(picture, (W, H), interpolation=cv2.INTER_AREA)
        out = np.empty((b - a, H, W, 3), np.uint8)
        for i in range(a, b):
            s = 1.0 + 0.18 * i / max(1, count - 1)
            m = np.array([[s, 0.0, (1 - s) * W / 2], [0.0, s, (1 - s) * H / 2]])
            cv2.warpAffine(base, m, (W, H), dst=out[i - a], flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
        return out

    shot = Shot(W, H, count, FPS, move, layers=3)
    started = time.perf_counter()
    still = Animator(picture, depth, shot, set(), 0)
    setup = time.perf_counter() - started
    moving = Animator(picture, depth, shot, {"ripple", "clouds", "rain"}, 0)
    return [
        ("baseline: one warpAffine zoom", best_rate(plain, count)),
        ("image.animate, 3 layers", best_rate(still.produce, count)),
        ("image.animate + ripple, clouds, rain", best_rate(moving.produce, count)),
        ("(setup: depth + layers + inpainting, s)", setup),
    ]


def f_measure(found: np.ndarray, truth: np.ndarray, window: float = 0.07) -> float:
    """One-to-one matches within ``window`` seconds (greedy in time order), as in MIREX."""
    used = np.zeros(len(truth), bool)
    hits = 0
    for t in found:
        free = np.flatnonzero(~used & (np.abs(truth - t) <= window))
        if free.size:
            used[free[np.argmin(np.abs(truth[free] - t))]] = True
            hits += 1
    if hits == 0:
        return 0.0
    precision, recall = hits / len(found), hits / len(truth)
    return 2 * precision * recall / (precision + recall)


def music_video() -> dict[str, float]:
    import librosa
    import soundfile as sf

    from nodes.audio.analyze import AnalyzeParams, analyze
    from nodes.render.node import AnimaticParams, animatic
    from nodes.scene.build import build_scene
    from nodes.scene.shots_node import ShotsParams, scene_shots
    from nodes.text.pipeline import analyse

    ctx = context()
    samples, rate = sf.read(SONG, dtype="float32", always_2d=True)
    started = time.perf_counter()
    timeline = analyze(ctx, AnalyzeParams(speech=False), audio=Audio(samples, rate))["timeline"]
    seconds = time.perf_counter() - started
    duration = timeline.duration
    truth = np.arange(0.0, duration - 0.25, 0.5)
    beats = np.array([e.time for e in timeline.of_kind("beat")])
    bars = np.array([e.time for e in timeline.of_kind("downbeat")])
    mono = librosa.resample(samples.mean(axis=1), orig_sr=rate, target_sr=22050)
    onsets = librosa.onset.onset_detect(y=mono, sr=22050, units="time")
    bar_truth = np.arange(0.0, duration - 1.0, 2.0)
    scene = build_scene(analyse(PROMPT, "builtin"))
    params = AnimaticParams(width=128, height=72, fps=FPS)

    def on_beat(shots) -> float:
        frames = animatic(ctx, params, scene=scene, shots=shots)["frames"]
        cuts = np.array(frames.cuts) / FPS
        return float(np.mean([np.abs(beats - t).min() <= 1.0 / FPS for t in cuts])) if len(cuts) else 0.0

    with_music = scene_shots(ctx, ShotsParams(bars_per_shot=2), scene=scene, timeline=timeline)["shots"]
    words_only = scene_shots(ctx, ShotsParams(duration=duration, max_shots=len(with_music.shots)), scene=scene)["shots"]
    (tempo,) = timeline.of_kind("tempo")
    return {
        "tempo": tempo.data["bpm"],
        "beat_f": f_measure(beats, truth),
        "onset_f": f_measure(onsets, truth),
        "bar_f": f_measure(bars, bar_truth),
        "cuts_music": on_beat(with_music),
        "cuts_words": on_beat(words_only),
        "n_cuts": len(with_music.shots) - 1,
        "analyze_s": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=96, help="frames per speed run (default 96)")
    args = parser.parse_args()
    print(f"image.animate at {W}×{H}, {args.frames} frames, best of 2 (shared 2-core machine: noisy)\n")
    rows = animate_speed(args.frames)
    base = rows[0][1]
    print(f"{'render':>40} {'frames/s':>9} {'vs baseline':>12} {'target':>7}")
    for name, value in rows[:-1]:
        mark = "" if name.startswith("baseline") else ("met" if value >= 30 else "not met")
        print(f"{name:>40} {value:>9.1f} {value / base:>12.2f} {'≥ 30' if mark else '':>5} {mark}")
    print(f"{rows[-1][0]:>40} {rows[-1][1]:>9.2f}\n")

    m = music_video()
    print(f"music video: {SONG.name} (120 bpm by construction), audio.analyze took {m['analyze_s']:.1f} s\n")
    print(f"{'measure':>44} {'value':>8} {'baseline':>9} {'target':>8}")
    print(f"{'tempo found (bpm)':>44} {m['tempo']:>8.2f} {'':>9} {'120':>8}")
    print(f"{'beat F-measure vs the 0.5 s grid (±70 ms)':>44} {m['beat_f']:>8.3f} {m['onset_f']:>9.3f} {'':>8}")
    print(f"{'downbeat F-measure vs the 2 s bars':>44} {m['bar_f']:>8.3f} {'':>9} {'':>8}")
    mark = "met" if m["cuts_music"] >= 0.95 else "not met"
    label = f"cuts within 1 frame of a beat ({m['n_cuts']} cuts)"
    print(f"{label:>44} {m['cuts_music']:>8.0%} {m['cuts_words']:>9.0%} {'≥ 95%':>8} {mark}")
    print("\nbaselines: librosa onsets taken as beats; the shot plan from the words alone (no timeline)")


if __name__ == "__main__":
    main()
