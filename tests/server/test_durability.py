"""kill -9 the real server (``python main.py serve``) with runs queued and one running; the
restarted server still has the queue and the history, executes the queued runs, and marks the
interrupted run so that it can be queued again."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from server.store import Store

from .conftest import FINAL, chain, submit, wait_status, workflow
from .process import Process


async def _post(s: aiohttp.ClientSession, url: str, body: dict | None = None) -> dict:
    async with s.post(url, json=body) as resp:
        data = await resp.json()
        assert resp.status == 200, data
        return data


async def _wait(s: aiohttp.ClientSession, base: str, run_id: str, statuses: set[str]) -> dict:
    for _ in range(1000):
        async with s.get(f"{base}/api/runs/{run_id}") as resp:
            run = await resp.json()
        if run["status"] in statuses:
            return run
        await asyncio.sleep(0.03)
    raise AssertionError(f"{run_id} stuck in {run['status']}")


async def test_kill_9_loses_nothing(tmp_path):
    data, output = tmp_path / "data", tmp_path / "out"
    slow = workflow(
        {"s": ("test.slow", {"seconds": 60, "steps": 600}), "show": "test.sink"},
        [["s", "out", "show", "a"]],
        title="long",
    )
    first = Process(data, output)
    try:
        base = await first.started()
        async with aiohttp.ClientSession() as s:
            done = (await _post(s, f"{base}/api/runs", {"workflow": chain(tag="before")}))["run_id"]
            await _wait(s, base, done, FINAL)
            running = (await _post(s, f"{base}/prompt", {"prompt": slow, "prompt_id": "the-long-one"}))["prompt_id"]
            queued = [
                (await _post(s, f"{base}/api/runs", {"workflow": chain(value=i, tag="q")}))["run_id"] for i in range(3)
            ]
            progressed = await _wait(s, base, running, {"running"})
            while progressed["nodes"].get("s", {}).get("status") != "running":
                progressed = await _wait(s, base, running, {"running"})
        first.kill()
    finally:
        first.stop()
    assert progressed["nodes"]["s"]["status"] == "running"

    second = Process(data, output)
    try:
        base = await second.started()
        async with aiohttp.ClientSession() as s:
            async with s.get(f"{base}/api/runs/{running}") as resp:
                interrupted = await resp.json()
            assert interrupted["status"] == "interrupted"
            assert interrupted["nodes"]["s"]["status"] == "running"  # how far it got is on record
            for run_id in queued:
                assert (await _wait(s, base, run_id, FINAL))["status"] == "succeeded"
            async with s.get(f"{base}/api/runs/{done}") as resp:
                before = await resp.json()
            assert before["status"] == "succeeded" and before["files"]["save"][0]["filename"].endswith(".png")
            async with s.get(f"{base}/history/{done}") as resp:
                assert (await resp.json())[done]["status"]["status_str"] == "success"
            async with s.get(f"{base}/api/runs") as resp:
                listing = await resp.json()
            assert len(listing["runs"]) == 5
            assert listing["counts"]["succeeded"] == 4 and listing["counts"]["interrupted"] == 1

            again = await _post(s, f"{base}/api/runs/{running}/requeue")
            assert again["parent"] == running
            restarted = await _wait(s, base, again["run_id"], {"running"})
            assert restarted["workflow"]["title"] == "long"
            await _post(s, f"{base}/api/runs/{again['run_id']}/cancel")
            assert (await _wait(s, base, again["run_id"], FINAL))["status"] == "cancelled"
    finally:
        second.stop()
    assert second.proc.returncode == 0  # SIGTERM is a clean shutdown


async def test_a_clean_shutdown_interrupts_the_running_run_and_closes_websockets(server):
    slow = workflow(
        {"s": ("test.slow", {"seconds": 60, "steps": 600}), "show": "test.sink"}, [["s", "out", "show", "a"]]
    )
    async with aiohttp.ClientSession() as s:
        ws = await s.ws_connect(server.ws_url("client_id=bye&events=native"))
        running = await submit(s, server, slow, client_id="bye")
        waiting = await submit(s, server, chain(tag="later"))
        while (await wait_status(s, server, running, {"running"}))["nodes"].get("s", {}).get("status") != "running":
            await asyncio.sleep(0.02)

        async def read_all() -> list[dict]:
            return [json.loads(msg.data) async for msg in ws]

        reader = asyncio.create_task(read_all())
        await asyncio.to_thread(server.stop)
        messages = await reader
        assert ws.close_code == 1001  # going away
    assert any(m["type"] == "node_started" for m in messages)
    store = Store(server.config.db_path)
    assert store.get(running).status == "interrupted"
    assert store.get(waiting).status == "queued"
    store.close()
