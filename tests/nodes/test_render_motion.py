"""Motion from verbs: speed by class, heading from path prepositions, and gait-specific movement
as it shows up on screen (layout boxes)."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.render.motion import resolve_motion
from nodes.render.node import animatic
from tests.nodes import render_fixtures as fx


def speed(kind: str, verb: str, word: str = "walk") -> float:
    return resolve_motion(kind, {"verb": verb, "speed": word}, 1.0, "generic").speed


def test_speed_by_verb_and_class():
    assert speed("person", "run") > speed("person", "walk") > speed("person", "stalk") > 0
    assert speed("person", "sprint") > speed("person", "jog")
    assert speed("person", "walk", "slow") < speed("person", "walk") < speed("person", "walk", "fast")
    assert speed("car", "drive") > speed("quadruped", "walk")
    assert speed("flying_car", "fly") > speed("bird", "fly") > speed("person", "walk")
    assert speed("person", "stand") == 0 and speed("quadruped", "graze") == 0
    assert resolve_motion("person", {"verb": "walk", "speed": "run"}, 1.0, "generic").gait == "run"
    assert resolve_motion("car", {"verb": "walk"}, 1.0, "generic").gait == "drive"  # cars do not walk
    assert resolve_motion("person", None, 1.0, "generic").speed == 0  # no verb: stands


@pytest.mark.parametrize(
    ("prep", "direction", "check"),
    [
        ("across", None, lambda h: abs(h[0]) > 0.95),
        ("down", None, lambda h: h[2] < -0.5 and abs(h[0]) > 0.5),
        ("toward", None, lambda h: h[2] < -0.9),
        ("into", None, lambda h: h[2] > 0.7),
        ("along", None, lambda h: abs(h[0]) > 0.9 and h[2] < 0),
        ("through", None, lambda h: h[2] < -0.5),
        (None, "left", lambda h: h[0] < -0.9),
        ("across", "right", lambda h: h[0] > 0.95),
    ],
)
def test_heading_follows_path_prepositions(prep, direction, check):
    heading = resolve_motion("person", {"verb": "walk", "path_prep": prep, "direction": direction}, 1.0, "city").heading
    assert np.isclose(np.linalg.norm(heading), 1.0)
    assert check(heading)


def track(ctx, label: str, etype: str, verb: str, speed_word: str = "walk", seconds: float = 3.0) -> np.ndarray:
    """Screen centre (x, y) of a lone entity in every frame of a static wide shot."""
    b = fx.SceneBuilder(setting="generic", time_of_day="day")
    b.entity(label, etype, salience=1.0, motions=[fx.motion(verb, speed_word, prep="across")])
    shots = fx.plan(fx.shot(0, 0.0, seconds, "static", (0.5, 0.5, 1.0), (0.5, 0.5, 1.0)))
    out = animatic(ctx, animatic.parse_params({"width": 160, "height": 90, "fps": 10}), scene=b.scene(), shots=shots)
    boxes = [next((e["box"] for e in f if e["id"] == "e0"), [np.nan] * 4) for f in out["layout"].frames]
    return np.array([[(x0 + x1) / 2, (y0 + y1) / 2] for x0, y0, x1, y1 in boxes])  # NaN while out of view


def test_runner_crosses_faster_than_walker(ctx):
    walk = track(ctx, "man", "person", "walk")
    run = track(ctx, "man", "person", "run")
    assert not np.isnan(walk).any() and np.all(np.diff(walk[:, 0]) > 0)  # in view, steadily to the right
    steps = np.diff(run[:, 0])
    assert np.nanmean(steps) > 1.5 * np.diff(walk[:, 0]).mean()
    assert np.isnan(run[:, 0]).any()  # too fast to stay in a static frame: it runs through


def test_falling_things_drop_and_floating_things_bob(ctx):
    leaf = track(ctx, "leaf", "object", "fall", "still", seconds=2.0)
    assert np.diff(leaf[:8, 1]).min() > 0  # down the screen, faster and faster
    assert np.diff(leaf[:8, 1])[-1] > np.diff(leaf[:8, 1])[0]
    balloon = track(ctx, "balloon", "object", "float", "slow", seconds=4.0)
    dy = np.diff(balloon[:, 1])
    assert (dy > 0).any() and (dy < 0).any()  # up and down
