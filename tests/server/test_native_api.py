"""The native API through a real server on loopback: nodes, runs, queue, library, files, system."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import aiohttp
import numpy as np
from PIL import Image

from .conftest import FINAL, chain, submit, wait_status, workflow


async def test_nodes_catalog_and_one_node(server):
    async with aiohttp.ClientSession() as s:
        async with s.get(server.url("/api/nodes")) as resp:
            body = await resp.json()
        ids = {n["id"] for n in body["nodes"]}
        assert {"test.slow", "srv.save", "text.prompt"} <= ids
        assert body["sockets"]["INT"]["color"].startswith("#")
        async with s.get(server.url("/api/nodes/test.slow")) as resp:
            node = await resp.json()
        assert node["params"]["properties"]["steps"]["maximum"] == 10_000
        async with s.get(server.url("/api/nodes/nope.missing")) as resp:
            assert resp.status == 404
            assert "nope.missing" in (await resp.json())["error"]


async def test_run_lifecycle_with_per_node_state_and_outputs(server):
    async with aiohttp.ClientSession() as s:
        run_id = await submit(s, server, chain(value=7), client_id="me")
        run = await wait_status(s, server, run_id, FINAL)
        assert run["status"] == "succeeded"
        assert run["client_id"] == "me"
        assert {n: st["status"] for n, st in run["nodes"].items()} == {
            "n": "succeeded",
            "s": "succeeded",
            "save": "succeeded",
            "show": "succeeded",
        }
        assert all(st["seconds"] >= 0 for st in run["nodes"].values())
        [ref] = run["files"]["save"]
        assert ref["type"] == "output" and ref["subfolder"] == "stub" and ref["filename"].endswith("_8.png")
        async with s.get(server.url(ref["url"])) as resp:
            assert resp.status == 200
            picture = np.asarray(Image.open(io.BytesIO(await resp.read())))
        assert picture.shape == (16, 24, 3) and int(picture[0, 0, 0]) == 8

        async with s.get(server.url("/api/runs")) as resp:
            listing = await resp.json()
        assert [r["run_id"] for r in listing["runs"]] == [run_id]
        assert listing["counts"]["succeeded"] == 1
        async with s.get(server.url("/api/runs?status=queued")) as resp:
            assert (await resp.json())["runs"] == []
        async with s.get(server.url("/api/runs/unknown-run")) as resp:
            assert resp.status == 404


async def test_cancel_running_and_queued_runs_then_requeue_and_delete(server):
    async with aiohttp.ClientSession() as s:
        slow = workflow(
            {"s": ("test.slow", {"seconds": 30, "steps": 300, "tag": "a"}), "show": "test.sink"},
            [["s", "out", "show", "a"]],
        )
        first = await submit(s, server, slow)
        second = await submit(s, server, chain(tag="b"))
        await wait_status(s, server, first, {"running"})
        async with s.post(server.url(f"/api/runs/{second}/cancel")) as resp:
            assert (await resp.json())["status"] == "cancelled"
        async with s.post(server.url(f"/api/runs/{first}/cancel")) as resp:
            assert (await resp.json())["status"] == "cancelling"
        run = await wait_status(s, server, first, FINAL)
        assert run["status"] == "cancelled"
        assert run["nodes"]["s"]["status"] == "cancelled"
        async with s.post(server.url(f"/api/runs/{first}/cancel")) as resp:
            assert resp.status == 409

        async with s.post(server.url(f"/api/runs/{second}/requeue")) as resp:
            again = await resp.json()
        assert again["parent"] == second and again["run_id"] != second
        assert (await wait_status(s, server, again["run_id"], FINAL))["status"] == "succeeded"

        async with s.delete(server.url(f"/api/runs/{first}")) as resp:
            assert (await resp.json())["deleted"] is True
        async with s.get(server.url(f"/api/runs/{first}")) as resp:
            assert resp.status == 404


async def test_pause_resume_and_reorder(server):
    async with aiohttp.ClientSession() as s:
        async with s.post(server.url("/api/queue/pause")) as resp:
            assert (await resp.json())["paused"] is True
        ids = [await submit(s, server, chain(value=i, tag=str(i))) for i in range(3)]
        await asyncio.sleep(0.3)
        async with s.get(server.url("/api/queue")) as resp:
            queue = await resp.json()
        assert queue["paused"] is True and [r["run_id"] for r in queue["queued"]] == ids
        async with s.post(server.url("/api/queue/reorder"), json={"run_ids": [ids[2], ids[0]]}) as resp:
            assert (await resp.json())["queued"] == [ids[2], ids[0], ids[1]]
        async with s.get(server.url(f"/api/runs/{ids[1]}")) as resp:
            assert (await resp.json())["position"] == 2
        async with s.get(server.url("/api/runs?status=queued")) as resp:
            listed = {r["run_id"]: r["position"] for r in (await resp.json())["runs"]}
        assert listed == {ids[2]: 0, ids[0]: 1, ids[1]: 2}
        async with s.post(server.url(f"/api/runs/{ids[1]}/move"), json={"position": 1}) as resp:
            assert (await resp.json())["queued"] == [ids[2], ids[1], ids[0]]
        async with s.post(server.url(f"/api/runs/{ids[1]}/move"), json={"position": 99}) as resp:
            assert (await resp.json())["queued"] == [ids[2], ids[0], ids[1]]
        async with s.post(server.url(f"/api/runs/{ids[1]}/move"), json={"position": "1"}) as resp:
            assert resp.status == 400
        async with s.post(server.url("/api/queue/resume")) as resp:
            assert (await resp.json())["paused"] is False
        runs = [await wait_status(s, server, i, FINAL) for i in ids]
        started = sorted(runs, key=lambda r: r["started"])
        assert [r["run_id"] for r in started] == [ids[2], ids[0], ids[1]]


async def test_front_of_queue(server):
    async with aiohttp.ClientSession() as s:
        await s.post(server.url("/api/queue/pause"))
        back = await submit(s, server, chain(tag="back"))
        front = await submit(s, server, chain(tag="front"), front=True)
        async with s.get(server.url("/api/queue")) as resp:
            assert [r["run_id"] for r in (await resp.json())["queued"]] == [front, back]


async def test_invalid_workflow_is_refused_with_engine_errors(server):
    async with aiohttp.ClientSession() as s:
        bad = workflow(
            {"n": ("srv.number", {"value": 5000}), "x": "no.such", "show": "test.sink"}, [["n", "out", "show", "a"]]
        )
        async with s.post(server.url("/api/runs"), json={"workflow": bad}) as resp:
            assert resp.status == 400
            body = await resp.json()
        found = {(e["code"], e["node"]) for e in body["errors"]}
        assert ("invalid_value", "n") in found and ("unknown_node_type", "x") in found
        async with s.get(server.url("/api/runs")) as resp:
            assert (await resp.json())["runs"] == []


async def test_workflow_library(server, tmp_path: Path):
    examples = server.config.examples_dir
    examples.mkdir(parents=True)
    (examples / "demo.json").write_text('{"format": "reelgraph.workflow", "version": 1, "nodes": {}, "links": []}')
    async with aiohttp.ClientSession() as s:
        doc = {**chain(), "title": "Mine"}
        async with s.put(server.url("/api/workflows/my flow"), json=doc) as resp:
            assert (await resp.json()) == {"name": "my flow", "saved": True, "problems": []}
        assert (server.config.library_dir / "my flow.json").is_file()
        async with s.get(server.url("/api/workflows")) as resp:
            entries = {(e["name"], e["source"]) for e in (await resp.json())["workflows"]}
        assert entries == {("my flow", "library"), ("demo", "example")}
        async with s.get(server.url("/api/workflows/my flow")) as resp:
            assert (await resp.json())["title"] == "Mine"
        async with s.put(server.url("/api/workflows/bad"), json={"nodes": {}}) as resp:
            assert resp.status == 400 and (await resp.json())["errors"][0]["code"] == "unknown_format"
        for name in ("..", ".hidden", "a%2Fb", "a%5Cb"):
            async with s.get(server.url(f"/api/workflows/{name}")) as resp:
                assert resp.status in (400, 404), name
        async with s.delete(server.url("/api/workflows/my flow")) as resp:
            assert (await resp.json())["deleted"] is True
        async with s.delete(server.url("/api/workflows/my flow")) as resp:
            assert resp.status == 404
        async with s.delete(server.url("/api/workflows/demo")) as resp:
            assert resp.status == 404  # examples are read-only


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


async def test_upload_then_fetch_with_range(server):
    async with aiohttp.ClientSession() as s:
        form = aiohttp.FormData()
        form.add_field("file", _png(), filename="red.png", content_type="image/png")
        async with s.post(server.url("/api/uploads"), data=form) as resp:
            up = await resp.json()
        assert resp.status == 200, up
        assert up["name"] == "red.png" and up["type"] == "input" and up["media_type"] == "image/png"
        data = (server.config.input_dir / "red.png").read_bytes()
        async with s.get(server.url(up["url"]), headers={"Range": "bytes=4-11"}) as resp:
            assert resp.status == 206
            assert await resp.read() == data[4:12]
            assert resp.headers["Content-Range"] == f"bytes 4-11/{len(data)}"
        async with s.get(server.url("/api/files/uploads/red.png")) as resp:
            assert await resp.read() == data
        async with s.get(server.url("/api/files/elsewhere/red.png")) as resp:
            assert resp.status == 404
        form = aiohttp.FormData()
        form.add_field("file", _png(), filename="red.png", content_type="image/png")
        async with s.post(server.url("/api/uploads"), data=form) as resp:
            assert (await resp.json())["name"] == "red (1).png"


async def test_system(server):
    async with aiohttp.ClientSession() as s, s.get(server.url("/api/system")) as resp:
        info = await resp.json()
    assert info["python"].count(".") == 2
    assert info["packages"]["aiohttp"]
    assert info["devices"][0]["type"] == "cpu" and info["memory"]["process_rss"] > 0
    assert info["queue"]["paused"] is False and info["nodes"] == len(server.registry)
    assert "loaded" in info["models"]


async def test_editor_files_are_served(server):
    web_dir = server.config.web_dir
    lib = web_dir / "node_modules" / "@comfyorg" / "litegraph" / "dist"
    lib.mkdir(parents=True)
    (lib / "litegraph.es.js").write_text("export const LiteGraph = {};")
    (web_dir / "css").mkdir()
    (web_dir / "css" / "app.css").write_text("body{}")
    async with aiohttp.ClientSession() as s:
        async with s.get(server.url("/")) as resp:
            assert resp.status == 404 and "index.html" in (await resp.json())["error"]
        (web_dir / "index.html").write_text("<!doctype html>")
        async with s.get(server.url("/")) as resp:
            assert resp.status == 200 and resp.content_type == "text/html"
        async with s.get(server.url("/node_modules/@comfyorg/litegraph/dist/litegraph.es.js")) as resp:
            assert resp.status == 200 and "javascript" in resp.content_type
        async with s.get(server.url("/css/app.css")) as resp:
            assert resp.status == 200 and resp.content_type == "text/css"
        async with s.head(server.url("/css/app.css")) as resp:
            assert resp.status == 200
        async with s.get(server.url("/css/missing.css")) as resp:
            assert resp.status == 404


async def test_real_prompt_nodes(server):
    doc = workflow(
        {
            "p": ("text.prompt", {"text": "  A fox runs.  "}),
            "j": ("text.join", {"separator": " | "}),
            "q": ("text.prompt", {"text": "at dawn"}),
        },
        [["p", "text", "j", "first"], ["q", "text", "j", "second"]],
    )
    async with aiohttp.ClientSession() as s:
        run_id = await submit(s, server, doc, targets=["j"])
        run = await wait_status(s, server, run_id, FINAL)
        assert run["status"] == "succeeded"
        assert run["result"]["nodes"]["j"]["outputs"]["text"] == "A fox runs. | at dawn"
        empty = workflow({"p": ("text.prompt", {"text": "   "})})
        async with s.post(server.url("/api/runs"), json={"workflow": empty, "targets": ["p"]}) as resp:
            errors = (await resp.json())["errors"]
        assert resp.status == 400
        assert [(e["code"], e["node"], e["name"]) for e in errors] == [("invalid_value", "p", "text")]
        assert "empty" in errors[0]["message"]
