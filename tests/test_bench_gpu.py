"""bench/gpu.py --smoke: the GPU benchmark's code path on the CPU with tiny models.

The benchmark only runs for real on a CUDA machine, which CI never has; this keeps the
script working in between, and checks the claim its overhead figure rests on: our nodes
produce exactly what calling the diffusers pipeline by hand produces for the same inputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_smoke_run_prints_the_table_and_our_nodes_match_diffusers() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gpu.py"),
            "--smoke",
            "--only",
            "sd15,wan13b,wan22_5b,flux",
            "--repeats",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [
        line for line in done.stdout.splitlines() if line.startswith(("| sd15", "| wan13b", "| wan22_5b", "| flux"))
    ]
    assert len(rows) == 12, done.stdout
    ours = [r for r in rows if "| our node |" in r]
    assert len(ours) == 4 and all("same output: True (max diff 0)" in r for r in ours), "\n".join(ours)
    assert "smoke run" in done.stdout
