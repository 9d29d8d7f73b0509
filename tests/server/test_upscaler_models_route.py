"""Upscaler weights in ``<data>/models/upscale_models`` reach the editor's model picker
(``GET /api/models?kind=upscaler``) and ComfyUI's ``/object_info`` combo of ``video.upscale``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from server.engine import Registry
from tests import stub_nodes

from .conftest import LiveServer, make_config


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    folder = tmp_path / "data" / "models" / "upscale_models"
    (folder / "anime").mkdir(parents=True)
    (folder / "4x_esrgan.pth").write_bytes(b"\0" * 64)  # listing reads names and sizes, not weights
    (folder / "anime" / "compact_x2.safetensors").write_bytes(b"\0" * 32)
    (folder / "notes.txt").write_text("not weights")
    monkeypatch.setenv("REELGRAPH_MODELS", "")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    live = LiveServer(make_config(tmp_path), Registry.from_modules([stub_nodes, "nodes.video.upscale"])).start()
    yield live
    live.stop()


async def get_json(server: LiveServer, path: str) -> dict:
    async with aiohttp.ClientSession() as session, session.get(server.url(path)) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def test_upscalers_are_listed_by_kind(server: LiveServer, tmp_path: Path) -> None:
    models = (await get_json(server, "/api/models?kind=upscaler"))["models"]
    assert [m["name"] for m in models] == [
        "upscale_models/4x_esrgan.pth",
        "upscale_models/anime/compact_x2.safetensors",
    ]
    assert {m["kind"] for m in models} == {"upscaler"} and models[0]["size_bytes"] == 64
    assert models[0]["value"] == str(tmp_path / "data" / "models" / "upscale_models" / "4x_esrgan.pth")
    assert (await get_json(server, "/api/models?kind=text2image"))["models"] == []


async def test_object_info_offers_them_to_video_upscale(server: LiveServer, tmp_path: Path) -> None:
    info = await get_json(server, "/object_info")
    choices, options = info["video.upscale"]["input"]["required"]["model"]
    folder = tmp_path / "data" / "models" / "upscale_models"
    # "" first: no weights, the classical upscaler (the default)
    assert choices == ["", str(folder / "4x_esrgan.pth"), str(folder / "anime" / "compact_x2.safetensors")]
    assert options["widget"] == "model" and options["default"] == ""
