"""Reelgraph nodes: one package or module per pipeline stage, discovered by the engine's registry.

Importing the package registers its domain socket types (:mod:`nodes.sockets`)."""

from . import sockets as sockets
