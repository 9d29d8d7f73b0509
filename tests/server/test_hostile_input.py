"""Hostile input at the HTTP API of a real server on loopback: each reproducer from the
hardening review, and the workflow fuzzer sent through both submit routes.

Promises: never a 500, never a traceback or a bare NaN in a body, a 4xx that says what was
wrong, and nothing written under a name the request should not have been able to choose.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings

from server.app.config import Limits

from ..hostile import EXAMPLES, NODE_CODES, mutated_texts
from .conftest import FINAL, chain, submit, wait_status, workflow

BASE = chain()


def send(server: Any, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
    """A plain synchronous request (hypothesis drives the fuzzer synchronously)."""
    req = urllib.request.Request(server.url(path), data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    text = raw.decode()
    assert "Traceback" not in text
    return status, json.loads(text, parse_constant=_no_constants)


def _no_constants(name: str) -> Any:
    raise AssertionError(f"the server sent {name}, which is not JSON")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from .conftest import LiveServer, make_config, registry

    server = LiveServer(make_config(tmp_path_factory.mktemp("hostile")), registry()).start()
    yield server
    server.stop()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_texts(BASE))
def test_fuzzed_workflows_get_a_4xx_or_a_run_never_a_500(live, text):
    raw = text.encode("utf-8", "surrogatepass")
    for path, body in (
        ("/api/runs", b'{"workflow": ' + raw + b"}"),
        ("/prompt", b'{"prompt": ' + raw + b"}"),
    ):
        status, answer = send(live, "POST", path, body)
        assert status in (200, 400, 413), (path, status, answer)
        if status == 400 and "errors" in answer:
            for problem in answer["errors"]:
                if problem["code"] in NODE_CODES:
                    assert problem["node"], problem


@pytest.mark.parametrize("run_id", [".", "..", "a\n", "../x", "-x", "", 7])
async def test_run_ids_that_are_not_plain_names_are_refused(server, run_id):
    async with aiohttp.ClientSession() as s:
        for path, key, body in (
            ("/api/runs", "run_id", {"workflow": BASE}),
            ("/prompt", "prompt_id", {"prompt": BASE}),
        ):
            async with s.post(server.url(path), json={**body, key: run_id}) as resp:
                answer = await resp.json()
            assert resp.status == 400 and "run id" in answer["error"], answer
    assert server.config.temp_dir.exists()  # '..' never reached the scratch root


async def test_client_ids_and_library_names_must_match_in_full(server):
    async with aiohttp.ClientSession() as s:
        async with s.post(server.url("/api/runs"), json={"workflow": BASE, "client_id": "me\n"}) as resp:
            assert resp.status == 400
        async with s.put(server.url("/api/workflows/name%0A"), json=BASE) as resp:
            assert resp.status == 400
        async with s.put(server.url("/api/workflows/name"), json=BASE) as resp:
            assert resp.status == 200
    assert sorted(p.name for p in server.config.library_dir.iterdir()) == ["name.json"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"workflow": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests"),
        (b'{"workflow": ' + b"[" * 700 + b"]" * 700 + b"}", "nests"),
        (b'{"workflow": {"x": ' + b"7" * 4400 + b"}}", "digits"),
        (b'{"workflow": {"x": NaN}}', "NaN"),
        (b'{"workflow": {}, "workflow": {}}', "duplicate key 'workflow'"),
    ],
)
async def test_bodies_the_parser_refuses_get_400(server, body, fragment):
    async with (
        aiohttp.ClientSession() as s,
        s.post(server.url("/api/runs"), data=body, headers={"Content-Type": "application/json"}) as resp,
    ):
        answer = await resp.json()
    assert resp.status == 400 and fragment in answer["error"], answer


async def test_a_lone_surrogate_title_is_refused_and_nothing_is_saved(server):
    body = json.dumps({**BASE, "title": "\ud800"}).encode()  # json.dumps escapes it as \ud800
    async with (
        aiohttp.ClientSession() as s,
        s.put(server.url("/api/workflows/s"), data=body, headers={"Content-Type": "application/json"}) as resp,
    ):
        answer = await resp.json()
    assert resp.status == 400 and "surrogate" in answer["error"]
    assert not (server.config.library_dir / "s.json").exists()


@pytest.mark.parametrize(("query", "status"), [("²", 400), ("x", 400), ("9" * 40, 400), ("99999999999999999999", 200)])
async def test_history_page_sizes_are_integers_or_a_400(server, query, status):
    async with aiohttp.ClientSession() as s, s.get(server.url("/history"), params={"max_items": query}) as resp:
        await resp.json()
    assert resp.status == status


async def test_hidden_and_partial_names_are_never_served(server):
    output = server.config.output_dir
    (output / ".reelgraph-0123456789ab.part").write_bytes(b"half")
    (output / ".secret").write_bytes(b"dotfile")
    (output / "fine.txt").write_bytes(b"ok")
    async with aiohttp.ClientSession() as s:
        for name in (".reelgraph-0123456789ab.part", ".secret"):
            for url in (f"/api/files/output/{name}", f"/view?filename={name}&type=output"):
                async with s.get(server.url(url)) as resp:
                    assert resp.status == 400, url
        async with s.get(server.url("/api/files/output/fine.txt")) as resp:
            assert resp.status == 200 and await resp.read() == b"ok"


async def test_too_many_nodes_is_a_clear_400(server_factory):
    server = server_factory(limits=Limits(max_body=16 << 20))
    nodes = {f"n{i}": ("srv.number", {"value": 1}) for i in range(20_001)}
    async with (
        aiohttp.ClientSession() as s,
        s.post(server.url("/api/runs"), json={"workflow": workflow(nodes)}) as resp,
    ):
        answer = await resp.json()
    assert resp.status == 400
    assert answer["errors"][0]["code"] == "too_large" and "20,000" in answer["errors"][0]["message"]


async def test_the_queue_listing_stays_small_with_huge_workflows_queued(server):
    big = workflow(
        {**{f"n{i}": ("srv.number", {"value": i % 100}) for i in range(2_000)}, "show": "test.sink"},
        [["n0", "out", "show", "a"]],
    )
    async with aiohttp.ClientSession() as s:
        async with s.post(server.url("/api/queue/pause")) as resp:
            assert resp.status == 200
        queued = [await submit(s, server, big) for _ in range(5)]
        async with s.get(server.url("/queue")) as resp:
            raw = await resp.read()
        async with s.post(server.url("/api/queue/resume")) as resp:
            assert resp.status == 200
        for run_id in queued:
            await wait_status(s, server, run_id, FINAL, timeout=60)
    listing = json.loads(raw)
    assert [item[1] for item in listing["queue_pending"]] == queued
    assert all(item[2] == {} and "2,001 nodes" in item[3]["prompt_omitted"] for item in listing["queue_pending"])
    assert len(raw) < 20_000  # five 2,001-node prompts would be ~0.5 MB


async def test_an_upload_subfolder_with_a_control_character_is_refused(server):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    form = aiohttp.FormData()
    form.add_field("file", png.getvalue(), filename="a.png", content_type="image/png")
    form.add_field("subfolder", "pics\n")
    async with aiohttp.ClientSession() as s, s.post(server.url("/api/uploads"), data=form) as resp:
        assert resp.status == 400
    assert [p.name for p in server.config.input_dir.iterdir()] == []
