"""Websocket fan-out through a real server: who gets which events, previews, misbehaving clients."""

from __future__ import annotations

import asyncio
import io
import json
import struct

import aiohttp
import numpy as np
from PIL import Image

from server.app.keys import HUB

from .conftest import FINAL, chain, submit, wait_status, workflow


async def until(server, condition, timeout: float = 10.0) -> None:
    """Wait until ``condition()`` (run on the server's loop) holds: a condition, not a guess of time."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not server.call(condition):
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting for the server"
        await asyncio.sleep(0.01)


async def _collect_until_done(ws: aiohttp.ClientWebSocketResponse, run_id: str) -> tuple[list[dict], list[bytes]]:
    """Native and binary messages until the native run_finished of ``run_id``."""
    texts, frames = [], []
    while True:
        msg = await ws.receive(timeout=20)
        if msg.type is aiohttp.WSMsgType.BINARY:
            frames.append(msg.data)
            continue
        assert msg.type is aiohttp.WSMsgType.TEXT, msg
        message = json.loads(msg.data)
        texts.append(message)
        if message["type"] == "run_finished" and message["data"]["run_id"] == run_id:
            return texts, frames


async def _drain(ws: aiohttp.ClientWebSocketResponse, seconds: float = 0.3) -> list[dict]:
    out = []
    try:
        while True:
            msg = await ws.receive(timeout=seconds)
            if msg.type is aiohttp.WSMsgType.TEXT:
                out.append(json.loads(msg.data))
    except TimeoutError:
        return out


async def test_clients_get_their_own_runs_unless_subscribed_to_all(server):
    async with aiohttp.ClientSession() as s:
        alice = await s.ws_connect(server.ws_url("client_id=alice&events=native"))
        bob = await s.ws_connect(server.ws_url("client_id=bob&events=native"))
        watcher = await s.ws_connect(server.ws_url("client_id=w&events=native&subscribe=all"))
        late = await s.ws_connect(server.ws_url("client_id=late&events=native"))
        await late.send_str(json.dumps({"type": "subscribe", "data": {"all": True}}))
        await until(server, lambda: any(c.client_id == "late" and c.everything for c in server.app[HUB].clients))
        run_a = await submit(s, server, chain(tag="a"), client_id="alice")
        a_texts, _ = await _collect_until_done(alice, run_a)
        w_texts, _ = await _collect_until_done(watcher, run_a)
        l_texts, _ = await _collect_until_done(late, run_a)
        run_b = await submit(s, server, chain(tag="b"), client_id="bob")
        await _collect_until_done(bob, run_b)
        await wait_status(s, server, run_b, FINAL)
        b_seen = await _drain(bob)
        a_seen = await _drain(alice)

    def run_events(texts: list[dict], run_id: str) -> list[str]:
        return [m["type"] for m in texts if m["data"].get("run_id") == run_id]

    expected = ["run_queued", "run_started", "node_started", "node_finished", "node_started", "node_progress"]
    assert run_events(a_texts, run_a)[: len(expected)] == expected
    assert run_events(a_texts, run_a)[-1] == "run_finished"
    assert run_events(w_texts, run_a) == run_events(a_texts, run_a) == run_events(l_texts, run_a)
    assert not any(m["data"].get("run_id") == run_a for m in b_seen)  # bob never hears of alice's run
    assert not any(m["data"].get("run_id") == run_b for m in a_seen)
    assert all(m["type"] == "queue" for m in a_seen)  # ...but everyone hears of the queue
    hello, *updates = [m for m in a_texts + a_seen if m["type"] == "queue"]
    assert hello["data"] == {"queued": 0, "running": [], "paused": False, "client_id": "alice"}
    assert updates and all(set(u["data"]) == {"queued", "running", "paused"} for u in updates)
    assert updates[-1]["data"] == {"queued": 0, "running": [], "paused": False}  # the final state
    finished = next(m for m in a_texts if m["type"] == "node_finished" and m["data"]["node"] == "save")
    assert finished["data"]["files"][0]["url"].startswith("/api/files/output/stub/")
    assert finished["data"]["time"] > 0 and finished["data"]["seconds"] >= 0


async def test_runs_without_client_id_reach_everyone(server):
    async with aiohttp.ClientSession() as s:
        one = await s.ws_connect(server.ws_url("client_id=one&events=native"))
        two = await s.ws_connect(server.ws_url("events=native"))
        run = await submit(s, server, chain(tag="anon"))
        for ws in (one, two):
            texts, _ = await _collect_until_done(ws, run)
            assert texts[-1]["data"]["status"] == "succeeded"


async def test_preview_frames_in_comfyui_binary_format(server):
    doc = workflow(
        {"s": ("test.slow", {"seconds": 0.2, "steps": 4, "preview": True}), "show": "test.sink"},
        [["s", "out", "show", "a"]],
    )
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("client_id=p")) as ws:
        run = await submit(s, server, doc, client_id="p")
        texts, frames = await _collect_until_done(ws, run)
    assert len(frames) == 4  # preview_interval is 0 in tests: one per progress step
    for i, frame in enumerate(frames):
        kind, fmt = struct.unpack(">II", frame[:8])
        assert (kind, fmt) == (1, 1)  # PREVIEW_IMAGE, JPEG
        picture = np.asarray(Image.open(io.BytesIO(frame[8:])))
        assert picture.shape == (48, 64, 3)
        assert abs(int(picture.mean()) - i * 40) <= 2
    progress = [m for m in texts if m["type"] == "node_progress"]
    assert all(m["data"]["preview"] is True for m in progress)


def test_preview_throttle_and_odd_arrays():
    from server.app.messages import RunMessages
    from server.app.previews import encode_preview

    messages = RunMessages("r", {"a": "test.slow"}, set(), {}, preview_interval=10.0, preview_max_side=32)
    picture = np.zeros((100, 50, 3), np.uint8)
    first = messages.translate("node_progress", "a", {"done": 1, "total": 2, "preview": picture}, 0.0)
    second = messages.translate("node_progress", "a", {"done": 2, "total": 2, "preview": picture}, 0.0)
    assert [m.kind for m in first] == ["native", "comfy", "comfy", "binary"]  # progress, progress_state, frame
    assert [m.kind for m in second] == ["native", "comfy", "comfy"]  # within 10 s of the first: dropped
    image = Image.open(io.BytesIO(first[3].payload[8:]))
    assert image.size == (16, 32)  # downscaled to fit 32 px
    assert encode_preview(np.zeros((8, 8), np.float32), 64) is not None
    assert encode_preview(np.zeros((8, 8, 4), np.uint8), 64) is not None
    assert encode_preview(np.zeros((8, 8, 5), np.uint8), 64) is None
    assert encode_preview("not a picture", 64) is None


async def test_garbage_from_clients_is_ignored(server):
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("client_id=g&events=native")) as ws:
        await ws.send_str("{not json")
        await ws.send_str(json.dumps([1, 2, 3]))
        await ws.send_str(json.dumps({"type": "subscribe", "data": "all"}))
        await ws.send_bytes(b"\x00\x01garbage")
        run = await submit(s, server, chain(tag="g"), client_id="g")
        texts, _ = await _collect_until_done(ws, run)
        assert texts[-1]["data"]["status"] == "succeeded"
        await ws.send_str("x" * (128 << 10))  # over max_ws_message: this client is closed, the server lives on
        msg = await ws.receive(timeout=5)
        while msg.type is aiohttp.WSMsgType.TEXT:
            msg = await ws.receive(timeout=5)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        async with s.get(server.url("/api/runs")) as resp:
            assert resp.status == 200


async def test_client_disconnecting_mid_run_loses_nothing(server):
    doc = workflow(
        {"s": ("test.slow", {"seconds": 0.6, "steps": 30, "preview": True}), "show": "test.sink"},
        [["s", "out", "show", "a"]],
    )
    async with aiohttp.ClientSession() as s:
        for _ in range(3):  # connect, see the run start, vanish without a close handshake
            ws = await s.ws_connect(server.ws_url("client_id=gone"))
            await ws.receive(timeout=5)
            ws._response.connection.transport.abort()
        run = await submit(s, server, doc, client_id="gone")
        ws = await s.ws_connect(server.ws_url("client_id=gone"))
        await ws.receive(timeout=5)
        await ws.close()
        final = await wait_status(s, server, run, FINAL)
        assert final["status"] == "succeeded"
        await until(server, lambda: len(server.app[HUB].clients) == 0)
