"""Persisted results survive a restart: a new engine on the same folder reuses them."""

from __future__ import annotations

import json

import numpy as np

from server.engine import DiskCache, Engine
from tests import stub_nodes

from .helpers import workflow


def fresh_engine(registry, tmp_path) -> Engine:
    return Engine(registry, output_dir=tmp_path / "out", disk_cache=tmp_path / "disk", cpu_workers=0)


def test_persisted_outputs_are_reused_after_a_restart(registry, tmp_path):
    wf = workflow({"c": ("test.clip", {"seed": 5})})
    first = fresh_engine(registry, tmp_path).run(wf)
    assert stub_nodes.CALLS == [("c", "test.clip")]
    stub_nodes.CALLS.clear()

    second = fresh_engine(registry, tmp_path).run(wf)  # a new process would look the same
    assert stub_nodes.CALLS == [] and second.nodes["c"].cached
    a, b = first.values["c"], second.values["c"]
    assert np.array_equal(a["frames"].to_array(), b["frames"].to_array())
    assert (b["frames"].fps, b["frames"].cuts) == (12.0, (3,))
    assert np.array_equal(a["audio"].samples, b["audio"].samples) and b["audio"].sample_rate == 48000
    assert np.array_equal(a["mask"], b["mask"]) and b["label"] == "clip 5"


def test_other_params_miss_the_disk_cache(registry, tmp_path):
    fresh_engine(registry, tmp_path).run(workflow({"c": ("test.clip", {"seed": 5})}))
    stub_nodes.CALLS.clear()
    fresh_engine(registry, tmp_path).run(workflow({"c": ("test.clip", {"seed": 6})}))
    assert stub_nodes.CALLS == [("c", "test.clip")]


def test_nodes_without_persist_are_not_written(registry, tmp_path):
    engine = fresh_engine(registry, tmp_path)
    engine.run(workflow({"v": "test.value", "s": "test.sink"}, [["v", "out", "s", "a"]]))
    assert not list((tmp_path / "disk").glob("*/*/manifest.json"))


def test_a_damaged_entry_is_a_miss_and_is_removed(registry, tmp_path):
    wf = workflow({"c": ("test.clip", {"seed": 5})})
    fresh_engine(registry, tmp_path).run(wf)
    [manifest] = (tmp_path / "disk").glob("*/*/manifest.json")
    manifest.write_text("{broken")
    stub_nodes.CALLS.clear()
    result = fresh_engine(registry, tmp_path).run(wf)
    assert stub_nodes.CALLS == [("c", "test.clip")] and result.status == "succeeded"


def test_a_manifest_can_name_no_class_to_load(tmp_path):
    """Reading dispatches on the socket registry: a class path in the data is never imported."""
    cache = DiskCache(tmp_path)
    key = "ab" * 32
    folder = tmp_path / key[:2] / key
    for outputs in (
        {"x": {"kind": "object", "class": "os:system", "meta": {}}},  # the old format
        {"x": {"codec": "files", "type": "os:system", "meta": {}}},
        {"x": {"codec": "files", "type": "INT", "meta": {}}},  # a registered type without that codec
    ):
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"format": 2, "outputs": outputs}))
        assert cache.get(key) is None and not folder.exists()


def test_a_type_without_a_codec_is_not_persisted(tmp_path):
    from nodes.datatypes import MediaFile

    cache = DiskCache(tmp_path)
    value = MediaFile(path=tmp_path / "a.mp4", media_type="video/mp4")
    assert cache.put("ef" * 32, {"file": value}, {"file": "VIDEO"}) is False
    assert cache.put("ef" * 32, {"n": 3, "pic": np.zeros((2, 2, 3), np.uint8)}, {"n": "INT", "pic": "IMAGE"})
    assert cache.get("ef" * 32)["n"] == 3


def test_values_without_a_disk_form_are_skipped(tmp_path):
    cache = DiskCache(tmp_path)
    assert cache.put("cd" * 32, {"x": object()}) is False
    assert "cd" * 32 not in cache
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_the_store_is_bounded_in_bytes(tmp_path):
    cache = DiskCache(tmp_path, max_bytes=3000)
    for i in range(4):
        cache.put(f"{i:02d}" * 32, {"x": np.zeros(1000, np.uint8)})
    entries = list(tmp_path.glob("*/*/manifest.json"))
    assert 1 <= len(entries) <= 2 and ("03" * 32) in cache
