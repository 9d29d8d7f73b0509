"""Picture and sound agree: footsteps in the Tokyo soundtrack fall on the walk cycle's foot
contacts as the real renderer times them (not a hand-made timeline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from server.engine import Engine, Registry, Workflow
from tests.nodes.test_audio_support import match, onsets

ROOT = Path(__file__).resolve().parents[1]
FRAME = 1 / 24


@pytest.fixture(scope="module")
def tokyo(tmp_path_factory):
    workflow = Workflow.load(ROOT / "workflows" / "tokyo_walk.json")
    workflow.nodes["effects"].params["cues"] = "footsteps"  # footsteps alone, so each onset is a step
    engine = Engine(Registry.discover(), output_dir=tmp_path_factory.mktemp("out"))
    result = engine.run(workflow, targets=["effects", "scene"])
    assert result.status == "succeeded"
    return result.values


def test_footsteps_fall_on_the_walkers_foot_contacts(tokyo):
    timeline = tokyo["animatic"]["timeline"]
    audio = tokyo["effects"]["audio"]
    woman = tokyo["scene"]["scene"].find("woman")
    steps = np.array([e.time for e in timeline.of_kind("footstep") if e.entity == woman])
    assert len(steps) >= 12, "the woman walks for 10 s: at least a dozen foot contacts"
    # The crowd walks too (quieter, dense steps), so onsets may be as close as 50 ms apart.
    distances, _ = match(steps, onsets(audio.samples, audio.sample_rate, min_gap=0.05), FRAME)
    assert np.mean(distances <= FRAME) >= 0.9, f"steps off the picture's contacts by {np.round(distances, 3)}"


def test_the_soundtrack_lasts_as_long_as_the_picture(tokyo):
    frames = tokyo["animatic"]["frames"]
    audio = tokyo["effects"]["audio"]
    assert abs(audio.duration - frames.duration) <= FRAME
