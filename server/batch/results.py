"""``results.jsonl``: one JSON record per variant, the batch's memory across runs.

While a batch runs, each finished variant is appended as one line (a single ``write`` of a
line well under the pipe-atomic size on a local file system), so a crash or Ctrl-C loses
nothing finished. At the end the file is rewritten atomically with the latest record per
variant, in variant order. A torn last line (power cut) is ignored when reading.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from server.engine.partials import write_text_atomic

RESULTS = "results.jsonl"
DONE = ("succeeded",)


def read(out_root: Path) -> dict[str, dict[str, Any]]:
    """The latest record per content key (later lines win)."""
    path = out_root / RESULTS
    records: dict[str, dict[str, Any]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return records
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut off by a crash
        if isinstance(record, dict) and isinstance(record.get("key"), str):
            records[record["key"]] = record
    return records


def finished(record: dict[str, Any] | None, out_root: Path) -> bool:
    """Whether a record is a finished variant whose files are all still there."""
    if record is None or record.get("status") not in DONE:
        return False
    return all((out_root / f).is_file() for f in record.get("outputs", []))


def append(out_root: Path, record: dict[str, Any]) -> None:
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    fd = os.open(out_root / RESULTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def compact(out_root: Path, records: list[dict[str, Any]]) -> None:
    """Rewrite the file with exactly ``records`` (the latest of each variant), atomically."""
    text = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records)
    write_text_atomic(out_root / RESULTS, text)
