"""The lead walker's steps are not blurred by crowd steps landing a few milliseconds earlier."""

from __future__ import annotations

from nodes.audio.footsteps import clear_for_lead
from nodes.datatypes import TimelineEvent


def step(t: float, who: str) -> TimelineEvent:
    return TimelineEvent(t, "footstep", who, {"foot": "left"})


def test_crowd_steps_just_before_a_lead_step_are_left_out() -> None:
    events = [step(1.0, "e0"), step(0.98, "e8.3"), step(1.005, "e8.4"), step(0.9, "e8.5"), step(1.05, "e8.6")]
    kept = clear_for_lead(events, "e0")
    assert [(e.time, e.entity) for e in kept] == [(1.0, "e0"), (0.9, "e8.5"), (1.05, "e8.6")]


def test_without_a_lead_nothing_changes() -> None:
    events = [step(1.0, "e8.1"), step(1.01, "e8.2")]
    assert clear_for_lead(events, None) == events
    assert clear_for_lead(events, "e0") == events
