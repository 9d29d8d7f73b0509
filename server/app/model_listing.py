"""The models on this machine, as both route sets list them: ``/api/models`` (native) and the
model combos of ComfyUI's ``/object_info``."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web

from server.models.catalog import ModelEntry, find_models, hub_cache_dir, model_roots

from .keys import CONFIG, ENGINE

log = logging.getLogger("reelgraph.server")


def model_places(app: web.Application) -> tuple[list[Path], Path]:
    """The model roots (``<data dir>/models``, ``$REELGRAPH_MODELS``) and the hub cache the loader reads."""
    override = getattr(app[ENGINE].models, "cache_dir", None)
    return model_roots(Path(app[CONFIG].data_dir).absolute()), Path(override) if override else hub_cache_dir()


async def available_models(app: web.Application, places: tuple[list[Path], Path] | None = None) -> list[ModelEntry]:
    """Every model on this machine, listed off the event loop; an empty list if listing fails."""
    roots, cache = places or model_places(app)
    try:
        return await asyncio.to_thread(find_models, roots, cache)
    except Exception:  # listing is best effort: a broken disk must not break the editor
        log.exception("listing the models failed")
        return []
