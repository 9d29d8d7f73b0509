"""The model catalog lists real tiny models from a models root and a Hugging Face cache laid out
as huggingface_hub writes it (blobs, snapshot symlinks, refs/main), skips broken folders, flags
pickle-only weights, and agrees with resolve() on what each entry names."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.models import UnsafeWeights, resolve
from server.models.catalog import ModelEntry, filter_models, find_models, hub_cache_dir, model_roots

from .tiny import tiny_model

MAIN_SHA = "1" * 40
OLD_SHA = "0" * 40
LOOSE_SHA = "2" * 40


def cache_repo(cache: Path, repo_id: str, source: Path, sha: str, *, main: bool = True) -> Path:
    """Put ``source`` into ``cache`` as huggingface_hub does: content-addressed blobs, a snapshot
    of relative symlinks, and ``refs/main`` naming the snapshot."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / sha
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        data = file.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snapshot / file.relative_to(source)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    if main:
        (repo / "refs").mkdir(exist_ok=True)
        (repo / "refs" / "main").write_text(sha)
    return snapshot


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a models root, a hub cache) holding good, broken, pickle-only and non-model folders."""
    tmp = tmp_path_factory.mktemp("catalog")
    root, cache = tmp / "models", tmp / "hub"
    root.mkdir()
    (root / "my-sd").symlink_to(tiny_model("sd"), target_is_directory=True)
    shutil.copytree(tiny_model("vits"), root / "voices" / "tiny-vits")  # org/name, two levels
    (root / "broken").mkdir()
    (root / "broken" / "model_index.json").write_text("{not json")
    (root / "pickled").mkdir()
    (root / "pickled" / "config.json").write_text(json.dumps({"architectures": ["VitsModel"]}))
    (root / "pickled" / "pytorch_model.bin").write_bytes(b"\x80\x02pickle")
    (root / "encoder").mkdir()  # a transformers model none of our nodes loads
    (root / "encoder" / "config.json").write_text(json.dumps({"architectures": ["GPT2LMHeadModel"]}))
    (root / "notes").mkdir()
    (root / "notes" / "README.md").write_text("not a model")
    (root / ".hidden-sd").symlink_to(tiny_model("sd"), target_is_directory=True)

    cache_repo(cache, "tiny-org/tiny-sd", tiny_model("sd"), MAIN_SHA)
    old = cache_repo(cache, "tiny-org/tiny-sd", tiny_model("sd"), OLD_SHA, main=False)  # another revision
    (old / "model_index.json").unlink()
    (old / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionXLPipeline"}))
    os.utime(old, (2e9, 2e9))  # newer on disk than main: only refs/main may pick main
    cache_repo(cache, "tiny-org/tiny-audio", tiny_model("stable_audio"), MAIN_SHA)
    cache_repo(cache, "loose", tiny_model("vits"), LOOSE_SHA, main=False)  # fetched by revision only
    (cache / "models--org--incomplete" / "blobs").mkdir(parents=True)
    cache_repo(cache, "org/dataset", tiny_model("vits"), MAIN_SHA).parents[1].rename(cache / "datasets--org--dataset")
    (cache / ".locks").mkdir()
    return root, cache


def by_name(models: list[ModelEntry]) -> dict[str, ModelEntry]:
    return {m.name: m for m in models}


def test_lists_folders_and_cached_repos(places: tuple[Path, Path]) -> None:
    root, cache = places
    models = find_models([root], cache)
    found = by_name(models)
    assert set(found) == {"my-sd", "voices/tiny-vits", "pickled", "tiny-org/tiny-sd", "tiny-org/tiny-audio", "loose"}
    assert [m.source for m in models] == ["folder"] * 3 + ["hub-cache"] * 3  # roots first, each sorted by name

    sd = found["my-sd"]
    assert (sd.value, sd.class_name, sd.library, sd.family, sd.kind) == (
        str(root / "my-sd"),
        "StableDiffusionPipeline",
        "diffusers",
        "sd",
        "text2image",
    )
    weights = sum(p.stat().st_size for p in tiny_model("sd").rglob("*") if p.is_file())
    assert sd.size_bytes == weights and sd.loadable and sd.reason == ""

    vits = found["voices/tiny-vits"]
    assert (vits.library, vits.class_name, vits.kind, vits.family) == ("transformers", "VitsModel", "speech", "vits")
    assert vits.value == str(root / "voices" / "tiny-vits")

    hub_sd = found["tiny-org/tiny-sd"]
    assert hub_sd.value == "tiny-org/tiny-sd" and hub_sd.source == "hub-cache"
    assert hub_sd.class_name == "StableDiffusionPipeline", "refs/main, not the newest snapshot, decides"
    assert hub_sd.path == str(cache / "models--tiny-org--tiny-sd" / "snapshots" / MAIN_SHA)
    assert hub_sd.size_bytes == weights  # symlinks followed to their blobs
    assert found["tiny-org/tiny-audio"].kind == "text2audio"
    assert found["loose"].value == str(cache / "models--loose" / "snapshots" / LOOSE_SHA)


def test_every_listed_value_resolves_to_the_same_model(places: tuple[Path, Path]) -> None:
    root, cache = places
    for model in find_models([root], cache):
        if not model.loadable:
            continue
        files = resolve(model.value, cache_dir=cache)
        assert (str(files.path.resolve()), files.class_name, files.library) == (
            str(Path(model.path).resolve()),
            model.class_name,
            model.library,
        ), model.name


def test_pickle_only_weights_are_listed_as_not_loadable(places: tuple[Path, Path]) -> None:
    root, cache = places
    pickled = by_name(find_models([root], cache))["pickled"]
    assert not pickled.loadable and "pytorch_model.bin" in pickled.reason and "safetensors" in pickled.reason
    with pytest.raises(UnsafeWeights):  # the loader refuses it for the same reason
        resolve(pickled.value)


def test_a_broken_folder_is_skipped_with_a_warning(places: tuple[Path, Path], caplog) -> None:
    root, cache = places
    with caplog.at_level(logging.DEBUG, logger="reelgraph.models"):
        names = set(by_name(find_models([root], cache)))
    assert "broken" not in names and "encoder" not in names and "notes" not in names
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "broken" in warnings[0]


def test_filter_by_kind_and_family(places: tuple[Path, Path]) -> None:
    root, cache = places
    models = find_models([root], cache)
    assert {m.name for m in filter_models(models, ["speech"])} == {"voices/tiny-vits", "pickled", "loose"}
    assert {m.name for m in filter_models(models, ["text2image", "text2audio"])} == {
        "my-sd",
        "tiny-org/tiny-sd",
        "tiny-org/tiny-audio",
    }
    assert {m.name for m in filter_models(models, families=["sd"])} == {"my-sd", "tiny-org/tiny-sd"}
    assert filter_models(models, ["text2image"], ["vits"]) == []
    assert filter_models(models) == models


def test_missing_places_list_nothing(tmp_path: Path) -> None:
    assert find_models([tmp_path / "no-root", tmp_path / "file"], tmp_path / "no-cache") == []
    (tmp_path / "file").write_text("a file, not a folder")
    assert find_models([tmp_path / "file"], tmp_path / "file") == []


def test_roots_and_cache_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELGRAPH_MODELS", os.pathsep.join([str(tmp_path / "a"), "", str(tmp_path / "b")]))
    assert model_roots(tmp_path / "data") == [tmp_path / "data" / "models", tmp_path / "a", tmp_path / "b"]
    monkeypatch.setenv("REELGRAPH_MODELS", str(tmp_path / "data" / "models"))
    assert model_roots(tmp_path / "data") == [tmp_path / "data" / "models"]  # no root twice
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("HUGGINGFACE_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert hub_cache_dir() == tmp_path / "hf" / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    assert hub_cache_dir() == tmp_path / "cache"


def test_listing_imports_no_torch(places: tuple[Path, Path]) -> None:
    root, cache = places
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from server.models import find_models\n"
        "models = find_models([Path(sys.argv[1])], Path(sys.argv[2]))\n"
        "assert len(models) == 6, models\n"
        "heavy = {'torch', 'diffusers', 'transformers'} & set(sys.modules)\n"
        "assert not heavy, f'listing imported {heavy}'\n"
    )
    subprocess.run([sys.executable, "-c", code, str(root), str(cache)], check=True, cwd=Path(__file__).parents[2])


def test_newer_families_are_listed_under_their_kind(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    for name in ("wan22_ti2v", "wan22_a14b", "flux", "sd3", "svd", "skyreels_v2"):
        (root / name).symlink_to(tiny_model(name), target_is_directory=True)
    listed = {m.name: (m.family, m.kind) for m in find_models([root], None)}
    assert listed == {
        "wan22_ti2v": ("wan_ti2v", "text2video"),
        "wan22_a14b": ("wan22", "text2video"),
        "flux": ("flux", "text2image"),
        "sd3": ("sd3", "text2image"),
        "svd": ("svd", "image2video"),
        "skyreels_v2": ("skyreels_v2", "text2video"),
    }
    videos = {m.name for m in filter_models(find_models([root], None), kinds=["image2video"])}
    assert videos == {"svd"}
