"""Audio speed: a 10 s stereo 48 kHz full mix (Tokyo effects + music + mixer) against the cost of
simply generating and writing 10 s of white noise with numpy + soundfile, in the same run.

The Tokyo scene is night, rain, neon, a crowd and a walking woman; its timeline has 20
footsteps and three neon flickers. Each stage is timed as the best of ``--rounds`` rounds, and
each round runs every stage once in turn (the machine is shared: the best run is the least
disturbed one, and interleaving spreads any disturbance over all stages alike). Speech (eSpeak NG in a
fresh process per utterance) is timed separately: it is not part of the 50× target, and its
CPU column leaves out the worker process.

    .venv/bin/python bench/audio.py [--seconds 10] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.audio.effects import EffectsParams, effects
from nodes.audio.mixer import MixParams, mix
from nodes.audio.music import MusicParams, music
from nodes.audio.save import SaveParams, save
from nodes.audio.speech import SpeechParams, speech
from nodes.datatypes import Timeline, TimelineEvent
from nodes.scene.model import Scene
from nodes.style.model import Style
from server.engine.context import NodeContext

SR = 48000


def tokyo_scene() -> Scene:
    g = nx.MultiDiGraph()
    g.add_node(
        "scene", kind="scene", setting="city_street", location="street", place_names=["Tokyo"],
        time_of_day="night", weather=["rain"], lighting=["neon", "warm"], crowd_density=0.6,
        style_tags=["neon", "noir"], audio_cues=["rain", "footsteps", "crowd", "city", "neon"],
    )  # fmt: skip
    g.add_node("e0", kind="entity", label="woman", type="person", count=1, salience=1.0,
               motions=[{"verb": "walk", "speed": "walk", "direction": None, "path_prep": "down",
                         "path_target": "street"}])  # fmt: skip
    g.add_node("e1", kind="entity", label="sign", type="light", count=4, salience=0.3, motions=[])
    return Scene(g)


def tokyo_timeline(seconds: float) -> Timeline:
    steps = [
        TimelineEvent(0.3 + i * seconds / 20, "footstep", "e0", {"foot": "left" if i % 2 else "right", "pan": 0.1})
        for i in range(20)
    ]
    flickers = [TimelineEvent(seconds * f, "flicker", "e1.0", {"duration": 0.12}) for f in (0.2, 0.55, 0.72)]
    return Timeline(seconds, tuple(sorted(steps + flickers, key=lambda e: e.time)))


def neon_style() -> Style:
    axes = ("warmth", "neon", "noir", "night", "rain", "futuristic")
    return Style(np.array([0.3, 0.9, 0.5, 0.8, 0.6, 0.3], np.float32), axes, ("neon", "noir"), ("#ff2a6d",), "bench")


Stage = Callable[[dict[str, Any]], Any]


def interleaved(stages: dict[str, Stage], rounds: int) -> dict[str, tuple[float, float]]:
    """Best (wall, CPU) seconds per stage over ``rounds`` rounds that each run every stage once,
    in order (a stage reads earlier stages' outputs from the dict it is given), so that load
    from other work on the machine falls on all stages alike. CPU time (this process only)
    leaves out the time spent waiting for a core, which wall time on a shared machine does not."""
    wall: dict[str, list[float]] = {name: [] for name in stages}
    cpu: dict[str, list[float]] = {name: [] for name in stages}
    outputs: dict[str, Any] = {}
    for _ in range(rounds):
        for name, fn in stages.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            outputs[name] = fn(outputs)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (min(wall[name]), min(cpu[name])) for name in stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seconds, rounds = args.seconds, args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        ctx = NodeContext("bench", "audio", "bench", 0, Path(tmp), Path(tmp), logging.getLogger("bench"))
        scene, timeline, style = tokyo_scene(), tokyo_timeline(seconds), neon_style()

        def noise_baseline(_: dict) -> None:
            import soundfile as sf

            x = (np.random.default_rng(0).standard_normal((int(seconds * SR), 2)) * 0.1).astype(np.float32)
            sf.write(io.BytesIO(), x, SR, format="WAV", subtype="PCM_16")

        stages: dict[str, Stage] = {
            "base": noise_baseline,
            "fx": lambda _: effects(ctx, EffectsParams(seed=1), scene=scene, timeline=timeline)["audio"],
            "music": lambda _: music(ctx, MusicParams(seed=1, duration=seconds), style=style)["audio"],
            "mix": lambda out: mix(ctx, MixParams(), effects=out["fx"], music=out["music"])["audio"],
            "save": lambda out: save(ctx, SaveParams(filename_prefix=f"b{time.perf_counter_ns()}"), audio=out["mix"]),
            "speech": lambda _: speech(ctx, SpeechParams(), text="Tokyo at night. The rain keeps falling."),
        }
        best = interleaved(stages, rounds)
    base = best["base"]
    best["full"] = tuple(sum(best[k][i] for k in ("fx", "music", "mix")) for i in (0, 1))
    rows = [
        ("base", "baseline: white noise + WAV write"),
        ("fx", "audio.effects (Tokyo, 20 steps)"),
        ("music", "audio.music (neon/noir)"),
        ("mix", "audio.mix (limiter, no speech)"),
        ("full", "full mix = effects + music + mix"),
        ("save", "audio.save (WAV PCM_16)"),
        ("speech", "audio.speech (espeak, 1 sentence)"),
    ]
    print(f"{seconds:g} s stereo {SR} Hz, best of {rounds} interleaved rounds (shared machine: noisy)\n")
    print(f"{'stage':<36} {'wall s':>8} {'× real':>8} {'CPU s':>8} {'× real':>8} {'wall × baseline':>16}")
    for key, name in rows:
        w, c = best[key]
        print(f"{name:<36} {w:8.4f} {seconds / w:8.1f} {c:8.4f} {seconds / max(c, 1e-9):8.1f} {w / base[0]:16.1f}")
    wall, cpu = (seconds / t for t in best["full"])
    print(f"\nfull mix: {wall:.0f}× real time by wall clock, {cpu:.0f}× by CPU time (target ≥ 50×) "
          f"{'✓' if wall >= 50 else '✗ (wall)' if cpu >= 50 else '✗'}")  # fmt: skip


if __name__ == "__main__":
    main()
