"""Model listing speed: ``find_models`` (what ``GET /api/models`` and the editor's picker call on
every request) against huggingface_hub's ``scan_cache_dir`` on the same fake hub cache.

The cache holds N Stable Diffusion-shaped repos (model_index.json and five components with a
config and a weights file each, linked to blobs as the hub lays them out). Both listers read
only the file system; each is timed as the best of ``--rounds`` runs. The listing must not
import torch, which the script checks.

    .venv/bin/python bench/models.py [--repos 300] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COMPONENTS = ("unet", "vae", "text_encoder", "tokenizer", "scheduler")


def fake_cache(root: Path, repos: int) -> Path:
    cache = root / "hub"
    for i in range(repos):
        repo = cache / f"models--org{i}--model{i}"
        sha = f"{i:040d}"
        snapshot = repo / "snapshots" / sha
        (repo / "refs").mkdir(parents=True)
        (repo / "refs" / "main").write_text(sha)
        (repo / "blobs").mkdir()
        snapshot.mkdir(parents=True)
        index = {"_class_name": "StableDiffusionPipeline", **{c: ["diffusers", "X"] for c in COMPONENTS}}
        (snapshot / "model_index.json").write_text(json.dumps(index))
        for component in COMPONENTS:
            (snapshot / component).mkdir()
            for name in ("config.json", "diffusion_pytorch_model.safetensors"):
                blob = repo / "blobs" / f"{component}-{name}"
                blob.write_bytes(b"x" * 100)
                os.symlink(blob, snapshot / component / name)
    return cache


def best_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from huggingface_hub import scan_cache_dir

    from server.models.catalog import find_models

    with tempfile.TemporaryDirectory() as tmp:
        cache = fake_cache(Path(tmp), args.repos)
        found = len(find_models([], cache))
        ours = best_ms(lambda: find_models([], cache), args.rounds)
        baseline = best_ms(lambda: scan_cache_dir(cache), args.rounds)
    print(f"{args.repos} cached SD-shaped repos, 11 files each; best of {args.rounds} (shared machine: noisy)\n")
    print("| lister | ms | × baseline |")
    print("| --- | --- | --- |")
    print(f"| huggingface_hub.scan_cache_dir (baseline) | {baseline:.1f} | 1.00 |")
    print(f"| find_models (ours: kinds, sizes, loadability) | {ours:.1f} | {ours / baseline:.2f} |")
    print(f"\nlisted {found} models; torch imported: {'torch' in sys.modules}")
    return 0 if found == args.repos and "torch" not in sys.modules else 1


if __name__ == "__main__":
    raise SystemExit(main())
