"""A real server on loopback for every test: the app runs in its own thread and event loop,
bound to 127.0.0.1 on a free port; tests talk to it over real sockets (aiohttp client,
urllib, raw HTTP). ``async def`` tests are run with ``asyncio.run``."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from server.app import Config, create_app
from server.app.config import Limits
from server.engine import Registry
from tests import stub_nodes


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(asyncio.wait_for(pyfuncitem.obj(**args), 60))
        return True
    return None


class LiveServer:
    """An app on ``127.0.0.1:<free port>`` served from a background thread."""

    def __init__(self, config: Config, registry: Registry) -> None:
        self.config = config
        self.registry = registry
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner: web.AppRunner | None = None
        self.port = 0

    def start(self) -> LiveServer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return self

    async def _start(self) -> None:
        self.runner = web.AppRunner(create_app(self.config, registry=self.registry), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.config.host, 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        if self.runner is not None:
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    @property
    def app(self) -> web.Application:
        assert self.runner is not None
        return self.runner.app

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def ws_url(self, query: str = "") -> str:
        return f"ws://127.0.0.1:{self.port}/ws{('?' + query) if query else ''}"

    def call(self, fn: Any, *args: Any) -> Any:
        """Run ``fn(*args)`` on the server's loop (for touching app state from a test)."""

        async def wrapper() -> Any:
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result(10)


def registry() -> Registry:
    return Registry.from_modules([stub_nodes, "nodes.text.prompt"])


def make_config(tmp_path: Path, **changes: Any) -> Config:
    config = Config(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        output_dir=tmp_path / "output",
        web_dir=tmp_path / "web",
        examples_dir=tmp_path / "examples",
        cpu_workers=2,
        limits=Limits(max_body=256 << 10, max_upload=256 << 10, preview_interval=0.0),
    )
    return replace(config, **changes)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[LiveServer] = []

    def start(**changes: Any) -> LiveServer:
        server = LiveServer(make_config(tmp_path, **changes), registry()).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(server_factory: Any) -> LiveServer:
    return server_factory()


# -- helpers -----------------------------------------------------------------------------
def workflow(nodes: dict[str, Any], links: list[list[str]] | None = None, title: str = "") -> dict[str, Any]:
    """``nodes``: id → type or (type, params)."""
    doc_nodes = {}
    for node_id, spec in nodes.items():
        kind, params = (spec, {}) if isinstance(spec, str) else spec
        doc_nodes[node_id] = {"type": kind, "params": params}
    doc: dict[str, Any] = {"format": "reelgraph.workflow", "version": 1, "nodes": doc_nodes, "links": links or []}
    if title:
        doc["title"] = title
    return doc


def chain(value: int = 3, seconds: float = 0.0, tag: str = "", preview: bool = False) -> dict[str, Any]:
    """number → slow → save (an output file) and → show."""
    return workflow(
        {
            "n": ("srv.number", {"value": value}),
            "s": ("test.slow", {"seconds": seconds, "tag": tag, "preview": preview}),
            "save": "srv.save",
            "show": "test.sink",
        },
        [["n", "out", "s", "a"], ["s", "out", "save", "a"], ["s", "out", "show", "a"]],
    )


async def wait_status(
    session: aiohttp.ClientSession, server: LiveServer, run_id: str, statuses: set[str], timeout: float = 20.0
) -> dict[str, Any]:
    """Poll ``GET /api/runs/{id}`` until the run reaches one of ``statuses``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with session.get(server.url(f"/api/runs/{run_id}")) as resp:
            run = await resp.json()
        if run.get("status") in statuses:
            return run
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"run {run_id} stuck in {run.get('status')}, wanted {statuses}")
        await asyncio.sleep(0.02)


async def submit(session: aiohttp.ClientSession, server: LiveServer, doc: dict[str, Any], **extra: Any) -> str:
    async with session.post(server.url("/api/runs"), json={"workflow": doc, **extra}) as resp:
        body = await resp.json()
        assert resp.status == 200, body
        return body["run_id"]


FINAL = {"succeeded", "partial", "failed", "cancelled", "interrupted"}
