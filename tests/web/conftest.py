"""Fixtures for driving the editor in real headless Chromium against the real server.

The server is the app from ``server.app.create_app`` on a free loopback port, with a
temporary data and output folder, run by an event loop in a background thread. The browser
is Debian's ``chromium`` launched by Python playwright through ``executable_path`` (no
browser downloads). Every test gets a fresh browser context (fresh localStorage) and fails
if the page raised a JavaScript error.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LITEGRAPH = REPO / "web" / "node_modules" / "@comfyorg" / "litegraph" / "dist" / "litegraph.es.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}


def chromium_path() -> str | None:
    """Debian's chromium (or $REELGRAPH_CHROMIUM); None when the machine has none."""
    candidates = [
        os.environ.get("REELGRAPH_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    output_dir: Path


class _ServerThread:
    """An aiohttp app on its own event loop in a daemon thread; ``stop`` cleans it up."""

    def __init__(self, app) -> None:
        from aiohttp import web

        self.app = app
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        self.port: int | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._main, name="web-test-server", daemon=True)

    def _main(self) -> None:
        from aiohttp import web

        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            self.port = self.runner.addresses[0][1]

        self.loop.run_until_complete(start())
        self.ready.set()
        self.loop.run_forever()

    def start(self) -> int:
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError("the test server did not start within 60 s")
        return self.port

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not LITEGRAPH.is_file():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/ (the project's setup does)")
    from server.app import Config, create_app

    root = tmp_path_factory.mktemp("web-server")
    config = Config(
        host="127.0.0.1",
        port=0,
        data_dir=root / "data",
        output_dir=root / "output",
        cpu_workers=2,
        extra_nodes=("tests.stub_nodes",),
    )
    server = _ServerThread(create_app(config))
    port = server.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", config.data_dir, config.output_dir)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on this machine: install Debian's `chromium` package (the setup does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageErrors(list):
    """JavaScript exceptions and console errors seen by a page."""


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator[object]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda msg: _console(errors, msg))
    page.errors = errors
    open_editor(page, live_server.url)
    yield page
    context.close()
    assert not errors, "the editor logged errors:\n" + "\n".join(errors)


def _console(errors: PageErrors, msg) -> None:
    # A 4xx answer the editor handles (a validation error) is logged by Chromium itself.
    if msg.type == "error" and "Failed to load resource" not in msg.text:
        errors.append(f"console: {msg.text}")


def open_editor(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.reelgraph && window.reelgraph.ready", timeout=20_000)
