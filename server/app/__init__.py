"""The aiohttp application (DESIGN §5): native API, ComfyUI-compatible API, websocket events,
files and the editor, over a durable SQLite queue executed by one worker thread.

    app = create_app(Config(port=0, data_dir=tmp))   # an app factory: tests run it on loopback
    serve(Config(host="127.0.0.1", port=8188))         # what ``python main.py serve`` calls

The store, the engine, the websocket hub and the worker live in a ``cleanup_ctx``: they start
with the server and stop with it (websockets are closed, the running run is recorded as
interrupted, the database is closed).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from server.engine import Engine, Registry
from server.engine.partials import sweep
from server.store import Store

from . import frontend, jobs, routes_comfy, routes_files, routes_frontend, routes_native, userdata
from .config import Config, Limits
from .keys import CONFIG, ENGINE, HUB, REGISTRY, REMOTE, STORE, WORKER
from .remote import RemoteRunner
from .security import access_middleware, errors, same_origin
from .thumbnails import Thumbnails
from .websocket import Hub
from .worker import Worker

__all__ = ["Config", "Limits", "create_app", "serve"]
log = logging.getLogger("reelgraph.server")


def create_app(config: Config, *, registry: Registry | None = None, models: object = None) -> web.Application:
    """The application for ``config``. ``registry`` defaults to every node under ``nodes/``
    plus ``config.extra_nodes``; ``models`` is the model manager handed to the engine (the
    process-wide one by default)."""
    if not config.loopback and not config.token:
        raise ValueError(f"binding to {config.host} (beyond this machine) requires an access token")
    app = web.Application(
        middlewares=[errors, access_middleware(config), same_origin],
        client_max_size=config.limits.max_body,
    )
    app[CONFIG] = config
    app[REGISTRY] = registry if registry is not None else Registry.discover(extra_modules=config.extra_nodes)
    app.cleanup_ctx.append(_resources(models if models is not None else _default_models()))
    app.on_shutdown.append(_close_websockets)
    app.router.add_get("/ws", _websocket)
    app.router.add_routes(routes_native.routes)
    app.router.add_routes(routes_comfy.routes)
    app.router.add_routes(routes_files.routes)
    app.router.add_routes(routes_frontend.routes)
    app.router.add_routes(userdata.routes)
    app.router.add_routes(jobs.routes)
    frontend.add_editor_routes(app)
    return app


def _resources(models: object):
    async def resources(app: web.Application) -> AsyncIterator[None]:
        config = app[CONFIG]
        for folder in (
            config.data_dir,
            config.output_dir,
            config.input_dir,
            config.temp_dir,
            userdata.user_dir(config),
        ):
            Path(folder).mkdir(parents=True, exist_ok=True)
        swept = [p for folder in (config.output_dir, config.data_dir) for p in sweep(Path(folder))]
        if swept:
            log.warning("removed %d partial file(s) left by a crash: %s", len(swept), ", ".join(map(str, swept)))
        store = Store(config.db_path)
        interrupted = store.recover()
        if interrupted:
            log.warning(
                "marked %d run(s) interrupted by the last shutdown: %s", len(interrupted), ", ".join(interrupted)
            )
        engine = Engine(
            app[REGISTRY],
            output_dir=Path(config.output_dir),
            input_dirs=(config.input_dir, Path(config.output_dir)),
            temp_dir=config.temp_dir / "runs",
            cache_bytes=config.cache_bytes,
            cpu_workers=config.cpu_workers,
            models=models,
            disk_cache=config.results_dir,
        )
        remote = await _remote_runner(app) if config.ray_address else None
        hub = Hub(config.limits.ws_queue, config.limits.max_ws_message)
        hub.feature_flags = routes_frontend.feature_flags(config)
        worker = Worker(
            store,
            engine,
            asyncio.get_running_loop(),
            hub.publish,
            hub.queue_changed,
            roots=routes_files.roots(app),
            preview_interval=config.limits.preview_interval,
            preview_max_side=config.limits.preview_max_side,
            thumbnails=Thumbnails(config.temp_dir / "previews"),
            runner=remote,
        )
        hub.queue_state = worker.queue_messages
        app[STORE], app[ENGINE], app[HUB], app[WORKER] = store, engine, hub, worker
        if remote is not None:
            app[REMOTE] = remote
        worker.start()
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, worker.stop)
            if remote is not None:
                await asyncio.get_running_loop().run_in_executor(None, remote.close)
            engine.close()
            store.close()

    return resources


async def _remote_runner(app: web.Application) -> RemoteRunner:
    """Connect to the Ray cluster (off the event loop: it takes seconds) and start the run actor."""
    config = app[CONFIG]

    def make() -> RemoteRunner:
        return RemoteRunner(
            config.ray_address or "",
            extra_nodes=config.extra_nodes,
            output_dir=Path(config.output_dir),
            input_dirs=(config.input_dir, Path(config.output_dir)),
            temp_dir=config.temp_dir / "runs",
            cache_dir=config.results_dir,
            previews_dir=config.temp_dir / "previews",
            roots=routes_files.roots(app),
        )

    return await asyncio.get_running_loop().run_in_executor(None, make)


def _default_models() -> object:
    try:
        from server.models import default_manager
    except ImportError:
        return None
    return default_manager()


async def _websocket(request: web.Request) -> web.WebSocketResponse:
    return await request.app[HUB].handle(request)


async def _close_websockets(app: web.Application) -> None:
    await app[HUB].close_all()


# -- running it ----------------------------------------------------------------------
def serve(config: Config) -> None:
    """Run the server until SIGINT/SIGTERM. Binding beyond loopback requires a token: one is
    generated and printed when none is given."""
    if not config.loopback and not config.token:
        config = replace(config, token=secrets.token_urlsafe(24))
    asyncio.run(_serve(config))


async def _serve(config: Config) -> None:
    runner = web.AppRunner(create_app(config), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    # What start-up built (the catalog, every imported module) lives as long as the server:
    # frozen, it is no longer traversed by each full collection during runs.
    gc.collect()
    gc.freeze()
    host, port = runner.addresses[0][:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={config.token}" if config.token else "")
    print(f"Reelgraph server listening on {url}", flush=True)
    if config.token:
        print(f"Access token: {config.token}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("Reelgraph server stopping", flush=True)
        await runner.cleanup()
