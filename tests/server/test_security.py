"""Security through a real server: origins, hosts, tokens, path traversal, uploads, limits, errors."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import aiohttp
import pytest
from PIL import Image

import server.app as app_module
from server.app import Config, create_app
from server.app.keys import STORE
from server.app.security import origin_problem, safe_filename
from server.engine.paths import safe_path

from .conftest import chain

SECRET = "TOPSECRET-a1b2c3"


async def raw_request(
    port: int, target: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One HTTP/1.1 request with the target sent byte for byte (clients normalise URLs)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# -- origin and host -------------------------------------------------------------------------
async def test_state_changing_requests_check_origin(server):
    doc = {"workflow": chain(tag="origin")}
    async with aiohttp.ClientSession() as s:
        for origin in (
            "http://evil.example",
            "null",
            f"http://127.0.0.1:{server.port + 1}",
            f"http://localhost:{server.port}",
            "file://",
            "garbage",
            "http://127.0.0.1",
        ):
            async with s.post(server.url("/api/runs"), json=doc, headers={"Origin": origin}) as resp:
                assert resp.status == 403, origin
                assert "error" in await resp.json()
            async with s.post(
                server.url("/prompt"), json={"prompt": doc["workflow"]}, headers={"Origin": origin}
            ) as resp:
                assert resp.status == 403, origin
        async with s.delete(server.url("/api/workflows/x"), headers={"Origin": "null"}) as resp:
            assert resp.status == 403
        async with s.get(server.url("/api/runs")) as resp:
            assert (await resp.json())["runs"] == []  # nothing was accepted
        async with s.post(server.url("/api/runs"), json=doc, headers={"Origin": server.origin}) as resp:
            assert resp.status == 200  # the editor itself
        async with s.post(server.url("/api/runs"), json=doc) as resp:
            assert resp.status == 200  # scripts send no Origin
        async with s.get(server.url("/api/runs"), headers={"Origin": "http://evil.example"}) as resp:
            assert resp.status == 200 and "Access-Control-Allow-Origin" not in resp.headers


async def test_websocket_from_a_foreign_origin_is_refused(server):
    async with aiohttp.ClientSession() as s:
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await s.ws_connect(server.ws_url("clientId=x"), origin="http://evil.example")
        assert info.value.status == 403
        ws = await s.ws_connect(server.ws_url("clientId=x"), origin=server.origin)
        assert (await ws.receive(timeout=5)).type is aiohttp.WSMsgType.TEXT
        await ws.close()


async def test_dns_rebinding_host_is_refused(server):
    status, _body = await raw_request(server.port, "/api/nodes", headers={"X-Dummy": "1"})
    assert status == 200
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        f"GET /api/nodes HTTP/1.1\r\nHost: attacker.example:{server.port}\r\nConnection: close\r\n\r\n".encode()
    )
    data = await reader.read()
    writer.close()
    assert data.split(b" ", 2)[1] == b"403"


def test_origin_rules():
    assert origin_problem("http://127.0.0.1:8188", "127.0.0.1:8188") is None
    assert origin_problem("http://localhost", "localhost:80") is None
    assert origin_problem("https://example.com", "example.com") is None  # behind a TLS proxy
    assert origin_problem("http://[::1]:8188", "[::1]:8188") is None
    assert origin_problem("http://LOCALHOST:8188", "localhost:8188") is None
    assert origin_problem("null", "127.0.0.1:8188")
    assert origin_problem("http://127.0.0.1:8189", "127.0.0.1:8188")
    assert origin_problem("http://127.0.0.1.evil.example:8188", "127.0.0.1:8188")
    assert origin_problem("http://127.0.0.1:bad", "127.0.0.1:8188")
    assert origin_problem("https://example.com", "example.com:8188")


# -- tokens ----------------------------------------------------------------------------------
async def test_token_is_required_when_configured(server_factory):
    server = server_factory(token="s3cret-token")
    async with aiohttp.ClientSession() as s:
        for url, headers in (
            (server.url("/api/nodes"), {}),
            (server.url("/api/nodes?token=wrong"), {}),
            (server.url("/api/nodes"), {"Authorization": "Bearer nope"}),
        ):
            async with s.get(url, headers=headers) as resp:
                assert resp.status == 401
                assert "token" in (await resp.json())["error"]
        async with s.get(server.url("/api/nodes"), headers={"Authorization": "Bearer s3cret-token"}) as resp:
            assert resp.status == 200
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await s.ws_connect(server.ws_url("clientId=t"))
        ws = await s.ws_connect(server.ws_url("clientId=t&token=s3cret-token"))
        await ws.close()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        async with s.get(server.url("/api/system?token=s3cret-token")) as resp:
            assert resp.status == 200
        async with s.get(server.url("/api/nodes")) as resp:  # the cookie set by the ?token= visit
            assert resp.status == 200


def test_binding_beyond_loopback_requires_a_token(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="token"):
        create_app(Config(host="0.0.0.0", data_dir=tmp_path))
    seen = []

    async def fake_serve(config):
        seen.append(config)

    monkeypatch.setattr(app_module, "_serve", fake_serve)
    app_module.serve(Config(host="0.0.0.0", data_dir=tmp_path))
    app_module.serve(Config(host="127.0.0.1", data_dir=tmp_path))
    assert len(seen[0].token) >= 32 and seen[1].token is None


# -- paths -----------------------------------------------------------------------------------
TRAVERSALS = [
    "../{s}",
    "..%2f{s}",
    "%2e%2e/{s}",
    "%2e%2e%2f{s}",
    "%252e%252e%252f{s}",
    "..%252f{s}",
    "..\\{s}",
    "..%5c{s}",
    "%2e%2e%5c{s}",
    "/{abs}",
    "%2f{abs_noslash}",
    "{abs}",
    "....//{s}",
    ".%2e/{s}",
    "stub/../../{s}",
    "%c0%ae%c0%ae/{s}",
]


def _targets(root_depth: int, secret: Path) -> list[str]:
    up = "../" * (root_depth - 1)
    return [
        t.format(s=up + "secret.txt", abs=str(secret), abs_noslash=str(secret).lstrip("/").replace("/", "%2f"))
        for t in TRAVERSALS
    ]


async def test_file_routes_refuse_path_traversal(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    out = server.config.output_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / "link.txt").symlink_to(secret)  # a symlink out of the folder
    (out / "ok.txt").write_text("fine")
    web_dir = server.config.web_dir
    web_dir.mkdir(parents=True, exist_ok=True)
    (web_dir / "index.html").write_text("<!doctype html><title>editor</title>")
    (web_dir / "link.js").symlink_to(secret)
    routes = [("/api/files/output/", 2), ("/api/files/input/", 3), ("/", 2)]
    for prefix, depth in routes:
        for target in _targets(depth, secret) + ["link.txt", "link.js"]:
            status, body = await raw_request(server.port, prefix + target)
            assert status in (400, 403, 404), (prefix + target, status)
            assert SECRET.encode() not in body, prefix + target
            assert b"Traceback" not in body
    for query in (
        "filename=secret.txt&subfolder=..",
        "filename=..%2Fsecret.txt",
        "filename=secret.txt&subfolder=%2E%2E",
        f"filename=secret.txt&subfolder={tmp_path}",
        "filename=..%5Csecret.txt",
        "filename=link.txt",
        "filename=secret.txt&subfolder=stub%2F..%2F..",
        "filename=secret.txt&type=..%2F..",
        "filename=secret.txt&subfolder=..%252f",
    ):
        status, body = await raw_request(server.port, f"/view?{query}")
        assert status in (400, 404), query
        assert SECRET.encode() not in body
    assert (await raw_request(server.port, "/api/files/output/ok.txt")) == (200, b"fine")
    assert (await raw_request(server.port, "/view?filename=ok.txt")) == (200, b"fine")
    assert (await raw_request(server.port, "/"))[1].startswith(b"<!doctype html>")
    assert (await raw_request(server.port, "/index.html"))[0] == 200


def test_safe_path_rules(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text("x")
    assert safe_path(tmp_path, "a/b.txt") == (tmp_path / "a" / "b.txt").resolve()
    for bad in (
        "",
        "/etc/passwd",
        "../x",
        "a/../../x",
        "a\\b.txt",
        "C:/x",
        "c:x",
        "a/%2e%2e/x",
        "a//b.txt",
        "a/./b.txt",
        "x\x00y",
        "a/..",
        "x" * 2000,
    ):
        assert safe_path(tmp_path, bad) is None, bad
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\win.ini") == "win.ini"
    assert safe_filename("...") is None
    assert safe_filename("a<b>|c?.png") == "a_b__c_.png"


# -- uploads and limits ----------------------------------------------------------------------
def _png(size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size).save(out, format="PNG")
    return out.getvalue()


async def _upload(s: aiohttp.ClientSession, server, data: bytes, filename: str, **fields: str) -> tuple[int, dict]:
    """A multipart body built by hand, so the file name arrives exactly as given."""
    boundary = "----reelgraph-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
        + data
        + b"\r\n"
    ]
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    async with s.post(server.url("/api/uploads"), data=body, headers=headers) as resp:
        return resp.status, await resp.json()


async def test_uploads_are_sniffed_named_and_limited(server):
    async with aiohttp.ClientSession() as s:
        assert (await _upload(s, server, b"<html><script>alert(1)</script>", "evil.png"))[0] == 415
        assert (await _upload(s, server, b"#!/bin/sh\nrm -rf /\n", "run.sh"))[0] == 415
        assert (await _upload(s, server, _png()[:40], "cut.png"))[0] == 415  # PNG magic, broken picture
        status, body = await _upload(s, server, _png(), "photo.txt")
        assert status == 200 and body["name"] == "photo.png"  # the content decides the extension
        status, body = await _upload(s, server, _png(), "../../../escape.png")
        assert status == 200 and body["name"] == "escape.png" and body["subfolder"] == ""
        status, body = await _upload(s, server, _png(), "..\\..\\win.png")
        assert status == 200 and body["name"] == "win.png"
        for subfolder in ("../out", "/etc", "a/../../b", "a\\..\\b", "%2e%2e"):
            assert (await _upload(s, server, _png(), "x.png", subfolder=subfolder))[0] == 400, subfolder
        assert (await _upload(s, server, _png(), "x.png", type="output"))[0] == 400
        big = b"\x89PNG\r\n\x1a\n" + os.urandom(300 << 10)
        status, body = await _upload(s, server, big, "big.png")
        assert status == 413 and "limit" in body["error"]
        wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)
        status, body = await _upload(s, server, wav, "voice.wav", subfolder="audio")
        assert status == 200 and body["media_type"] == "audio/wav" and body["subfolder"] == "audio"
    names = sorted(p.name for p in server.config.input_dir.rglob("*") if p.is_file())
    assert names == ["escape.png", "photo.png", "voice.wav", "win.png"]
    assert not [p for p in server.config.temp_dir.rglob("*") if p.is_file()]  # nothing half-written left behind


async def test_request_body_limit(server):
    async with aiohttp.ClientSession() as s:
        huge = {"workflow": chain(), "padding": "x" * (300 << 10)}
        async with s.post(server.url("/api/runs"), json=huge) as resp:
            assert resp.status == 413
            assert "error" in await resp.json()
        async with s.post(server.url("/prompt"), data=b"{" * (300 << 10)) as resp:
            assert resp.status == 413


async def test_no_stack_traces_in_http_responses(server):
    def explode(**kwargs):
        raise ZeroDivisionError("secret internals")

    store = server.app[STORE]
    server.call(setattr, store, "history", explode)
    async with aiohttp.ClientSession() as s, s.get(server.url("/api/runs")) as resp:
        assert resp.status == 500
        text = await resp.text()
    assert "Traceback" not in text and "secret internals" not in text and "ZeroDivision" not in text
    assert '"ref"' in text
