"""Reelgraph back end: the execution engine (``server.engine``) and the aiohttp app."""
