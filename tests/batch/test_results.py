"""results.jsonl and index.html on their own: a torn last line, finished-ness, escaping."""

from __future__ import annotations

import json
from pathlib import Path

from server.batch import results
from server.batch.sheet import write_index


def _record(key: str, status: str, outputs: list[str]) -> dict:
    return {"variant": 1, "key": key, "folder": "v0001-x", "params": {}, "status": status, "outputs": outputs}


def test_latest_record_wins_and_a_torn_line_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "v0001-x").mkdir()
    (tmp_path / "v0001-x" / "a.mp4").write_bytes(b"x")
    results.append(tmp_path, _record("k1", "failed", []))
    results.append(tmp_path, _record("k1", "succeeded", ["v0001-x/a.mp4"]))
    results.append(tmp_path, _record("k2", "succeeded", ["v0001-x/gone.mp4"]))
    with open(tmp_path / "results.jsonl", "a") as f:
        f.write('{"key": "k3", "status": "succ')  # a power cut mid-line
    records = results.read(tmp_path)
    assert set(records) == {"k1", "k2"} and records["k1"]["status"] == "succeeded"
    assert results.finished(records["k1"], tmp_path)
    assert not results.finished(records["k2"], tmp_path)  # its file is gone: run it again
    assert not results.finished(None, tmp_path)
    results.compact(tmp_path, [records["k1"]])
    assert [json.loads(line)["key"] for line in (tmp_path / "results.jsonl").read_text().splitlines()] == ["k1"]


def test_the_sheet_escapes_what_users_wrote(tmp_path: Path) -> None:
    record = _record("k1", "failed", [])
    record["params"] = {"prompt.text": "<script>alert(1)</script>"}
    record["error"] = {"message": "bad <b>input</b>"}
    page = write_index(tmp_path, "a <title>", [record]).read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "bad &lt;b&gt;input&lt;/b&gt;" in page and "a &lt;title&gt;" in page
    assert 'class="card failed"' in page and "1 failed" in page
