"""``serve --ray-address``: the queue's runs execute on the Ray cluster (a real server on
loopback, the session's real cluster); events reach websocket clients, cancel reaches the remote
run, the queue and history stay in SQLite, and ``GET /api/system`` shows the cluster."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import aiohttp
import pytest

from server.batch.cluster import ClusterUnreachable
from server.cli import discover_registry, main
from tests.server.conftest import LiveServer, make_config, submit, wait_status

from .conftest import STUBS, _free_port, gate_workflow, partial_files, pids

pytestmark = pytest.mark.slow


async def _until_run_finished(ws: aiohttp.ClientWebSocketResponse, run_id: str) -> list[dict]:
    messages = []
    while True:
        msg = await ws.receive(timeout=60)
        assert msg.type is aiohttp.WSMsgType.TEXT, msg
        message = json.loads(msg.data)
        messages.append(message)
        if message["type"] == "run_finished" and message["data"]["run_id"] == run_id:
            return [m for m in messages if m["type"] != "queue"]


async def _scenario(server: LiveServer, folder: Path) -> None:
    async with aiohttp.ClientSession() as s:
        ws = await s.ws_connect(server.ws_url("client_id=c&events=native"))
        doc = gate_workflow(folder)
        first = await submit(s, server, doc, client_id="c")
        for _ in range(3000):  # the gate writes its pid once it runs on the cluster
            if pids(folder / "0.pid"):
                break
            await asyncio.sleep(0.02)
        remote_pid = pids(folder / "0.pid")[0]
        assert remote_pid != os.getpid()
        async with s.post(server.url(f"/api/runs/{first}/cancel")) as resp:
            assert resp.status == 200
        messages = await _until_run_finished(ws, first)
        kinds = [m["type"] for m in messages]
        assert "run_started" in kinds and "node_started" in kinds
        assert messages[-1]["data"]["status"] == "cancelled"
        run = await wait_status(s, server, first, {"cancelled"})
        assert run["nodes"]["gate"]["status"] == "cancelled"
        assert partial_files(server.config.output_dir) == []  # the remote gate removed its partial file

        (folder / "open").touch()
        doc = gate_workflow(folder, seed=1)
        doc["nodes"]["pic"] = {"type": "test.picture", "params": {}}
        second = await submit(s, server, doc, client_id="c")
        messages = await _until_run_finished(ws, second)
        assert [m["type"] for m in messages if m["data"].get("node") == "gate"] == ["node_started", "node_finished"]
        assert messages[-1]["data"]["status"] == "succeeded"
        # the actor drew the picture's thumbnail; its URL reaches the client as for a local run
        [pic] = [m for m in messages if m["type"] == "node_finished" and m["data"]["node"] == "pic"]
        preview = pic["data"]["outputs"]["image"]
        assert preview["preview_url"].startswith("/api/files/temp/previews/") and preview["preview_tiles"] == 1
        async with s.get(server.url(preview["preview_url"])) as resp:
            assert resp.status == 200 and (await resp.read())[:2] == b"\xff\xd8"  # a JPEG
        run = await wait_status(s, server, second, {"succeeded"})
        assert run["nodes"]["gate"]["status"] == "succeeded"
        async with s.get(server.url(f"/api/runs/{second}")) as resp:
            record = await resp.json()
        assert json.dumps(record).count(preview["preview_url"]) >= 1  # kept in the history too
        written = server.config.output_dir / "gate_1.txt"
        assert int(written.read_text()) == remote_pid  # the same resident actor ran both
        async with s.get(server.url("/api/runs")) as resp:
            history = await resp.json()
        ids = json.dumps(history)
        assert first in ids and second in ids

        async with s.get(server.url("/api/system")) as resp:
            cluster = (await resp.json())["cluster"]
        assert cluster["alive_nodes"] == 1 and cluster["cpus"] == 2.0 and cluster["gpus"] == 1.0
        assert (
            cluster["nodes"][0]["alive"] and cluster["nodes"][0]["gpus"] == 1.0 and 0.0 <= cluster["load"]["cpu"] <= 1.0
        )
        await ws.close()


def test_queued_runs_execute_on_the_cluster(tmp_path: Path, ray_driver: str) -> None:
    config = make_config(tmp_path, ray_address=ray_driver, extra_nodes=(STUBS,))
    server = LiveServer(config, discover_registry_with_stubs()).start()
    try:
        asyncio.run(asyncio.wait_for(_scenario(server, tmp_path), 180))
    finally:
        server.stop()
    # the history survives the server: it is in SQLite
    from server.store import Store

    store = Store(config.db_path)
    try:
        assert sorted(r.status for r in store.history()) == ["cancelled", "succeeded"]
    finally:
        store.close()


def discover_registry_with_stubs():
    os.environ.setdefault("REELGRAPH_EXTRA_NODES", STUBS)
    try:
        return discover_registry()
    finally:
        if os.environ.get("REELGRAPH_EXTRA_NODES") == STUBS:
            del os.environ["REELGRAPH_EXTRA_NODES"]


def test_serve_refuses_an_unreachable_cluster(capsys) -> None:
    address = f"127.0.0.1:{_free_port()}"
    assert main(["serve", "--port", "0", "--ray-address", address]) == 2
    assert f"no Ray cluster at --ray-address {address}" in capsys.readouterr().err
    with pytest.raises(ClusterUnreachable):
        from server.batch.cluster import probe

        probe(address)
