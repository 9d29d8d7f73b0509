"""``GET /api/models`` and the model combos of ``/object_info`` on a real server, with the model
roots and the Hugging Face cache pointed at temporary folders through the environment. The
model folders here hold only their configs: listing reads nothing else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from server.engine import Registry
from tests import stub_nodes

from .conftest import LiveServer, make_config

SHA = "a" * 40


def model_folder(folder: Path, config: dict, *, weights: str = "model.safetensors", index: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / ("model_index.json" if index else "config.json")).write_text(json.dumps(config))
    (folder / weights).write_bytes(b"\0" * 64)
    return folder


@pytest.fixture
def models_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    data, extra, cache = tmp_path / "data", tmp_path / "extra", tmp_path / "hub"
    model_folder(data / "models" / "local-sd", {"_class_name": "StableDiffusionPipeline"})
    model_folder(extra / "voice", {"architectures": ["VitsModel"]}, index=False)
    model_folder(extra / "old-voice", {"architectures": ["VitsModel"]}, weights="pytorch_model.bin", index=False)
    (extra / "broken").mkdir()
    (extra / "broken" / "model_index.json").write_text("[")
    model_folder(cache / "models--org--wan" / "snapshots" / SHA, {"_class_name": "WanPipeline"})
    (cache / "models--org--wan" / "refs").mkdir()
    (cache / "models--org--wan" / "refs" / "main").write_text(SHA)
    monkeypatch.setenv("REELGRAPH_MODELS", str(extra))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    registry = Registry.from_modules([stub_nodes, "nodes.diffusion.load", "nodes.audio.speech"])
    server = LiveServer(make_config(tmp_path), registry).start()
    yield server
    server.stop()


async def get_json(server: LiveServer, path: str) -> dict:
    async with aiohttp.ClientSession() as session, session.get(server.url(path)) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def names(server: LiveServer, query: str) -> list[str]:
    return [m["name"] for m in (await get_json(server, f"/api/models{query}"))["models"]]


async def test_lists_the_models_of_every_root_and_the_cache(models_server: LiveServer, tmp_path: Path) -> None:
    body = await get_json(models_server, "/api/models")
    assert body["roots"] == [str(tmp_path / "data" / "models"), str(tmp_path / "extra")]
    assert body["hub_cache"] == str(tmp_path / "hub")
    models = {m["name"]: m for m in body["models"]}
    assert list(models) == ["local-sd", "old-voice", "voice", "org/wan"]  # broken/ is skipped
    assert models["local-sd"] == {
        "value": str(tmp_path / "data" / "models" / "local-sd"),
        "name": "local-sd",
        "class_name": "StableDiffusionPipeline",
        "library": "diffusers",
        "family": "sd",
        "kind": "text2image",
        "source": "folder",
        "path": str(tmp_path / "data" / "models" / "local-sd"),
        "size_bytes": 64 + len(json.dumps({"_class_name": "StableDiffusionPipeline"})),
        "loadable": True,
        "reason": "",
    }
    assert (models["org/wan"]["value"], models["org/wan"]["source"]) == ("org/wan", "hub-cache")
    assert models["voice"]["kind"] == "speech" and models["voice"]["loadable"]
    assert not models["old-voice"]["loadable"] and "pytorch_model.bin" in models["old-voice"]["reason"]


async def test_filters_by_kind_and_family(models_server: LiveServer) -> None:
    assert await names(models_server, "?kind=speech") == ["old-voice", "voice"]
    assert await names(models_server, "?kind=text2image&kind=text2video") == ["local-sd", "org/wan"]
    assert await names(models_server, "?kind=text2image,text2video") == ["local-sd", "org/wan"]
    assert await names(models_server, "?family=wan") == ["org/wan"]
    assert await names(models_server, "?kind=text2image&family=wan") == []
    assert await names(models_server, "?kind=nonsense") == []


async def test_a_model_copied_in_shows_up_on_the_next_request(models_server: LiveServer, tmp_path: Path) -> None:
    assert "org/new-sd" not in await names(models_server, "")
    model_folder(tmp_path / "data" / "models" / "org" / "new-sd", {"_class_name": "StableDiffusionXLPipeline"})
    body = await get_json(models_server, "/api/models?kind=text2image")
    assert [(m["name"], m["family"]) for m in body["models"]] == [("local-sd", "sd"), ("org/new-sd", "sdxl")]


async def test_unreadable_places_answer_an_empty_list(
    models_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("REELGRAPH_MODELS", str(tmp_path / "a-file"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "missing"))
    assert await names(models_server, "") == ["local-sd"]  # only the data dir's own root is left


async def test_model_params_declare_the_model_widget_and_kinds(models_server: LiveServer) -> None:
    nodes = {n["id"]: n for n in (await get_json(models_server, "/api/nodes"))["nodes"]}
    model = nodes["diffusion.load"]["params"]["properties"]["model"]
    assert model["widget"] == "model"
    assert model["model_kinds"] == ["text2image", "image2image", "text2video", "image2video", "text2audio"]
    speech = nodes["audio.speech"]["params"]["properties"]["model_path"]
    assert (speech["widget"], speech["model_kinds"]) == ("model", ["speech"])


async def test_object_info_offers_the_loadable_models_as_combos(models_server: LiveServer, tmp_path: Path) -> None:
    info = await get_json(models_server, "/object_info")
    choices, options = info["diffusion.load"]["input"]["required"]["model"]
    assert choices == [str(tmp_path / "data" / "models" / "local-sd"), "org/wan"]
    assert "default" not in options and options["widget"] == "model" and options["tooltip"]
    voices, _ = info["audio.speech"]["input"]["required"]["model_path"]
    # espeak needs no model: "" (none) comes first; the pickle-only voice cannot be loaded
    assert voices == ["", str(tmp_path / "extra" / "voice")]
    one = await get_json(models_server, "/object_info/audio.speech")
    assert one["audio.speech"]["input"]["required"]["model_path"][0] == voices
    assert info["diffusion.load"]["input"]["required"]["dtype"][0] == ["auto", "bf16", "fp16", "fp32"]
