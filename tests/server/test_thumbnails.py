"""Thumbnails of finished nodes: keyframe strips of FRAMES, scaled IMAGEs, through a real server
(websocket message, the file itself, the run record) and the strip's choice of frames."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import aiohttp
import numpy as np
import pytest
from PIL import Image

from server.app.thumbnails import STRIP_HEIGHT, Thumbnails, frames_strip, prune_folder, strip_indices
from server.engine.events import Event
from tests import stub_nodes

from .conftest import FINAL, submit, wait_status, workflow


def pictures_workflow(**frames_params) -> dict:
    """frames → look ← picture, and a file from a node that is not an output."""
    return workflow(
        {
            "frames": ("srv.frames", frames_params),
            "picture": ("srv.picture", {"width": 1024, "height": 300}),
            "draft": "srv.draft",
            "look": "srv.look",
        },
        [
            ["frames", "frames", "look", "frames"],
            ["picture", "picture", "look", "picture"],
            ["draft", "file", "look", "file"],
        ],
    )


async def finished_messages(ws: aiohttp.ClientWebSocketResponse, run_id: str) -> dict[str, dict]:
    """The node_finished / node_cached data by node, until the run ends."""
    finished = {}
    while True:
        msg = await ws.receive(timeout=20)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            continue
        message = json.loads(msg.data)
        if message["data"].get("run_id") != run_id:
            continue
        if message["type"] in ("node_finished", "node_cached"):
            finished[message["data"]["node"]] = message["data"]
        if message["type"] == "run_finished":
            return finished


async def fetch_jpeg(s: aiohttp.ClientSession, url: str) -> np.ndarray:
    async with s.get(url) as resp:
        assert resp.status == 200, url
        assert resp.content_type == "image/jpeg"
        image = Image.open(io.BytesIO(await resp.read()))
        assert image.format == "JPEG"
        return np.asarray(image.convert("RGB"))


def tile_frames(strip: np.ndarray, tiles: int) -> list[int]:
    """Which srv.frames frame each tile shows, from its grey level."""
    levels = [float(t.mean()) for t in np.split(strip, tiles, axis=1)]
    return [min(range(256 // 6 + 1), key=lambda i: abs(stub_nodes.frame_level(i) - level)) for level in levels]


async def test_strip_and_picture_previews_on_finished_nodes(server, test_out: Path):
    stub_nodes.FRAME_READS.clear()
    doc = pictures_workflow(count=40, width=160, height=90, cuts=[10, 25])
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("client_id=thumbs&events=native")) as ws:
        run_id = await submit(s, server, doc, client_id="thumbs")
        finished = await finished_messages(ws, run_id)
        frames = finished["frames"]["outputs"]["frames"]
        assert frames["type"] == "FRAMES" and "values" not in finished["frames"]
        assert frames["preview_url"].startswith("/api/files/temp/previews/")
        assert frames["preview_tiles"] == 8
        strip = await fetch_jpeg(s, server.url(frames["preview_url"]))
        tile_w = round(160 * STRIP_HEIGHT / 90)
        assert strip.shape == (STRIP_HEIGHT, 8 * tile_w, 3)
        assert frames["preview_size"] == [8 * tile_w, STRIP_HEIGHT]
        shown = tile_frames(strip, 8)
        assert shown == sorted(shown) and {0, 10, 25} <= set(shown) and shown[-1] >= 35, shown
        assert sum(stop - start for start, stop in stub_nodes.FRAME_READS) <= 8  # never more than 8 frames read
        Image.fromarray(strip).save(test_out / "server_strip.png")

        picture = finished["picture"]["outputs"]["picture"]
        image = await fetch_jpeg(s, server.url(picture["preview_url"]))
        assert image.shape == (150, 512, 3) and picture["preview_size"] == [512, 150]
        assert picture["preview_tiles"] == 1
        assert image[:, :8, 0].mean() > 200 and image[:, -8:, 2].mean() > 200  # red on the left, blue on the right

        [draft_file] = finished["draft"]["files"]  # a file from a node that is not an output has a URL too
        assert draft_file["url"].startswith("/api/files/output/stub/draft_")
        assert finished["look"]["outputs"] == {"out": 3}  # nothing to draw: left as it was

        record = await wait_status(s, server, run_id, FINAL)
        assert record["status"] == "succeeded"
        assert record["result"]["nodes"]["frames"]["outputs"]["frames"]["preview_url"] == frames["preview_url"]
        assert record["result"]["nodes"]["picture"]["outputs"]["picture"]["preview_tiles"] == 1

        stub_nodes.FRAME_READS.clear()  # the same graph again: served from the cache, previews included
        again = await submit(s, server, doc, client_id="thumbs")
        cached = await finished_messages(ws, again)
        assert cached["frames"]["outputs"]["frames"]["preview_url"] == frames["preview_url"]
        assert cached["picture"]["outputs"]["picture"]["preview_url"] == picture["preview_url"]
        assert stub_nodes.FRAME_READS == []  # remembered, not drawn again


async def test_oversized_frames_get_no_strip_and_are_not_read(server):
    stub_nodes.FRAME_READS.clear()
    doc = pictures_workflow(count=3, width=5000, height=100, cuts=[])
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("client_id=big&events=native")) as ws:
        run_id = await submit(s, server, doc, client_id="big")
        finished = await finished_messages(ws, run_id)
    assert "preview_url" not in finished["frames"]["outputs"]["frames"]
    assert stub_nodes.FRAME_READS == []
    assert "preview_url" in finished["picture"]["outputs"]["picture"]


@pytest.mark.parametrize(
    ("count", "cuts", "expected"),
    [
        (0, [], []),
        (5, [2], [0, 1, 2, 3, 4]),
        (100, [], [0, 14, 28, 42, 57, 71, 85, 99]),
        (40, [10, 25], [0, 6, 10, 17, 25, 28, 33, 39]),
        (1000, list(range(50, 1000, 50)), [0, 150, 250, 400, 550, 700, 800, 950]),
    ],
)
def test_strip_indices_cover_the_shots_and_the_sequence(count, cuts, expected):
    chosen = strip_indices(count, cuts)
    assert chosen == sorted(set(chosen)) and len(chosen) == min(count, 8)
    assert all(0 <= i < count for i in chosen)
    if expected is not None:
        assert chosen == expected
    if cuts and len(cuts) < 8 and count > 8:
        assert {0, *cuts} <= set(chosen)


class Lazy:
    """A FRAMES-like value with a producer that counts what it is asked for."""

    def __init__(self, count: int, width: int, height: int) -> None:
        self.count, self.width, self.height, self.cuts = count, width, height, ()
        self.reads = 0

    def read(self, start: int, stop: int) -> np.ndarray:
        self.reads += stop - start
        return np.full((stop - start, self.height, self.width, 3), 128, np.uint8)


def test_thumbnails_are_written_once_under_their_content_hash(tmp_path: Path):
    thumbs = Thumbnails(tmp_path / "previews")
    first = thumbs.make("FRAMES", Lazy(500, 64, 48))
    second = thumbs.make("FRAMES", Lazy(500, 64, 48))  # a new value with the same pictures
    assert first is not None and second is not None and first.path == second.path
    assert [p.name for p in (tmp_path / "previews").iterdir()] == [first.path.name]  # no temp files left
    assert first.tiles == 8 and (first.width, first.height) == (8 * 128, 96)
    assert thumbs.make("AUDIO", Lazy(5, 8, 8)) is None
    assert thumbs.make("IMAGE", np.zeros((4, 4, 5), np.uint8)) is None  # not a picture: no thumbnail, no error
    grey = thumbs.make("IMAGE", np.linspace(0, 1, 600 * 200, dtype=np.float32).reshape(200, 600))
    assert grey is not None and (grey.width, grey.height) == (512, 171)


def test_the_folder_keeps_only_the_newest(tmp_path: Path):
    for i in range(5):
        path = tmp_path / f"{i}.jpg"
        path.write_bytes(b"x")
        os.utime(path, (1000 + i, 1000 + i))
    prune_folder(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.jpg", "4.jpg"]


def test_strip_reads_at_most_eight_frames():
    frames = Lazy(100_000, 32, 32)
    picture, tiles = frames_strip(frames)
    assert frames.reads == 8 and tiles == 8 and picture.shape == (96, 8 * 96, 3)


def test_event_json_leaves_out_live_values():
    values = {"frames": object()}
    event = Event("node_finished", "r", "n", {"type": "t", "outputs": {"frames": {}}, "values": values})
    assert "values" not in event.to_json()["data"] and event.data["values"] is values


def test_files_of_any_node_have_urls_except_the_runs_scratch(tmp_path: Path):
    from server.app.messages import RunMessages

    output, temp = tmp_path / "output", tmp_path / "temp"
    kept, scratch_file = output / "a.mp4", temp / "runs" / "r1" / "b.mp4"
    for path in (kept, scratch_file):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x")
    messages = RunMessages("r1", {"n": "t"}, set(), {"output": output, "temp": temp}, scratch=temp / "runs" / "r1")
    summaries = {"a": {"type": "VIDEO", "path": str(kept)}, "b": {"type": "VIDEO", "path": str(scratch_file)}}
    [native, *comfy] = messages.translate("node_finished", "n", {"outputs": summaries}, 0.0)
    files = json.loads(native.payload)["data"]["files"]
    assert [f["url"] for f in files] == ["/api/files/output/a.mp4"]  # not an output node, still a URL
    # ComfyUI hears of a node that is not an output only through progress_state, never its files
    assert [json.loads(m.payload)["type"] for m in comfy] == ["progress_state"] and messages.ui == {}
