"""Benchmark: how fast the prompt is understood by the offline backend, stage by stage.

    .venv/bin/python bench/understand.py [--repeat 5]

Prompts: the held-out and dev sets in tests/data (about 90 short descriptive prompts) plus the
Tokyo prompt. Times are per prompt after loading (load time is printed separately). The
baseline, measured in the same run, is spaCy's own English tokenizer alone (``make_doc``):
the floor any spaCy-based analysis pays. Also prints the held-out UPOS accuracy.
The target for ``text.analyze`` (builtin) is < 5 ms per prompt. Numbers on a shared machine
are noisy; the median and p95 over repeats are shown.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nodes.scene.build import build_scene
from nodes.scene.plan import plan_shots
from nodes.style.builtin import builtin_vector
from nodes.text.pipeline import analyse, pipeline
from tests.text_gold import TOKYO, detokenize
from tests.text_gold import load_gold as gold


def per_prompt_ms(fn: Callable[[str], object], prompts: list[str], repeat: int) -> list[float]:
    """Milliseconds per prompt, one figure per repeat (each repeat runs every prompt once)."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        for p in prompts:
            fn(p)
        out.append((time.perf_counter() - start) * 1000 / len(prompts))
    return out


def heldout_accuracy() -> tuple[float, int]:
    correct = total = 0
    for sentence in gold("pos_heldout.txt"):
        doc = analyse(detokenize([w for w, _ in sentence]), "builtin")
        for token, (_, tag) in zip(doc.tokens, sentence):
            total += 1
            correct += token.pos == tag
    return correct / total, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prompts = [detokenize([w for w, _ in s]) for s in gold("pos_heldout.txt") + gold("pos_dev.txt")] + [TOKYO]

    start = time.perf_counter()
    nlp = pipeline("builtin")
    load_s = time.perf_counter() - start
    analyse(TOKYO, "builtin")  # warm caches
    docs = {p: analyse(p, "builtin") for p in prompts}
    scenes = {p: build_scene(docs[p]) for p in prompts}

    rows = [
        ("baseline: spaCy tokenizer only", per_prompt_ms(nlp.make_doc, prompts, args.repeat)),
        ("text.analyze (builtin)", per_prompt_ms(lambda p: analyse(p, "builtin"), prompts, args.repeat)),
        ("scene.graph (build only)", per_prompt_ms(lambda p: build_scene(docs[p]), prompts, args.repeat)),
        ("scene.shots (plan only)", per_prompt_ms(lambda p: plan_shots(scenes[p], 10.0), prompts, args.repeat)),
        ("style.embed (builtin vector)", per_prompt_ms(lambda p: builtin_vector(p, scenes[p]), prompts, args.repeat)),
    ]
    accuracy, tokens = heldout_accuracy()
    print(
        f"prompts: {len(prompts)} (mean {statistics.mean(len(p) for p in prompts):.0f} characters), "
        f"repeats: {args.repeat}, builtin pipeline load: {load_s:.2f} s"
    )
    print(f"{'stage':34} {'median ms/prompt':>17} {'p95 ms/prompt':>14} {'x baseline':>11}")
    base = statistics.median(rows[0][1])
    for name, values in rows:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        med = statistics.median(values)
        print(f"{name:34} {med:17.3f} {p95:14.3f} {med / base:11.1f}")
    print(f"held-out UPOS accuracy (builtin): {accuracy:.4f} on {tokens} tokens")


if __name__ == "__main__":
    main()
