"""The routes and messages the official ComfyUI frontend needs, through a real server:
look-ups, settings, user-data files (with their security rules), jobs, ``progress_state``,
and which websocket clients get which message family."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from pydantic import BaseModel, ConfigDict

from server.app.frontend import comfyui_static
from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node

from .conftest import FINAL, chain, submit, wait_status, workflow

REPO = Path(__file__).resolve().parents[2]


# -- serving the frontend ------------------------------------------------------------------
async def test_comfyui_frontend_at_root_and_ours_at_reelgraph(server_factory):
    server = server_factory(frontend="comfyui", web_dir=REPO / "web")
    async with aiohttp.ClientSession() as s:
        async with s.get(server.url("/")) as resp:
            assert resp.status == 200 and "<title>ComfyUI</title>" in await resp.text()
        async with s.get(server.url("/reelgraph/")) as resp:
            page = await resp.text()
            assert resp.status == 200 and "/js/main.js" in page
        async with s.get(server.url("/js/main.js")) as resp:  # our editor's files still resolve
            assert resp.status == 200
        asset = next((comfyui_static() / "assets").glob("index-*.js")).name
        async with s.get(server.url(f"/assets/{asset}")) as resp:
            assert resp.status == 200 and resp.content_type.endswith("javascript")
        async with s.get(server.url("/templates/index.json")) as resp:
            assert await resp.json() == []
        async with s.get(server.url("/templates/index_logo.json")) as resp:
            assert await resp.json() == {}
        async with s.get(server.url("/assets/..%2F..%2F..%2Fsetup.py")) as resp:
            assert resp.status == 404


async def test_default_frontend_is_ours(server_factory):
    server = server_factory(web_dir=REPO / "web")
    async with aiohttp.ClientSession() as s, s.get(server.url("/")) as resp:
        assert "/js/main.js" in await resp.text()


def test_unknown_frontend_is_refused(tmp_path):
    from server.app import create_app

    from .conftest import make_config, registry

    with pytest.raises(ValueError, match="reelgraph, comfyui"):
        create_app(make_config(tmp_path, frontend="vue"), registry=registry())


async def test_lookups_answer_in_comfyui_shapes(server):
    async with aiohttp.ClientSession() as s:
        expected = {
            "/api/extensions": [],
            "/api/i18n": {},
            "/api/workflow_templates": {},
            "/api/global_subgraphs": {},
            "/api/experiment/models": [],
            "/api/users": {"storage": "server", "migrated": True},
        }
        for path, body in expected.items():
            async with s.get(server.url(path)) as resp:
                assert resp.status == 200 and await resp.json() == body, path
        async with s.get(server.url("/api/features")) as resp:
            flags = await resp.json()
        assert flags["max_upload_size"] == server.config.limits.max_upload
        async with s.post(server.url("/api/users"), json={"username": "eve"}) as resp:
            assert resp.status == 400


# -- settings ------------------------------------------------------------------------------
async def test_settings_persist_across_a_restart(server_factory):
    server = server_factory()
    async with aiohttp.ClientSession() as s:
        # the frontend sends settings without a content type (text/plain)
        async with s.post(server.url("/api/settings"), data=json.dumps({"Comfy.A": 1, "Comfy.b": "x"})) as resp:
            assert resp.status == 200
        async with s.post(server.url("/api/settings/Comfy.Keys"), data=json.dumps([{"k": "r"}])) as resp:
            assert resp.status == 200
        async with s.get(server.url("/api/settings/Comfy.Never")) as resp:
            assert await resp.json() is None
        async with s.post(server.url("/api/settings"), data="[1]") as resp:
            assert resp.status == 400
    server.stop()
    again = server_factory()
    async with aiohttp.ClientSession() as s:
        async with s.get(again.url("/api/settings")) as resp:
            assert await resp.json() == {"Comfy.A": 1, "Comfy.b": "x", "Comfy.Keys": [{"k": "r"}]}
        async with s.get(again.url("/api/settings/Comfy.Keys")) as resp:
            assert await resp.json() == [{"k": "r"}]


# -- user data -----------------------------------------------------------------------------
async def test_userdata_save_list_read_move_delete(server):
    root = Path(server.config.data_dir) / "user"
    async with aiohttp.ClientSession() as s:
        url = server.url("/api/userdata/workflows%2Fmy%20flow.json?overwrite=true&full_info=true")
        async with s.post(url, data=b'{"nodes": []}') as resp:
            info = await resp.json()
        assert info["path"] == "workflows/my flow.json" and info["size"] == 13 and info["modified"] > 1e12
        assert (root / "workflows" / "my flow.json").read_bytes() == b'{"nodes": []}'
        async with s.post(server.url("/api/userdata/workflows%2Fmy%20flow.json?overwrite=false"), data=b"{}") as resp:
            assert resp.status == 409
        query = "?dir=workflows&recurse=true&split=false&full_info=true"
        async with s.get(server.url(f"/api/userdata{query}")) as resp:
            assert [f["path"] for f in await resp.json()] == ["my flow.json"]
        async with s.get(server.url("/api/userdata?dir=workflows")) as resp:
            assert await resp.json() == ["my flow.json"]
        async with s.get(server.url("/api/userdata?dir=nothing")) as resp:
            assert await resp.json() == []  # a folder not made yet is empty
        async with s.get(server.url("/api/userdata/workflows%2Fmy%20flow.json")) as resp:
            assert await resp.read() == b'{"nodes": []}'
            assert resp.headers["Content-Disposition"] == "attachment"
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
        move = "/api/userdata/workflows%2Fmy%20flow.json/move/workflows%2Fsub%2Fb.json?overwrite=false"
        async with s.post(server.url(move)) as resp:
            assert await resp.json() == "workflows/sub/b.json"
        assert (root / "workflows" / "sub" / "b.json").is_file() and not (root / "workflows" / "my flow.json").exists()
        async with s.delete(server.url("/api/userdata/workflows%2Fsub%2Fb.json")) as resp:
            assert resp.status == 204
        async with s.delete(server.url("/api/userdata/workflows%2Fsub%2Fb.json")) as resp:
            assert resp.status == 404
        # the frontend's own index file has a dot name: allowed as a file name, not listed
        async with s.post(server.url("/api/userdata/workflows%2F.index.json"), data=b"{}") as resp:
            assert resp.status == 200
        async with s.get(server.url("/api/userdata/workflows%2F.index.json")) as resp:
            assert await resp.read() == b"{}"
        async with s.get(server.url("/api/userdata?dir=workflows")) as resp:
            assert await resp.json() == []
    assert [p.name for p in root.rglob("*") if p.is_file()] == [".index.json"]  # no partial file left behind


@pytest.mark.parametrize(
    "target",
    [
        "/api/userdata/..%2F..%2Freelgraph.db",
        "/api/userdata/..%2Freelgraph.db",
        "/api/userdata/%2Fetc%2Fpasswd",
        "/api/userdata/workflows%2F..%2F..%2Fx",
        "/api/userdata/%252e%252e%2Fx",
        "/api/userdata/.reelgraph-0123456789ab.part",
        "/api/userdata/.hidden%2Fx",
        "/api/userdata/a%2F..",
        "/api/userdata/a%5C..%5Cb",
        "/api/userdata/a%00b",
        "/api/userdata?dir=..",
        "/api/userdata?dir=%2Fetc",
    ],
)
async def test_userdata_paths_stay_inside_the_user_folder(server, target):
    from .test_security import raw_request

    status, _ = await raw_request(server.port, target)
    assert status in (400, 404), target
    post_status, _ = await raw_request(server.port, target, "POST", {"Content-Length": "0"})
    assert post_status in (400, 404, 405), target
    assert not (Path(server.config.data_dir) / "x").exists()


async def test_userdata_symlink_out_is_refused(server, tmp_path):
    root = Path(server.config.data_dir) / "user"
    (root / "link").symlink_to(tmp_path)
    async with aiohttp.ClientSession() as s, s.post(server.url("/api/userdata/link%2Fescaped.txt"), data=b"x") as resp:
        assert resp.status == 400
    assert not (tmp_path / "escaped.txt").exists()


async def test_userdata_size_and_origin_limits(server):
    limit = server.config.limits.max_body
    async with aiohttp.ClientSession() as s:
        async with s.post(server.url("/api/userdata/big.json"), data=b"x" * (limit + 1)) as resp:
            assert resp.status == 413
        for method in ("POST", "DELETE"):
            async with s.request(
                method, server.url("/api/userdata/a.json"), data=b"{}", headers={"Origin": "http://evil.example"}
            ) as resp:
                assert resp.status == 403
        async with s.post(server.url("/api/settings"), json={"A": 1}, headers={"Origin": "null"}) as resp:
            assert resp.status == 403
    root = Path(server.config.data_dir) / "user"
    assert not (root / "big.json").exists() and not (root / "a.json").exists()


# -- jobs ----------------------------------------------------------------------------------
async def test_jobs_list_and_detail_from_history(server):
    failing = workflow({"f": ("srv.fail", {"message": "no good"}), "show": "test.sink"}, [["f", "out", "show", "a"]])
    async with aiohttp.ClientSession() as s:
        ok = await submit(s, server, chain(tag="jobs-ok"))
        bad = await submit(s, server, failing)
        for run in (ok, bad):
            await wait_status(s, server, run, FINAL)
        async with s.get(server.url("/api/jobs?status=completed,failed,cancelled&limit=1&offset=0")) as resp:
            page = await resp.json()
        assert page["pagination"] == {"offset": 0, "limit": 1, "total": 2, "has_more": True}
        [newest] = page["jobs"]
        assert newest["id"] == bad and newest["status"] == "failed"
        error = newest["execution_error"]
        assert error["node_id"] == "f" and error["node_type"] == "srv.fail" and error["traceback"] == []
        assert error["exception_message"] == "no good"
        async with s.get(server.url("/api/jobs?status=completed")) as resp:
            [done] = (await resp.json())["jobs"]
        assert done["id"] == ok and done["outputs_count"] >= 1 and done["execution_error"] is None
        assert done["create_time"] <= done["execution_start_time"] <= done["execution_end_time"]
        assert done["preview_output"]["nodeId"] in ("save", "show") and done["preview_output"]["filename"]
        async with s.get(server.url("/api/jobs?status=pending,in_progress")) as resp:
            assert (await resp.json())["jobs"] == []
        async with s.get(server.url(f"/api/jobs/{ok}")) as resp:
            detail = await resp.json()
        assert detail["workflow"]["prompt"]["s"]["class_type"] == "test.slow" and detail["outputs"]
        async with s.get(server.url("/api/jobs/nope")) as resp:
            assert resp.status == 404
        async with s.get(server.url("/api/jobs?status=bogus")) as resp:
            assert resp.status == 400


async def test_jobs_cancel_one_running_and_many_queued(server):
    slow = workflow(
        {"s": ("test.slow", {"seconds": 30, "steps": 300, "tag": "jobs-cancel"}), "show": "test.sink"},
        [["s", "out", "show", "a"]],
    )
    async with aiohttp.ClientSession() as s:
        running = await submit(s, server, slow)
        queued = [await submit(s, server, chain(tag=f"jobs-q{i}")) for i in range(2)]
        await wait_status(s, server, running, {"running"})
        async with s.post(server.url("/api/jobs/cancel"), json={"job_ids": [*queued, "nope", queued[0]]}) as resp:
            outcome = (await resp.json())["jobs"]
        assert [(j["id"], j["cancelled"]) for j in outcome] == [(queued[0], True), (queued[1], True), ("nope", False)]
        async with s.post(server.url(f"/api/jobs/{running}/cancel")) as resp:
            assert resp.status == 200 and (await resp.json())["cancelled"] is True
        assert (await wait_status(s, server, running, FINAL))["status"] == "cancelled"
        async with s.get(server.url("/api/jobs?status=cancelled")) as resp:
            assert {j["id"] for j in (await resp.json())["jobs"]} == {running, *queued}
        async with s.post(server.url(f"/api/jobs/{running}/cancel")) as resp:
            assert resp.status == 409 and "already ended" in (await resp.json())["error"]
        async with s.post(server.url("/api/jobs/nope/cancel")) as resp:
            assert resp.status == 404
        async with s.post(server.url("/api/jobs/cancel"), json={"job_ids": "all"}) as resp:
            assert resp.status == 400


# -- websocket -----------------------------------------------------------------------------
async def _types_until_done(ws: aiohttp.ClientWebSocketResponse) -> list[dict]:
    messages: list[dict] = []
    while True:
        msg = await ws.receive(timeout=20)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            continue
        messages.append(json.loads(msg.data))
        last = messages[-1]
        if (last["type"] == "executing" and last["data"]["node"] is None) or last["type"] == "run_finished":
            return messages


async def test_comfyui_clients_get_comfyui_messages_and_progress_state(server):
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("clientId=ui")) as ws:
        await ws.send_str(json.dumps({"type": "feature_flags", "data": {"supports_preview_metadata": True}}))
        run = await submit(s, server, chain(tag="ps", preview=False), client_id="ui")
        messages = await _types_until_done(ws)
    types = {m["type"] for m in messages}
    assert "feature_flags" in types and "run_started" not in types and "queue" not in types
    states = [m["data"] for m in messages if m["type"] == "progress_state"]
    assert all(d["prompt_id"] == run for d in states)
    running = [n for d in states for n, st in d["nodes"].items() if st["state"] == "running"]
    finished = [n for d in states for n, st in d["nodes"].items() if st["state"] == "finished"]
    assert {"n", "s", "save", "show"} <= set(running) and {"n", "s", "save", "show"} <= set(finished)
    first = next(d for d in states if "s" in d["nodes"])["nodes"]["s"]
    assert first["display_node_id"] == "s" and first["max"] >= 1


async def test_native_clients_keep_our_messages(server):
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("client_id=ed")) as ws:
        await submit(s, server, chain(tag="native"), client_id="ed")
        types = {m["type"] for m in await _types_until_done(ws)}
    assert {"run_started", "node_started", "run_finished"} <= types


# -- null defaults -------------------------------------------------------------------------
class _OptionalTextParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Param(None, description="Optional; null means none.")
    count: int | None = Param(None, description="Optional number.", ge=0)


@node(
    id="nulltest.optional",
    version="1.0.0",
    title="Optional",
    category="test",
    outputs={"n": Output("INT")},
    params=_OptionalTextParams,
)
def _optional(ctx: NodeContext, params: _OptionalTextParams) -> dict:
    return {"n": 0}


def test_null_defaults_are_empty_fields_and_come_back_as_none():
    import sys

    from server.app.comfy import object_info, prompt_to_workflow
    from server.engine import Registry

    registry = Registry.from_modules([sys.modules[__name__]])
    spec = object_info(registry)["nulltest.optional"]["input"]["required"]
    assert spec["note"][0] == "STRING" and spec["note"][1]["default"] == ""  # not "undefined"
    assert spec["count"][0] == "INT" and "default" not in spec["count"][1]
    doc, problems = prompt_to_workflow({"1": {"class_type": "nulltest.optional", "inputs": {"note": ""}}}, registry)
    assert problems == [] and doc["nodes"]["1"]["params"] == {}  # blank = the default, None
    doc, _ = prompt_to_workflow({"1": {"class_type": "nulltest.optional", "inputs": {"note": "hi"}}}, registry)
    assert doc["nodes"]["1"]["params"] == {"note": "hi"}


# -- what files embed for ComfyUI ----------------------------------------------------------
def test_files_embed_the_comfyui_graph_when_the_run_came_from_its_frontend():
    from server.app.comfy import comfy_embed

    from .conftest import registry

    graph = {"id": "g", "nodes": [{"id": 1, "type": "srv.number"}], "links": []}
    doc = workflow({"1": ("srv.number", {"value": 2})})
    from_frontend = comfy_embed(doc, {"extra_data": {"extra_pnginfo": {"workflow": graph}}}, registry())
    assert from_frontend == {"prompt": {"1": {"class_type": "srv.number", "inputs": {"value": 2}}}, "workflow": graph}
    from_script = comfy_embed(doc, {"extra_data": {"extra_pnginfo": {"workflow": "not a graph"}}}, registry())
    assert set(from_script) == {"prompt"}  # a ComfyUI API prompt, which its frontend also loads
