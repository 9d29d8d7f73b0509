"""Bad input gets a clear 4xx (or is ignored), never a crash and never a lost run."""

from __future__ import annotations

import aiohttp

from .conftest import FINAL, chain, submit, wait_status


async def _status_and_error(resp: aiohttp.ClientResponse) -> tuple[int, str]:
    body = await resp.json()
    return resp.status, body.get("error", "") if isinstance(body.get("error"), str) else body["error"]["message"]


async def test_malformed_bodies(server):
    async with aiohttp.ClientSession() as s:
        cases = [
            ("/api/runs", b'{"workflow": ', "application/json", 400, "not valid JSON"),
            ("/api/runs", b"[1, 2]", "application/json", 400, "must be a JSON object"),
            ("/api/runs", b"", "application/json", 400, "empty"),
            ("/api/runs", b"\xff\xfe\x00", "application/json", 400, "not valid JSON"),
            ("/api/runs", b'{"nope": 1}', "application/json", 400, "'workflow'"),
            ("/api/runs", b'{"workflow": {}}', "text/plain", 415, "application/json"),
            ("/api/runs", b"workflow=1", "application/x-www-form-urlencoded", 415, "application/json"),
            ("/prompt", b"{oops", "application/json", 400, "not valid JSON"),
            ("/prompt", b'{"prompt": 5}', "application/json", 400, "non-empty JSON object"),
            ("/prompt", b'{"prompt": {"1": {"inputs": {}}}}', "application/json", 400, "validation"),
            ("/prompt", b"--x\r\n", "multipart/form-data; boundary=x", 415, "application/json"),
            ("/api/uploads", b'{"a": 1}', "application/json", 415, "multipart"),
            ("/api/uploads", b"--x\r\ngarbage", "multipart/form-data; boundary=x", 400, "malformed multipart"),
            ("/api/uploads", b"--y\r\n", "multipart/form-data; boundary=x", 400, "malformed multipart"),
            ("/api/uploads", b"--x--\r\n", "multipart/form-data; boundary=x", 400, "no file"),
            ("/api/queue/reorder", b'{"run_ids": "x"}', "application/json", 400, "run_ids"),
            ("/queue", b'"clear"', "application/json", 400, "JSON object"),
        ]
        for path, data, content_type, status, words in cases:
            async with s.post(server.url(path), data=data, headers={"Content-Type": content_type}) as resp:
                got, message = await _status_and_error(resp)
            assert (got, words in message) == (status, True), (path, data, got, message)


async def test_bad_ids_and_names(server):
    async with aiohttp.ClientSession() as s:
        doc = chain(tag="ids")
        async with s.post(server.url("/api/runs"), json={"workflow": doc, "run_id": "a b/c"}) as resp:
            assert resp.status == 400
        async with s.post(server.url("/api/runs"), json={"workflow": doc, "client_id": ["x"]}) as resp:
            assert resp.status == 400
        async with s.post(server.url("/api/runs"), json={"workflow": doc, "targets": "show"}) as resp:
            assert resp.status == 400 and (await resp.json())["errors"][0]["name"] == "targets"
        async with s.post(server.url("/api/runs"), json={"workflow": doc, "targets": ["ghost"]}) as resp:
            assert resp.status == 400 and (await resp.json())["errors"][0]["code"] == "unknown_target"
        await submit(s, server, doc, run_id="mine-1")
        async with s.post(server.url("/api/runs"), json={"workflow": doc, "run_id": "mine-1"}) as resp:
            assert resp.status == 409
        async with s.post(server.url("/prompt"), json={"prompt": doc, "prompt_id": "mine-1"}) as resp:
            assert resp.status == 409
        async with s.get(server.url("/api/runs?limit=abc")) as resp:
            assert resp.status == 400
        async with s.post(server.url("/api/runs/nope/cancel")) as resp:
            assert resp.status == 404
        async with s.post(
            server.url("/api/runs/mine-1/requeue"), data=b"{", headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 400
        await wait_status(s, server, "mine-1", FINAL)


async def test_unknown_routes_and_methods(server):
    async with aiohttp.ClientSession() as s:
        for method, path in (
            ("GET", "/api/nope"),
            ("POST", "/nope"),
            ("PUT", "/api/runs/x/y"),
            ("GET", "/ws2"),
            ("DELETE", "/api/nodes"),
            ("GET", "/"),
            ("PATCH", "/prompt"),
        ):
            async with s.request(method, server.url(path)) as resp:
                assert 400 <= resp.status < 500, (method, path)
                assert "error" in await resp.json(), (method, path)
        async with s.get(server.url("/ws")) as resp:  # a plain GET where a websocket is expected
            assert 400 <= resp.status < 500


async def test_the_server_still_works_after_all_that(server):
    async with aiohttp.ClientSession() as s:
        for _ in range(3):
            await s.post(server.url("/api/runs"), data=b"\x00" * 1000, headers={"Content-Type": "application/json"})
            await s.post(server.url("/prompt"), data=b"[]")
        run = await submit(s, server, chain(tag="after"))
        assert (await wait_status(s, server, run, FINAL))["status"] == "succeeded"
