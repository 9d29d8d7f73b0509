"""The text-to-video GAN against its targets, with the baselines measured in the same run.

Trains the default configuration of ``gan.train`` (64×64, 16 frames, the node's default
steps) from scratch on the synthetic dataset through the node function, then:

- training wall time against the 15-minute target;
- the evaluator on held-out compositions: generated clips beside real clips (ceiling) and
  the same generator fed shuffled captions (floor), per attribute, with chance;
- attention mass on the object and colour words (held-out captions, averaged over frames);
- generation speed in clips/s (EMA generator, the node's default batch) at the default precision
  (bfloat16 where the CPU has it natively) and in float32, against float32 in the batches of 64
  the node used before and against drawing the same clips with the synthetic renderer; how far
  the bfloat16 pictures are from float32's, and the evaluator's reading of both.

Pictures a person should look at go to ``--out``: loss.png, a contact sheet of generated
held-out clips over the real ones, attention heat maps and matrix. The machine is shared:
expect noise, and note the load printed at the start and end.

    .venv/bin/python bench/gan.py [--steps N] [--threads 2] [--out bench/_out/gan] [--smoke]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nodes.gan.dataset import contact_sheet
from nodes.gan.dataset_node import DatasetParams, captioned_dataset
from nodes.gan.evaluate import judge, train_classifier
from nodes.gan.files import write_png
from nodes.gan.generate import BATCH, compute_dtype, generate
from nodes.gan.grammar import SCORED
from nodes.gan.nodes import TrainParams, gan_train
from nodes.gan.pictures import attention_matrix, word_heatmaps
from nodes.gan.synthetic import render_clip
from server.engine.context import NodeContext

TARGETS = {"object": 0.90, "colour": 0.90, "motion": 0.90}


def context(out: Path) -> NodeContext:
    (out / "temp").mkdir(parents=True, exist_ok=True)
    last = [0.0]

    def progress(done: float, total: float, preview: object = None) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            print(f"  step {int(done)}/{int(total)}", flush=True)
            last[0] = now

    return NodeContext(
        node_id="bench",
        node_type="gan.train",
        run_id="bench",
        seed=0,
        temp_dir=out / "temp",
        output_dir=out,
        log=logging.getLogger("bench.gan"),
        _on_progress=progress,
    )


def generation_rate(model, captions: list[str], batch: int, precision: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        generate(model, captions, seed=1, batch=batch, precision=precision)
        best = min(best, time.perf_counter() - t)
    return len(captions) / best


def renderer_rate(captions: list[str], size: int, frames: int) -> float:
    from nodes.gan.grammar import parse_caption

    comps = [parse_caption(c) for c in captions]
    t = time.perf_counter()
    rng = np.random.default_rng(0)
    for comp in comps:
        render_clip(comp, rng, size, frames)
    return len(comps) / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: the node's default)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/_out/gan"))
    parser.add_argument("--classifier-steps", type=int, default=None)
    parser.add_argument("--smoke", action="store_true", help="tiny and fast: checks the script, not the targets")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    shutil.rmtree(args.out / "gan", ignore_errors=True)  # time a training from scratch
    ctx = context(args.out)
    size, frames = (16, 4) if args.smoke else (64, 16)
    data = captioned_dataset(ctx, DatasetParams(size=size, frames=frames, heldout=128 if not args.smoke else 32))[
        "dataset"
    ]
    params = TrainParams()
    steps = args.steps or (4 if args.smoke else params.steps)
    extra = {"width": 8, "batch": 4} if args.smoke else {}
    params = TrainParams(steps=steps, threads=args.threads, **extra)
    print(f"load average before: {os.getloadavg()}; training {steps} steps at {frames}×{size}×{size}", flush=True)
    t, cpu = time.perf_counter(), time.process_time()
    out = gan_train(ctx, params, dataset=data)
    train_s, train_cpu = time.perf_counter() - t, time.process_time() - cpu
    model = out["model"]
    print(f"load average after training: {os.getloadavg()}", flush=True)

    classifier_steps = args.classifier_steps or (20 if args.smoke else 1500)
    t = time.perf_counter()
    net = train_classifier(data, 0, classifier_steps)
    result = judge(model, net, data, seed=0)  # the default precision
    eval_s = time.perf_counter() - t
    result32 = judge(model, net, data, seed=0, precision="fp32")

    captions = list(data.heldout_captions)[: 64 if args.smoke else 256]
    captions = (captions * (256 // len(captions) + 1))[:256] if not args.smoke else captions
    rates = {
        "auto": generation_rate(model, captions, BATCH, "auto"),
        "fp32": generation_rate(model, captions, BATCH, "fp32"),
        "fp32, batches of 64 (before)": generation_rate(model, captions, 64, "fp32"),
    }
    draw_rate = renderer_rate(captions, size, frames)
    auto_clips, _ = generate(model, captions, seed=1, precision="auto")
    fp32_clips, _ = generate(model, captions, seed=1, precision="fp32")
    level_diff = np.abs(auto_clips.astype(np.int16) - fp32_clips.astype(np.int16))
    auto_name = str(compute_dtype("auto", next(model.generator.parameters()).device)).removeprefix("torch.")

    clips, attention = generate(model, list(data.heldout_captions[:8]), seed=0)
    sheet = np.concatenate([contact_sheet(clips, rows=8), contact_sheet(data.heldout_clips[:8], rows=8)], axis=0)
    write_png(args.out / "heldout_generated_over_real.png", sheet)
    write_png(args.out / "attention_heatmaps.png", word_heatmaps(clips[0], attention.of(0), attention.tokens[0]))
    matrix = attention_matrix(attention.of(0), attention.tokens[0], attention.captions[0])
    write_png(args.out / "attention_matrix.png", matrix)

    print()
    print(
        f"GAN bench, {frames}×{size}×{size}, {steps} steps, batch {params.batch}, width {params.width}, {args.threads} threads"
    )
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| training wall time | {train_s / 60:.1f} min ({train_s / steps:.2f} s/step) | ≤ 15 min |")
    idle = train_cpu / min(args.threads, os.cpu_count() or 1)
    print(
        f"| training CPU time (all threads) | {train_cpu / 60:.1f} min ({train_cpu / steps:.2f} CPU-s/step) | |\n"
        f"| default {TrainParams().steps} steps on an idle machine ({args.threads} threads), estimated from CPU time "
        f"| {idle / steps * TrainParams().steps / 60:.1f} min | ≤ 15 min |"
    )
    print(f"| evaluator (classifier {classifier_steps} steps) wall time | {eval_s:.0f} s | |")
    print()
    print(
        "| attribute | real held-out (ceiling) | generated held-out | shuffled captions (floor) | chance | target (generated) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for k in SCORED:
        target = f"≥ {TARGETS[k]:.0%}" if k in TARGETS else ""
        print(
            f"| {k} | {result.ceiling[k]:.1%} | {result.generated[k]:.1%} | {result.floor[k]:.1%} | "
            f"{result.chance[k]:.1%} | {target} |"
        )
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| attention mass on object + colour words | {result.attention_mass:.3f} | ≥ 0.6 |")
    base = rates["fp32, batches of 64 (before)"]
    print()
    print(
        f"| generation (EMA generator, {len(captions)} held-out captions) | clips/s | × fp32 batches of 64 | target |"
    )
    print("| --- | --- | --- | --- |")
    print(
        f"| default: precision auto ({auto_name}), batches of {BATCH} | {rates['auto']:.1f} | {rates['auto'] / base:.2f}× | ≥ 200 |"
    )
    print(f"| float32, batches of {BATCH} | {rates['fp32']:.1f} | {rates['fp32'] / base:.2f}× | |")
    print(
        f"| baseline: float32, batches of 64 (the previous default batch and precision, this code) | {base:.1f} | 1.00× | |"
    )
    print(f"| baseline: synthetic renderer, same clips | {draw_rate:.1f} | {draw_rate / base:.2f}× | |")
    print()
    print(
        f"auto ({auto_name}) against float32 pictures: mean {level_diff.mean():.2f} levels of 255, "
        f"99th percentile {np.percentile(level_diff, 99):.0f}, max {level_diff.max()}; evaluator on float32 clips: "
        + ", ".join(f"{k} {result32.generated[k]:.1%}" for k in SCORED)
        + f"; attention mass {result32.attention_mass:.3f}"
    )
    print(f"\nload average at the end: {os.getloadavg()}; pictures in {args.out}")


if __name__ == "__main__":
    main()
