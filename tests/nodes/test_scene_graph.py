"""scene.graph: the required facts of the issue's prompts, pronouns, lists, JSON, picture, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from nodes.scene.graph_node import GraphParams, scene_graph
from nodes.scene.model import ENTITY_TYPES, SETTINGS, SPEEDS, TIMES_OF_DAY, Scene
from nodes.text.pipeline import analyse
from server.engine.errors import NodeInputError

from .test_text_analyze import TOKYO

LION = "A majestic lion stalks its prey across the golden savanna at sunset"
SKYLINE = "A futuristic city skyline with flying cars at sunset"


def build(ctx, text: str) -> tuple[Scene, np.ndarray]:
    out = scene_graph(ctx, GraphParams(), doc=analyse(text, "builtin"))
    return out["scene"], out["picture"]


def entity(scene: Scene, label: str) -> str:
    eid = scene.find(label)
    assert eid is not None, f"no entity {label!r}; have {[d['label'] for _, d in scene.entities()]}"
    return eid


def attrs(scene: Scene, label: str) -> dict[str, str]:
    return {a["value"]: a["category"] for a in scene.attributes(entity(scene, label))}


def edges(scene: Scene, kind: str) -> set[tuple[str, str, str | None, str | None]]:
    g = scene.graph
    return {
        (g.nodes[s]["label"], g.nodes[t]["label"], d.get("verb"), d.get("prep")) for s, t, d in scene.relations(kind)
    }


def test_tokyo_required_facts(ctx, test_out) -> None:
    scene, picture = build(ctx, TOKYO)
    s = scene.settings
    woman = entity(scene, "woman")
    assert scene.entities()[0][0] == woman and scene.entity(woman)["salience"] == 1.0
    assert ("woman", "street", "walk", "down") in edges(scene, "spatial")
    assert {w for _, w, _, _ in edges(scene, "wear")} == {"jacket", "dress", "boot", "sunglasses", "lipstick"}
    assert attrs(scene, "jacket") == {"black": "colour", "leather": "material"}
    assert attrs(scene, "dress") == {"long": "size", "red": "colour"}
    assert attrs(scene, "boot") == {"black": "colour"} and attrs(scene, "lipstick") == {"red": "colour"}
    red = next(a for a in scene.attributes(entity(scene, "dress")) if a["value"] == "red")
    assert red["rgb"] == [200, 30, 40]
    street = entity(scene, "street")
    assert attrs(scene, "street")["wet"] == "state" and scene.entity(street)["place_names"] == ["Tokyo"]
    assert {"neon", "glowing", "warm"} <= set(attrs(scene, "sign"))
    assert scene.entity(entity(scene, "sign"))["type"] == "light"
    assert "rain" in s["weather"]
    people = scene.entity(entity(scene, "people"))
    assert people["type"] == "person" and people["count"] >= 8 and s["crowd_density"] >= 0.5
    assert ("street", "light", "reflect", None) in edges(scene, "action")
    assert "colorful" in attrs(scene, "light")
    assert s["time_of_day"] == "night" or "neon" in s["lighting"]
    assert "neon" in s["lighting"]
    assert {"rain", "footsteps", "crowd"} <= set(s["audio_cues"])
    assert (s["setting"], s["location"], s["place_names"]) == ("city_street", "street", ["Tokyo"])
    motion = scene.entity(woman)["motions"][0]
    assert (motion["verb"], motion["speed"], motion["path_prep"], motion["path_target"]) == (
        "walk",
        "walk",
        "down",
        street,
    )
    assert "confidently" in motion["manner"]
    Image.fromarray(picture).save(test_out / "scene_graph_tokyo.png")


def test_lion_required_facts(ctx, test_out) -> None:
    scene, picture = build(ctx, LION)
    assert ("lion", "prey", "stalk", None) in edges(scene, "action")
    assert ("lion", "savanna", "stalk", "across") in edges(scene, "spatial")
    assert attrs(scene, "savanna") == {"golden": "colour"}
    lion = scene.entity(entity(scene, "lion"))
    assert lion["type"] == "animal" and lion["motions"][0]["speed"] == "slow"
    assert scene.settings["time_of_day"] == "sunset" and scene.settings["setting"] == "savanna"
    Image.fromarray(picture).save(test_out / "scene_graph_lion.png")


def test_skyline_required_facts(ctx, test_out) -> None:
    scene, picture = build(ctx, SKYLINE)
    assert attrs(scene, "skyline") == {"futuristic": "style", "city": "style"}
    cars = scene.entity(entity(scene, "car"))
    assert cars["type"] == "vehicle" and cars["count"] >= 8
    assert "flying" in attrs(scene, "car") and cars["motions"][0]["verb"] == "fly"
    assert scene.settings["time_of_day"] == "sunset" and scene.settings["setting"] == "skyline"
    Image.fromarray(picture).save(test_out / "scene_graph_skyline.png")


def test_schema_values_are_in_the_documented_vocabularies(ctx) -> None:
    for text in (TOKYO, LION, SKYLINE):
        scene, _ = build(ctx, text)
        s = scene.settings
        assert s["setting"] in SETTINGS and (s["time_of_day"] in TIMES_OF_DAY)
        assert 0.0 <= s["crowd_density"] <= 1.0
        for eid, data in scene.entities():
            assert data["kind"] == "entity" and data["type"] in ENTITY_TYPES and data["count"] >= 1
            assert 0.0 < data["salience"] <= 1.0
            assert all(m["speed"] in SPEEDS for m in data["motions"])
            for a in scene.attributes(eid):
                assert a["category"] in ("colour", "material", "size", "style", "state", "light", "shape")
                assert (a["rgb"] is not None) == (a["category"] == "colour")


def test_pronouns_and_coordination_resolve(ctx) -> None:
    scene, _ = build(ctx, "A man and his daughter build a sandcastle. He smiles while she digs. It collapses.")
    man, daughter, castle = entity(scene, "man"), entity(scene, "daughter"), entity(scene, "sandcastle")
    builders = {s for s, t, d in scene.relations("action") if t == castle and d["verb"] == "build"}
    assert builders == {man, daughter}
    records = scene.settings["sentences"]
    assert records[1]["subject"] == man
    assert scene.entity(man)["mentions"] == 3  # man, his, he
    assert scene.entity(castle)["mentions"] == 2  # sandcastle, it


def test_camera_language_becomes_cues(ctx) -> None:
    scene, _ = build(ctx, "A drone shot of a waterfall in a jungle. The camera slowly zooms in on a red parrot.")
    cues = scene.settings["camera_cues"]
    assert cues[0]["aerial"] and cues[0]["target"] == entity(scene, "waterfall")
    assert cues[1]["move"] == "zoom_in" and cues[1]["target"] == entity(scene, "parrot")
    assert scene.settings["location"] == "jungle" and scene.settings["setting"] == "forest"


def test_json_round_trip_and_serialisable(ctx) -> None:
    scene, _ = build(ctx, TOKYO)
    text = json.dumps(scene.to_json())
    again = Scene.from_json(json.loads(text))
    assert sorted(again.graph.nodes(data=True), key=str) == sorted(scene.graph.nodes(data=True), key=str)
    assert sorted(again.graph.edges(data=True), key=str) == sorted(scene.graph.edges(data=True), key=str)


def test_picture_is_an_image_and_shows_entities(ctx) -> None:
    _, picture = build(ctx, TOKYO)
    assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[2] == 3
    assert picture.shape[1] >= 1400 and picture.shape[0] >= 400
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 50  # drawn, not a blank canvas


def test_nothing_drawable_is_a_clear_error(ctx) -> None:
    with pytest.raises(NodeInputError) as err:
        build(ctx, "🌧️🚶‍♀️🌃✨")
    assert err.value.name == "doc" and "describe the scene in English" in str(err.value)
    with pytest.raises(NodeInputError, match="does not look like English"):
        build(ctx, "Une femme marche dans une rue sous la pluie.")


def test_long_prompt_builds(ctx) -> None:
    text = ("A tired traveler sits on a wooden bench and reads an old newspaper while a red tram passes. " * 220)[
        :20_000
    ]
    scene, picture = build(ctx, text)
    assert entity(scene, "traveler") and len(scene.settings["sentences"]) > 200
    assert picture.shape[1] <= 4000
