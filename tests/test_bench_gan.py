"""bench/gan.py --smoke: the GAN benchmark's whole code path at a tiny size, so the script
cannot rot between the (long) real runs recorded in bench/RESULTS.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_smoke_run_prints_the_targets_table_and_pictures(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gan.py"), "--smoke", "--threads", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for row in ("training wall time", "| colour |", "shuffled captions (floor)", "attention mass", "clips/s"):
        assert row in done.stdout, done.stdout
    for picture in (
        "heldout_generated_over_real.png",
        "attention_matrix.png",
        "attention_heatmaps.png",
        "gan/loss.png",
    ):
        assert (tmp_path / picture).is_file()
