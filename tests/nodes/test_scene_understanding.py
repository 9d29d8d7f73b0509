"""Understanding fixes that feed the animatic: wearing idioms, companions, settings, shot names."""

from __future__ import annotations

import pytest

from nodes.scene.build import build_scene
from nodes.scene.model import SETTINGS, Scene
from nodes.scene.plan import plan_shots
from nodes.text.pipeline import analyse

from .test_text_analyze import TOKYO


def scene_of(text: str) -> Scene:
    return build_scene(analyse(text, "builtin"))


def wears(scene: Scene, who: str) -> set[str]:
    eid = scene.find(who)
    return {scene.entity(t)["label"] for s, t, d in scene.relations("wear") if s == eid}


def test_wearing_idioms_are_attributes_of_the_wearer_not_actions() -> None:
    scene = scene_of("A man dressed in a grey suit sporting a red hat holds a yellow umbrella in a park at dusk")
    assert wears(scene, "man") == {"suit", "hat"}  # the suit does not sport the hat
    tokyo = plan_shots(scene_of(TOKYO), 10.0)
    assert "rock" not in {s.action for s in tokyo.shots}
    outfit = next(s for s in tokyo.shots if s.sentence == 1)
    assert outfit.camera.move == "tilt" and outfit.action is None and "outfit" in outfit.prompt
    assert [s.subject_name for s in tokyo.shots][-1] == "people"  # the crowd passing keeps its shot


def test_led_and_flown_things_move_with_their_holder() -> None:
    walk = scene_of("An old man in a blue coat walks his dog down a quiet street")
    dog = walk.entity(walk.find("dog"))
    assert [m["verb"] for m in dog["motions"]] == ["walk"] and dog["motions"][0]["companion_of"] == walk.find("man")
    kite = scene_of("A boy flies a green kite on a sandy beach")
    boy = kite.entity(kite.find("boy"))["motions"][0]
    assert boy["verb"] == "fly" and boy["gait_verb"] == "stroll"  # the boy strolls; the kite flies
    assert [m["verb"] for m in kite.entity(kite.find("kite"))["motions"]] == ["fly"]


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("A camel walks across the desert", "desert"),
        ("A husky runs across a snowfield", "snowfield"),
        ("A swan swims on a lake", "lake"),
        ("A girl walks in a park", "park"),
        ("A horse stands on a farm", "farm"),
        ("A man walks across a bridge", "bridge"),
        ("A woman walks through a market", "market"),
        ("A turtle swims underwater", "underwater"),
        ("A plane flies through the clouds", "sky"),
        ("A rocket flies through space", "space"),
        ("A fox trots through a birch forest", "forest"),
    ],
)
def test_broader_settings(text: str, setting: str) -> None:
    assert setting in SETTINGS and scene_of(text).settings["setting"] == setting


def test_one_sentence_opens_into_establishing_action_and_closer_shots_named_by_their_words() -> None:
    plan = plan_shots(scene_of("A red fox trots through fresh snow in a birch forest"), 10.0)
    assert [s.camera.move for s in plan.shots] == ["pan", "track", "track"]
    assert [s.action for s in plan.shots] == [None, "trot", "trot"]
    assert {s.subject_name for s in plan.shots} == {"fox"} and plan.summary()["shots"][0]["subject_name"] == "fox"
