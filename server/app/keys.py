"""Typed application keys: what the app holds and every route module may read."""

from __future__ import annotations

from aiohttp import web

from server.engine import Engine, Registry
from server.store import Store

from .config import Config
from .remote import RemoteRunner
from .websocket import Hub
from .worker import Worker

CONFIG = web.AppKey("config", Config)
REGISTRY = web.AppKey("registry", Registry)
STORE = web.AppKey("store", Store)
ENGINE = web.AppKey("engine", Engine)
HUB = web.AppKey("hub", Hub)
WORKER = web.AppKey("worker", Worker)
REMOTE = web.AppKey("remote", RemoteRunner)  # present when runs execute on a Ray cluster
