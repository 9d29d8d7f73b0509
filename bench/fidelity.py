"""How faithfully the animatic draws arbitrary prompts: the fidelity prompt set, checked.

Runs every prompt of ``tests/data/fidelity_prompts.json`` through the whole chain (analyse,
scene graph, shots, style, animatic at 192×108, 4 fps, 8 s), prints one line per failed check,
a table per check kind (held / total) and the one-word pairs, and writes a contact sheet per
prompt into ``tests/_out/fidelity/`` (frames with the subject's layout box) to look at.

With ``--speed`` it instead renders one prompt per setting at 512×512 (4 s at 24 fps, frames
read in chunks of 32 as an encoder reads them) and prints frames per second (wall, two threads)
and CPU milliseconds per frame, with the seed Tokyo prompt as the baseline in the same run.

    .venv/bin/python bench/fidelity.py [--only ID] [--no-sheets] [--speed]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.nodes import fidelity as fid

OUT = Path(__file__).resolve().parents[1] / "tests" / "_out" / "fidelity"
SPEED_PROMPTS = {
    "tokyo (baseline)": "tokyo",
    "forest": "fox_snow_birch",
    "city street": "man_dog_street",
    "beach": "boy_kite_beach",
    "desert": "elephant_desert",
    "snowfield": "grey_wolf_night",
    "lake": "white_boat_lake",
    "park": "golden_dog_park",
    "farm": "brown_horse_farm",
    "bridge": "blue_bus",
    "market": "woman_red_dress",
    "underwater": "diver_underwater",
    "sky": "balloon_sky",
    "space": "astronaut_space",
    "interior": "orange_cat_room",
    "mountains": "bear_mountain",
}


def speed() -> None:
    """Render speed per setting at 512×512, the seed prompt first as the baseline."""
    prompts = {c["id"]: c["prompt"] for c in fid.load()["prompts"]}
    print(f"{'setting':18s} {'fps (wall)':>11s} {'CPU ms/frame':>13s}")
    for label, case in SPEED_PROMPTS.items():
        frames = fid.chain(prompts[case], (512, 512), fps=24, duration=4.0)
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, frames.count, 32):
            frames.read(start, min(frames.count, start + 32))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{label:18s} {frames.count / wall:11.0f} {1000 * cpu / frames.count:13.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="run only the prompt with this id")
    parser.add_argument("--no-sheets", action="store_true", help="do not write contact sheets")
    parser.add_argument("--speed", action="store_true", help="render speed per setting at 512×512 instead")
    args = parser.parse_args()
    if args.speed:
        speed()
        return 0
    data = fid.load()
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    started = time.perf_counter()
    cases = [c for c in data["prompts"] if not args.only or c["id"] == args.only]
    for case in cases:
        r = fid.render(case["prompt"])
        for kind, what, ok, value in fid.checks(case, r):
            table[kind][0] += ok
            table[kind][1] += 1
            if not ok:
                print(f"FAIL {case['id']:24s} {kind:18s} {what:20s} {value:.3f}")
        if r.layout.warnings:
            print(f"     {case['id']:24s} warnings: {'; '.join(r.layout.warnings)}")
        if not args.no_sheets:
            fid.save_sheet(r, OUT / f"{case['id']}.png")
    seconds = time.perf_counter() - started
    print(f"\n{'check':20s} {'held':>5s} {'total':>6s} {'share':>7s}")
    held = total = 0
    for kind, (ok, n) in table.items():
        print(f"{kind:20s} {ok:5d} {n:6d} {ok / n:7.1%}")
        held, total = held + ok, total + n
    print(f"{'all':20s} {held:5d} {total:6d} {held / max(total, 1):7.1%}")
    print(f"\n{len(cases)} prompts in {seconds:.1f} s ({seconds / max(1, len(cases)):.2f} s per prompt)")
    if args.only:
        return 0
    print(f"\n{'pair (a > b)':78s} {'measure':>12s} {'a':>7s} {'b':>7s}")
    pairs_ok = 0
    for pair in data["pairs"]:
        ok, va, vb = fid.pair_holds(pair, fid.render(pair["a"]), fid.render(pair["b"]))
        pairs_ok += ok
        label = f"{pair['a'][:36]} | {pair['b'][:36]}"
        print(f"{label:78s} {pair['measure']:>12s} {va:7.3f} {vb:7.3f} {'ok' if ok else 'WRONG WAY'}")
    print(f"pairs moving the right way: {pairs_ok}/{len(data['pairs'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
