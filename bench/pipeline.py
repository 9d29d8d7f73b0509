"""The main job, end to end: `python main.py run workflows/tokyo_walk.json` from a cold start.

Runs it twice in fresh processes (cold cache each time), into separate folders, and prints
a table: wall time per run (target ≤ 30 s on the 2-core machine), whether the two MP4s are
byte-identical (same seed → same file), what ffprobe sees, and, as a same-run baseline,
how long Debian's ffmpeg CLI takes merely to re-encode the finished video with libx264 at
the same preset and CRF.

    .venv/bin/python bench/pipeline.py [WORKFLOW]
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_workflow(workflow: Path, out: Path) -> tuple[float, Path]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "run", str(workflow), "-o", str(out), "-q"], check=True, cwd=ROOT
    )
    wall = time.perf_counter() - started
    [video] = sorted(out.glob("*.mp4"))
    return wall, video


def probe(video: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(video)],
        capture_output=True,
        text=True,
        check=True,
    )
    streams = {s["codec_type"]: s for s in json.loads(out.stdout)["streams"]}
    v, a = streams["video"], streams["audio"]
    return {
        "video": f"{v['codec_name']} {v['pix_fmt']} {v['width']}x{v['height']} @ {v['r_frame_rate']}",
        "audio": f"{a['codec_name']} {a['sample_rate']} Hz × {a['channels']}",
        "durations": f"video {float(v['duration']):.3f} s, audio {float(a['duration']):.3f} s",
    }


def ffmpeg_reencode(video: Path, out: Path) -> float | None:
    if shutil.which("ffmpeg") is None:
        return None
    started = time.perf_counter()
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(video),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "20",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(out),
        ],
        check=True,
    )
    return time.perf_counter() - started


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    workflow = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "workflows" / "tokyo_walk.json"
    with tempfile.TemporaryDirectory(prefix="reelgraph-bench-") as tmp:
        first_wall, first = run_workflow(workflow, Path(tmp) / "a")
        second_wall, second = run_workflow(workflow, Path(tmp) / "b")
        baseline = ffmpeg_reencode(first, Path(tmp) / "reencoded.mp4")
        facts = probe(first)
        identical = sha(first) == sha(second)
    rows = [
        (f"{workflow.name}, cold run 1 (wall)", f"{first_wall:.2f} s", "target ≤ 30 s"),
        (f"{workflow.name}, cold run 2 (wall)", f"{second_wall:.2f} s", ""),
        (
            "baseline: ffmpeg CLI re-encode of the result",
            f"{baseline:.2f} s" if baseline else "n/a",
            f"pipeline = {min(first_wall, second_wall) / baseline:.1f}× an encode alone" if baseline else "",
        ),
        ("same seed → byte-identical MP4", "yes" if identical else "NO", ""),
        ("video stream", facts["video"], ""),
        ("audio stream", facts["audio"], ""),
        ("durations", facts["durations"], ""),
    ]
    print(f"{'measure':<46} {'value':<36} note")
    print("-" * 110)
    for name, value, note in rows:
        print(f"{name:<46} {value:<36} {note}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
