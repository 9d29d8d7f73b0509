"""The ComfyUI-compatible API, driven the way ComfyUI's own scripts and clients drive it."""

from __future__ import annotations

import asyncio
import io
import json
import urllib.parse
import urllib.request
import uuid

import aiohttp
import numpy as np
from PIL import Image

from .conftest import FINAL, wait_status, workflow

# A ComfyUI API prompt: inputs are literal values or [source id, output slot].
PROMPT = {
    "1": {"class_type": "srv.number", "inputs": {"value": 42}, "_meta": {"title": "Forty-two"}},
    "2": {"class_type": "test.slow", "inputs": {"a": ["1", 0], "seconds": 0.05, "steps": 3}},
    "3": {"class_type": "srv.save", "inputs": {"a": ["2", 0], "prefix": "comfy"}},
}


def _urllib_json(url: str, data: dict | None = None) -> dict:
    """Exactly what ComfyUI's websocket_api_example.py does: urllib, JSON bytes, no content type."""
    req = urllib.request.Request(url, data=json.dumps(data).encode("utf-8") if data is not None else None)
    with urllib.request.urlopen(req) as response:
        return json.loads(response.read())


def _urllib_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        return response.read()


async def test_websocket_api_example_flow(server):
    """connect /ws?clientId=…, POST /prompt with our own prompt_id, wait for executing/node=null,
    GET /history/{prompt_id}, download every output with GET /view."""
    client_id = str(uuid.uuid4())
    prompt_id = str(uuid.uuid4())
    host = f"127.0.0.1:{server.port}"
    seen: list[dict] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"ws://{host}/ws?clientId={client_id}") as ws:
        queued = await asyncio.to_thread(
            _urllib_json, f"http://{host}/prompt", {"prompt": PROMPT, "client_id": client_id, "prompt_id": prompt_id}
        )
        assert queued["prompt_id"] == prompt_id and queued["node_errors"] == {} and queued["number"] >= 1
        while True:
            msg = await ws.receive(timeout=20)
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            message = json.loads(msg.data)
            seen.append(message)
            if message["type"] == "executing":
                data = message["data"]
                if data["node"] is None and data["prompt_id"] == prompt_id:
                    break

    history = (await asyncio.to_thread(_urllib_json, f"http://{host}/history/{prompt_id}"))[prompt_id]
    images = {}
    for node_id, node_output in history["outputs"].items():
        for image in node_output.get("images", []):
            query = urllib.parse.urlencode(
                {"filename": image["filename"], "subfolder": image["subfolder"], "type": image["type"]}
            )
            images[node_id] = await asyncio.to_thread(_urllib_bytes, f"http://{host}/view?{query}")
    assert list(images) == ["3"]
    picture = np.asarray(Image.open(io.BytesIO(images["3"])))
    assert int(picture[0, 0, 0]) == 43  # 42 + 1 through the slow node

    types = [m["type"] for m in seen]
    assert types[0] == "status" and seen[0]["data"]["sid"] == client_id
    order = [t for t in types if t in ("execution_start", "executing", "progress", "executed", "execution_success")]
    assert order[0] == "execution_start" and order[-2:] == ["execution_success", "executing"]
    assert [m["data"]["node"] for m in seen if m["type"] == "executing"] == ["1", "2", "3", None]
    progress = [m["data"] for m in seen if m["type"] == "progress"]
    assert [(p["value"], p["max"], p["node"], p["prompt_id"]) for p in progress] == [
        (1, 3, "2", prompt_id),
        (2, 3, "2", prompt_id),
        (3, 3, "2", prompt_id),
    ]
    [executed] = [m["data"] for m in seen if m["type"] == "executed"]
    assert executed["node"] == "3" and executed["output"]["images"][0]["subfolder"] == "stub"
    assert history["status"] == {"status_str": "success", "completed": True, "messages": history["status"]["messages"]}
    assert history["prompt"][1] == prompt_id and history["prompt"][2]["2"]["inputs"]["a"] == ["1", 0]
    assert history["prompt"][3]["client_id"] == client_id and history["prompt"][4] == ["3"]


async def test_cached_second_run_and_our_workflow_format(server):
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("clientId=c1&events=comfy")) as ws:
        first = await (await s.post(server.url("/prompt"), json={"prompt": PROMPT, "client_id": "c1"})).json()
        await wait_status(s, server, first["prompt_id"], FINAL)
        doc = workflow(  # the same work in our format, accepted on the same route
            {
                "n": ("srv.number", {"value": 42}),
                "s": ("test.slow", {"seconds": 0.05, "steps": 3}),
                "save": ("srv.save", {"prefix": "comfy"}),
            },
            [["n", "out", "s", "a"], ["s", "out", "save", "a"]],
        )
        second = await (await s.post(server.url("/prompt"), json={"prompt": doc, "client_id": "c1"})).json()
        assert second["number"] == first["number"] + 1
        messages = []
        while not any(
            m["type"] == "executing" and m["data"]["node"] is None and m["data"]["prompt_id"] == second["prompt_id"]
            for m in messages
        ):
            msg = await ws.receive(timeout=20)
            if msg.type is aiohttp.WSMsgType.TEXT:
                messages.append(json.loads(msg.data))
        assert not any(m["type"] in ("run_started", "node_started") for m in messages)  # events=comfy only
        cached = [
            m["data"]["nodes"]
            for m in messages
            if m["type"] == "execution_cached" and m["data"]["prompt_id"] == second["prompt_id"]
        ]
        assert cached == [["n"], ["s"], ["save"]]
        [executed] = [
            m["data"] for m in messages if m["type"] == "executed" and m["data"]["prompt_id"] == second["prompt_id"]
        ]
        assert executed["node"] == "save" and executed["output"]["images"][0]["filename"].endswith("_43.png")
    async with aiohttp.ClientSession() as s:
        async with s.get(server.url(f"/history/{second['prompt_id']}")) as resp:
            entry = (await resp.json())[second["prompt_id"]]
        assert entry["outputs"]["save"]["images"][0]["type"] == "output"
        assert entry["prompt"][2]["save"]["inputs"]["a"] == ["s", 0]


async def test_prompt_validation_errors_carry_node_ids(server):
    bad = {
        "1": {"class_type": "srv.number", "inputs": {"value": -5}},
        "2": {"class_type": "test.sink", "inputs": {"a": ["1", 3]}},
        "3": {"class_type": "Nope", "inputs": {}},
    }
    async with aiohttp.ClientSession() as s, s.post(server.url("/prompt"), json={"prompt": bad}) as resp:
        assert resp.status == 400
        body = await resp.json()
    assert body["error"]["type"] == "prompt_outputs_failed_validation"
    assert set(body["node_errors"]) == {"1", "2", "3"}
    assert body["node_errors"]["1"]["class_type"] == "srv.number"
    codes = {(e["node"], e["code"]) for e in body["errors"]}
    assert {("1", "invalid_value"), ("2", "unknown_output"), ("3", "unknown_node_type")} <= codes


async def test_queue_interrupt_and_history_routes(server):
    slow = {
        "1": {"class_type": "test.slow", "inputs": {"seconds": 30, "steps": 300}},
        "2": {"class_type": "test.sink", "inputs": {"a": ["1", 0]}},
    }
    async with aiohttp.ClientSession() as s:
        running = (await (await s.post(server.url("/prompt"), json={"prompt": slow})).json())["prompt_id"]
        pending = (await (await s.post(server.url("/prompt"), json={"prompt": PROMPT})).json())["prompt_id"]
        dropped = await (await s.post(server.url("/prompt"), json={"prompt": PROMPT, "front": True})).json()
        await wait_status(s, server, running, {"running"})
        async with s.get(server.url("/queue")) as resp:
            queue = await resp.json()
        assert [q[1] for q in queue["queue_running"]] == [running]
        assert [q[1] for q in queue["queue_pending"]] == [dropped["prompt_id"], pending]
        assert queue["queue_pending"][0][4] == ["3"]
        async with s.get(server.url("/prompt")) as resp:
            assert (await resp.json())["exec_info"]["queue_remaining"] == 3
        async with s.post(server.url("/queue"), json={"delete": [dropped["prompt_id"]]}) as resp:
            assert resp.status == 200
        async with s.post(server.url("/interrupt"), json={"prompt_id": "someone-else"}) as resp:
            assert resp.status == 200
        await asyncio.sleep(0.2)
        async with s.get(server.url(f"/api/runs/{running}")) as resp:
            assert (await resp.json())["status"] == "running"
        async with s.post(server.url("/interrupt")) as resp:
            assert resp.status == 200
        assert (await wait_status(s, server, running, FINAL))["status"] == "cancelled"
        await wait_status(s, server, pending, FINAL)
        async with s.get(server.url("/history")) as resp:
            history = await resp.json()
        assert list(history) == [running, pending]  # oldest first, like ComfyUI
        assert history[running]["status"]["status_str"] == "error"
        assert history[running]["status"]["messages"][-1][0] == "execution_interrupted"
        async with s.get(server.url("/history?max_items=1")) as resp:
            assert list(await resp.json()) == [pending]
        async with s.get(server.url("/history/not-a-run")) as resp:
            assert await resp.json() == {}
        async with s.post(server.url("/history"), json={"delete": [running]}) as resp:
            assert resp.status == 200
        async with s.get(server.url("/api/history")) as resp:
            assert list(await resp.json()) == [pending]
        async with s.post(server.url("/history"), json={"clear": True}) as resp:
            assert resp.status == 200
        async with s.get(server.url("/history")) as resp:
            assert await resp.json() == {}


async def test_failed_node_sends_execution_error(server):
    prompt = {
        "1": {"class_type": "srv.fail", "inputs": {"message": "no good"}},
        "2": {"class_type": "test.sink", "inputs": {"a": ["1", 0]}},
    }
    async with aiohttp.ClientSession() as s, s.ws_connect(server.ws_url("clientId=f")) as ws:
        sent = await (await s.post(server.url("/prompt"), json={"prompt": prompt, "client_id": "f"})).json()
        messages = []
        while not (messages and messages[-1]["type"] == "executing" and messages[-1]["data"]["node"] is None):
            msg = await ws.receive(timeout=20)
            if msg.type is aiohttp.WSMsgType.TEXT:
                messages.append(json.loads(msg.data))
        [error] = [m["data"] for m in messages if m["type"] == "execution_error"]
        assert error["prompt_id"] == sent["prompt_id"] and error["node_id"] == "1"
        assert error["node_type"] == "srv.fail" and error["exception_message"] == "no good"
        assert error["exception_type"] == "NodeInputError" and isinstance(error["traceback"], list)
        async with s.get(server.url(f"/history/{sent['prompt_id']}")) as resp:
            entry = (await resp.json())[sent["prompt_id"]]
        assert entry["status"]["status_str"] == "error"
        assert entry["status"]["messages"][-1][1]["exception_message"] == "no good"


async def test_object_info_shapes(server):
    async with aiohttp.ClientSession() as s:
        async with s.get(server.url("/object_info")) as resp:
            info = await resp.json()
        async with s.get(server.url("/object_info/test.slow")) as resp:
            one = await resp.json()
        async with s.get(server.url("/object_info/Nope")) as resp:
            assert await resp.json() == {}
    assert set(info) == {d.id for d in server.registry.all()}
    slow = one["test.slow"]
    assert slow == info["test.slow"]
    assert slow["input"]["optional"]["a"][0] == "INT"
    assert slow["input"]["required"]["steps"] == [
        "INT",
        {"default": 4, "tooltip": "Progress steps.", "min": 1, "max": 10_000, "step": 1},
    ]
    assert slow["input"]["required"]["seconds"][0] == "FLOAT"
    assert slow["input"]["required"]["preview"][0] == "BOOLEAN"
    assert slow["output"] == ["INT"] and slow["output_name"] == ["out"] and slow["output_node"] is False
    assert info["srv.save"]["output_node"] is True and info["srv.save"]["display_name"] == "Save picture"
    assert info["text.prompt"]["input"]["required"]["text"][1]["multiline"] is True


async def test_upload_image_and_view(server):
    picture = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 255, 0)).save(picture, format="JPEG")
    async with aiohttp.ClientSession() as s:
        form = aiohttp.FormData()
        form.add_field("image", picture.getvalue(), filename="green.jpeg", content_type="image/jpeg")
        form.add_field("subfolder", "refs")
        form.add_field("overwrite", "true")
        async with s.post(server.url("/upload/image"), data=form) as resp:
            up = await resp.json()
        assert (up["name"], up["subfolder"], up["type"]) == ("green.jpeg", "refs", "input")
        query = urllib.parse.urlencode({"filename": "green.jpeg", "subfolder": "refs", "type": "input"})
        async with s.get(server.url(f"/view?{query}")) as resp:
            assert resp.status == 200 and await resp.read() == picture.getvalue()
            assert resp.headers["Content-Type"] == "image/jpeg"
        async with s.get(server.url("/view?filename=missing.png")) as resp:
            assert resp.status == 404
        async with s.get(server.url("/view?filename=x.png&type=secret")) as resp:
            assert resp.status == 400


async def test_system_stats(server):
    async with aiohttp.ClientSession() as s, s.get(server.url("/system_stats")) as resp:
        stats = await resp.json()
    assert stats["system"]["ram_total"] > stats["system"]["ram_free"] > 0
    assert stats["system"]["python_version"] and stats["devices"][0]["type"] == "cpu"


async def test_api_prefixed_aliases(server):
    """Recent ComfyUI clients call the same routes under /api/."""
    async with aiohttp.ClientSession() as s:
        sent = await (await s.post(server.url("/api/prompt"), json={"prompt": PROMPT})).json()
        await wait_status(s, server, sent["prompt_id"], FINAL)
        for path in (
            "/api/prompt",
            "/api/queue",
            "/api/history",
            f"/api/history/{sent['prompt_id']}",
            "/api/object_info",
            "/api/object_info/srv.save",
            "/api/system_stats",
        ):
            async with s.get(server.url(path)) as resp:
                assert resp.status == 200, path
                assert await resp.json(), path
        entry = (await (await s.get(server.url(f"/api/history/{sent['prompt_id']}"))).json())[sent["prompt_id"]]
        image = entry["outputs"]["3"]["images"][0]
        query = urllib.parse.urlencode(image)
        async with s.get(server.url(f"/api/view?{query}")) as resp:
            assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"
            picture = await resp.read()
        form = aiohttp.FormData()
        form.add_field("image", picture, filename="again.png")
        async with s.post(server.url("/api/upload/image"), data=form) as resp:
            assert (await resp.json())["name"] == "again.png"
        await s.post(server.url("/api/queue/pause"))
        for _ in range(2):
            await s.post(server.url("/api/prompt"), json={"prompt": PROMPT})
        async with s.post(server.url("/api/queue"), json={"clear": True}) as resp:
            assert resp.status == 200
        async with s.get(server.url("/queue")) as resp:
            assert (await resp.json())["queue_pending"] == []
        async with s.post(server.url("/api/interrupt"), data=b"") as resp:
            assert resp.status == 200
