"""Reelgraph nodes: one package or module per pipeline stage, discovered by the engine's registry."""
