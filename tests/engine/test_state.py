"""RunState stepped by hand, as its docstring promises: no engine, no threads."""

from __future__ import annotations

import pytest

from server.engine.state import RunState
from server.engine.status import NODE_OK, Status


def diamond() -> RunState:
    return RunState({"a": [], "b": ["a"], "c": ["a", "a"], "d": ["b", "c"]})


def test_a_diamond_steps_in_dependency_order():
    state = diamond()
    assert state.take_ready() == "a" and state.take_ready() is None
    assert state.status["a"] is Status.RUNNING and state.running == {"a"}
    assert state.finish("a", Status.SUCCEEDED) == ["b", "c"], "a duplicate dependency counts once"
    assert [state.take_ready(), state.take_ready()] == ["b", "c"]
    assert state.finish("b") == [], "d still waits for c"
    assert state.finish("c", Status.CACHED) == ["d"]
    assert state.take_ready() == "d"
    state.finish("d")
    assert state.status == {"a": "succeeded", "b": "succeeded", "c": "cached", "d": "succeeded"}
    assert not state.running and not state.ready


def test_a_failure_skips_every_descendant_and_nothing_else():
    state = RunState({"a": [], "b": ["a"], "c": ["b"], "x": []})
    state.take_ready(), state.take_ready()
    assert sorted(state.fail("a")) == ["b", "c"]
    assert state.status["b"] is Status.SKIPPED and state.status["c"] is Status.SKIPPED
    assert state.status["x"] is Status.RUNNING
    assert state.finish("x") == [] and state.take_ready() is None


def test_cancelling_marks_what_has_not_started():
    state = RunState({"a": [], "b": [], "c": ["a"]})
    assert state.take_ready() == "a"
    assert sorted(state.cancel_pending()) == ["b", "c"]
    assert state.take_ready() is None, "the ready queue is emptied"
    state.fail("a", Status.CANCELLED)
    assert set(state.status.values()) == {Status.CANCELLED}


def test_finish_and_fail_refuse_statuses_they_do_not_record():
    state = RunState({"a": []})
    state.take_ready()
    with pytest.raises(ValueError, match="records a success"):
        state.finish("a", Status.FAILED)
    with pytest.raises(ValueError, match="failed or cancelled"):
        state.fail("a", Status.SKIPPED)
    state.finish("a", "cached")  # a plain string is coerced to the enum
    assert state.status["a"] is Status.CACHED and Status.CACHED in NODE_OK


def test_statuses_are_their_strings():
    assert Status.SUCCEEDED == "succeeded" and f"{Status.PARTIAL}" == "partial"


def test_a_copy_steps_on_its_own():
    blank = diamond()
    first, second = blank.copy(), blank.copy()
    assert first.take_ready() == "a" and first.finish("a") == ["b", "c"]
    assert second.status == blank.status == dict.fromkeys("abcd", Status.PENDING), "the others did not move"
    assert second.take_ready() == "a" and sorted(second.fail("a")) == ["b", "c", "d"]
    assert first.status["b"] is Status.PENDING and list(first.ready) == ["b", "c"]
