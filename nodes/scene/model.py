"""The SCENE value: a networkx MultiDiGraph with a documented node and edge schema.

Nodes (all carry ``kind``):
- ``"scene"`` (exactly one, id ``"scene"``): ``setting`` (one of SETTINGS), ``location``
  (head noun, e.g. "street"), ``place_names`` (["Tokyo"]), ``time_of_day`` (one of
  TIMES_OF_DAY or None), ``weather`` (list, e.g. ["rain"]), ``lighting`` (list, e.g.
  ["neon", "warm"]), ``crowd_density`` (0..1), ``style_tags`` (list), ``audio_cues`` (list,
  e.g. ["rain", "footsteps", "crowd"]).
- ``"entity"`` (ids ``e0``, ``e1``...): ``label`` (lemma, "woman"), ``type`` (one of
  ENTITY_TYPES), ``count`` (int; plural "many" is a number ≥ 8), ``salience`` (0..1, the
  main subject highest), ``motions`` (list of ``{"verb", "speed", "direction", "path_prep",
  "path_target"}``; speed one of SPEEDS), ``sentence`` (first mention).
- ``"attribute"`` (ids ``a0``...): ``category`` (one of ATTRIBUTE_CATEGORIES), ``value``
  ("black"), ``rgb`` ([r, g, b] for colours, else None).

Edges (all carry ``kind``):
- entity → attribute, ``kind="has"``.
- entity → entity relations, ``kind`` one of RELATION_KINDS, with ``verb``, ``prep``,
  ``sentence`` and ``confidence`` (0..1); e.g. woman -wear-> jacket, lion -action(stalk)-> prey,
  woman -spatial(prep="down")-> street, street -action(reflect)-> lights.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

SETTINGS = (
    "city_street",
    "savanna",
    "skyline",
    "beach",
    "forest",
    "mountain",
    "interior",
    "desert",
    "snowfield",
    "lake",
    "park",
    "farm",
    "bridge",
    "market",
    "underwater",
    "sky",
    "space",
    "generic",
)
TIMES_OF_DAY = ("dawn", "day", "sunset", "dusk", "night")
ENTITY_TYPES = ("person", "animal", "vehicle", "bird", "light", "clothing", "object", "place", "structure", "plant")
SPEEDS = ("still", "slow", "walk", "run", "fast")
ATTRIBUTE_CATEGORIES = ("colour", "material", "size", "style", "state", "light", "shape")
RELATION_KINDS = ("action", "wear", "possession", "spatial", "cause")


class Scene:
    """Typed accessors over the scene graph; the graph itself stays the source of truth."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        if "scene" not in graph:
            raise ValueError("a scene graph needs a node 'scene' with kind='scene'")
        self.graph = graph

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.graph.nodes["scene"])

    def entities(self) -> list[tuple[str, dict[str, Any]]]:
        """Entity nodes, most salient first."""
        ents = [(n, d) for n, d in self.graph.nodes(data=True) if d.get("kind") == "entity"]
        return sorted(ents, key=lambda item: -item[1].get("salience", 0.0))

    def entity(self, entity_id: str) -> dict[str, Any]:
        return self.graph.nodes[entity_id]

    def find(self, label: str) -> str | None:
        """Id of the most salient entity with this label, or None."""
        return next((n for n, d in self.entities() if d.get("label") == label), None)

    def attributes(self, entity_id: str) -> list[dict[str, Any]]:
        return [
            self.graph.nodes[target]
            for _, target, data in self.graph.out_edges(entity_id, data=True)
            if data.get("kind") == "has"
        ]

    def relations(self, kind: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (s, t, d)
            for s, t, d in self.graph.edges(data=True)
            if d.get("kind") != "has" and (kind is None or d.get("kind") == kind)
        ]

    def summary(self) -> dict[str, Any]:
        """What a person needs at a glance (events, listings); ``to_json`` has everything."""
        settings = self.settings
        return {
            "type": "SCENE",
            "setting": settings.get("setting"),
            "time_of_day": settings.get("time_of_day"),
            "weather": settings.get("weather", []),
            "entities": [
                {"id": n, "label": d.get("label"), "type": d.get("type"), "count": d.get("count", 1)}
                for n, d in self.entities()
            ][:24],
            "relations": len(self.relations()),
            "audio_cues": settings.get("audio_cues", []),
        }

    @property
    def nbytes(self) -> int:
        return 512 * (self.graph.number_of_nodes() + self.graph.number_of_edges())

    def to_json(self) -> dict[str, Any]:
        return nx.node_link_data(self.graph, edges="links")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scene:
        return cls(nx.node_link_graph(data, directed=True, multigraph=True, edges="links"))
