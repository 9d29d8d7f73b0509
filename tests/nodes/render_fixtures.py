"""Hand-built SCENE, SHOTS and STYLE values for the renderer tests, following the documented schemas
(`nodes/scene/model.py`, `nodes/scene/shots.py`, `nodes/style/model.py`), so the renderer is tested
without the text and scene nodes that will produce them in a real workflow."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from nodes.scene.model import Scene
from nodes.scene.shots import Camera, Framing, Shot, ShotPlan
from nodes.style.model import Style

AXES = (
    "warmth",
    "saturation",
    "brightness",
    "contrast",
    "neon",
    "golden_hour",
    "rain",
    "fog",
    "noir",
    "pastel",
    "futuristic",
    "nature",
    "urban",
    "night",
)


class SceneBuilder:
    """Adds entities, attributes and relations with the schema's ids and fields."""

    def __init__(self, **settings: Any) -> None:
        self.graph = nx.MultiDiGraph()
        defaults = {
            "setting": "generic",
            "location": None,
            "place_names": [],
            "time_of_day": None,
            "weather": [],
            "lighting": [],
            "crowd_density": 0.3,
            "style_tags": [],
            "audio_cues": [],
        }
        self.graph.add_node("scene", kind="scene", **{**defaults, **settings})
        self.entities = 0
        self.attributes = 0

    def entity(
        self,
        label: str,
        type: str,
        *,
        count: int = 1,
        salience: float = 0.5,
        motions: list[dict] | None = None,
        attrs: list[tuple[str, str, list[int] | None]] = (),
    ) -> str:
        node = f"e{self.entities}"
        self.entities += 1
        self.graph.add_node(
            node,
            kind="entity",
            label=label,
            type=type,
            count=count,
            salience=salience,
            motions=motions or [],
            sentence=0,
        )
        for category, value, rgb in attrs:
            attr = f"a{self.attributes}"
            self.attributes += 1
            self.graph.add_node(attr, kind="attribute", category=category, value=value, rgb=rgb)
            self.graph.add_edge(node, attr, kind="has")
        return node

    def relate(self, source: str, target: str, kind: str, verb: str | None = None, prep: str | None = None) -> None:
        self.graph.add_edge(source, target, kind=kind, verb=verb, prep=prep, sentence=0, confidence=0.9)

    def scene(self) -> Scene:
        return Scene(self.graph)


def motion(
    verb: str, speed: str = "walk", direction: str | None = None, prep: str | None = None, target: str | None = None
) -> dict:
    return {"verb": verb, "speed": speed, "direction": direction, "path_prep": prep, "path_target": target}


def tokyo_scene() -> Scene:
    b = SceneBuilder(
        setting="city_street",
        location="street",
        place_names=["Tokyo"],
        time_of_day="night",
        weather=["rain"],
        lighting=["neon", "warm"],
        crowd_density=0.7,
        style_tags=["neon", "night", "rain"],
        audio_cues=["rain", "footsteps", "crowd"],
    )
    woman = b.entity(
        "woman",
        "person",
        salience=1.0,
        motions=[motion("walk", prep="down", target="street")],
        attrs=[("style", "stylish", None)],
    )
    for label, attrs in (
        ("jacket", [("colour", "black", [20, 20, 22]), ("material", "leather", None)]),
        ("dress", [("colour", "red", [200, 20, 30]), ("size", "long", None)]),
        ("boots", [("colour", "black", [20, 20, 22])]),
        ("sunglasses", []),
        ("lipstick", [("colour", "red", [200, 20, 30])]),
    ):
        item = b.entity(label, "clothing", salience=0.3, attrs=attrs)
        b.relate(woman, item, "wear", verb="wear")
    street = b.entity("street", "place", salience=0.6, attrs=[("state", "wet", None), ("state", "reflective", None)])
    b.relate(woman, street, "spatial", verb="walk", prep="down")
    signs = b.entity(
        "sign",
        "light",
        count=10,
        salience=0.5,
        attrs=[("light", "neon", None), ("state", "glowing", None), ("light", "warm", None)],
    )
    b.relate(street, signs, "action", verb="reflect")
    b.entity("people", "person", count=12, salience=0.4, motions=[motion("walk")])
    return b.scene()


def lion_scene() -> Scene:
    b = SceneBuilder(
        setting="savanna",
        location="savanna",
        time_of_day="sunset",
        weather=[],
        lighting=["golden"],
        crowd_density=0.1,
        style_tags=["golden hour"],
        audio_cues=["wind", "footsteps"],
    )
    lion = b.entity("lion", "animal", salience=1.0, motions=[motion("stalk", "slow", prep="across", target="savanna")])
    prey = b.entity("prey", "animal", salience=0.6, motions=[motion("graze", "still")])
    b.relate(lion, prey, "action", verb="stalk")
    b.entity("savanna", "place", salience=0.5, attrs=[("colour", "golden", [225, 170, 60])])
    return b.scene()


def skyline_scene() -> Scene:
    b = SceneBuilder(
        setting="skyline",
        location="skyline",
        time_of_day="sunset",
        weather=[],
        lighting=["neon"],
        crowd_density=0.6,
        style_tags=["futuristic"],
        audio_cues=["traffic", "wind"],
    )
    b.entity("skyline", "place", salience=0.8, attrs=[("style", "futuristic", None)])
    b.entity(
        "car", "vehicle", count=12, salience=0.7, motions=[motion("fly", "fast")], attrs=[("state", "flying", None)]
    )
    return b.scene()


def shot(
    index: int,
    start: float,
    duration: float,
    move: str,
    a: tuple,
    b: tuple,
    subject: str | None = "e0",
    action: str | None = None,
    easing: str = "ease_in_out",
) -> Shot:
    camera = Camera(move=move, start=Framing(a[:2], a[2]), end=Framing(b[:2], b[2]), easing=easing)
    return Shot(
        index=index,
        start=start,
        duration=duration,
        subject=subject,
        action=action,
        camera=camera,
        prompt="",
        sentence=0,
    )


def plan(*shots: Shot) -> ShotPlan:
    return ShotPlan(duration=round(sum(s.duration for s in shots), 6), shots=tuple(shots))


def tokyo_shots() -> ShotPlan:
    return plan(
        shot(0, 0.0, 3.5, "pan", (0.42, 0.5, 1.0), (0.58, 0.5, 1.0), action="walk"),
        shot(1, 3.5, 3.5, "track", (0.5, 0.52, 1.3), (0.5, 0.52, 1.3), action="walk"),
        shot(2, 7.0, 3.0, "dolly_in", (0.5, 0.5, 1.5), (0.5, 0.52, 2.0), action="walk"),
    )


def lion_shots() -> ShotPlan:
    return plan(
        shot(0, 0.0, 4.0, "pan", (0.4, 0.5, 1.0), (0.56, 0.5, 1.0), action="stalk"),
        shot(1, 4.0, 4.0, "track", (0.5, 0.55, 1.5), (0.5, 0.55, 1.5), action="stalk"),
    )


def skyline_shots() -> ShotPlan:
    return plan(
        shot(0, 0.0, 4.0, "pan", (0.38, 0.5, 1.0), (0.62, 0.5, 1.0), subject="e1"),
        shot(1, 4.0, 4.0, "zoom_in", (0.5, 0.45, 1.1), (0.55, 0.42, 1.6), subject="e1"),
    )


def style(palette: tuple[str, ...], **axes: float) -> Style:
    vector = np.array(
        [axes.get(a, 0.5 if a in ("saturation", "brightness", "contrast", "warmth") else 0.0) for a in AXES], np.float32
    )
    return Style(
        vector=vector, axes=AXES, tags=tuple(k for k, v in axes.items() if v > 0.5), palette=palette, backend="fixture"
    )


def tokyo_style() -> Style:
    return style(
        ("#ff3b6b", "#2a1e5c", "#ffb347", "#0b0b1a"),
        neon=0.9,
        night=0.9,
        rain=0.8,
        urban=0.9,
        warmth=0.6,
        saturation=0.7,
        contrast=0.65,
    )


def lion_style() -> Style:
    return style(("#e8a33d", "#c4622d", "#6b3e26", "#f6d589"), golden_hour=0.9, warmth=0.85, nature=0.9, saturation=0.6)


def skyline_style() -> Style:
    return style(
        ("#ff7a45", "#7b3fa0", "#1d2951", "#ffd166"), futuristic=0.9, urban=0.9, golden_hour=0.7, saturation=0.65
    )


def empty_scene(setting: str = "generic", time: str | None = "day") -> Scene:
    return SceneBuilder(setting=setting, time_of_day=time).scene()


def unknown_scene() -> Scene:
    b = SceneBuilder(setting="generic", time_of_day="day")
    b.entity("gizmo", "contraption", salience=1.0, motions=[motion("float", "slow", prep="across")])
    return b.scene()


SCENES = {
    "tokyo": (tokyo_scene, tokyo_shots, tokyo_style),
    "lion": (lion_scene, lion_shots, lion_style),
    "skyline": (skyline_scene, skyline_shots, skyline_style),
}
