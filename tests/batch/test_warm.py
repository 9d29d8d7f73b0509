"""A worker's variants share their pure results through the process's results cache, while the
files an output node writes are made again in each variant's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodes.datatypes import MediaFile
from server.batch import warm
from server.batch.job import VariantJob, run_variant
from server.batch.variants import expand, parse_seeds
from server.cli import apply_overrides, discover_registry
from server.engine import Workflow
from server.engine.cache import ResultCache

from .conftest import REPO

SMALL = ["animatic.width=96", "animatic.height=64", "shots.duration=1", "animatic.fps=8"]


@pytest.fixture
def fresh_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "_shared", None)  # what earlier tests in this process left stays out


def test_later_variants_reuse_the_shared_upstream_and_remake_their_files(tmp_path: Path, fresh_shared) -> None:
    registry = discover_registry()
    workflow = Workflow.load(REPO / "workflows" / "tokyo_walk.json")
    apply_overrides(workflow, SMALL)
    variants = expand(workflow, registry, [parse_seeds("1-2", workflow, registry)], zipped=False)
    records = [
        run_variant(VariantJob(v.key, v.index, v.folder, v.params, v.workflow.to_json(), str(tmp_path)))
        for v in variants
    ]
    assert [r["status"] for r in records] == ["succeeded", "succeeded"]
    first, second = ({n for n, x in r["nodes"].items() if x["cached"]} for r in records)
    assert first == set()
    assert {"prompt", "analysis", "scene", "shots", "style"} <= second  # the seeds do not change these
    assert not second & {"understanding", "animatic", "interpolate", "effects", "music", "video"}
    for r in records:  # each folder has its own pictures (an output node), MP4 and thumbnail
        folder = tmp_path / r["folder"]
        assert (folder / "tokyo_walk" / "scene_graph.png").is_file()
        assert any(f.endswith(".mp4") for f in r["outputs"]) and (folder / "thumb.jpg").is_file()
        assert r["timing"]["cpu_seconds"] > 0 and r["timing"]["child_cpu_seconds"] > 0  # the encoder's process
        assert r["worker"]["threads"] is None  # not given CPUs by an executor: not capped


def test_file_results_stay_with_their_variant(tmp_path: Path) -> None:
    shared = ResultCache()
    one, two = warm.VariantCache(shared), warm.VariantCache(shared)
    written = tmp_path / "a.png"
    written.write_bytes(b"png")
    one.put("plan", {"scene": {"actors": 2}})
    one.put("picture", {"files": MediaFile(path=written, media_type="image/png")})
    assert two.get("plan") == {"scene": {"actors": 2}} and two.hits == 1
    assert two.get("picture") is None and two.misses == 1  # another variant's file: made again
    assert one.get("picture") is not None


def test_gpu_variants_neither_share_results_nor_cap_threads() -> None:
    """A GPU actor's tensors are not counted by the cache's budget, and its host CPUs are not divided."""
    gpu, cpu = {"GPU": 1.0, "CPU": 1.0}, {"CPU": 2.0}
    assert not warm.shares_results(gpu) and warm.cpu_share(gpu) is None
    assert warm.shares_results(cpu) and warm.cpu_share(cpu) == 2
    assert warm.shares_results(None) and warm.cpu_share(None) is None  # outside an executor: shared, not capped
