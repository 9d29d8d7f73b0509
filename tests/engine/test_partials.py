"""Partial files and scratch folders are never swept from under a live writer, not even in the
instant between creating one and locking it (a sweep in another process, e.g. a Ray worker
starting beside one that writes to the same shared cache or temp folder)."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from server.engine import partials


@pytest.fixture
def sweep_at_the_worst_moment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Run a sweep after a writer has created its file or folder and before it takes its lock."""
    swept: list[Path] = []
    real_flock = fcntl.flock

    def flock_after_a_sweep(fd: int, operation: int) -> None:
        if operation == fcntl.LOCK_EX:  # a writer's blocking lock (sweeps ask LOCK_EX | LOCK_NB)
            swept.extend(partials.sweep(tmp_path))
            swept.extend(partials.sweep_scratch(tmp_path))
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock_after_a_sweep)
    return swept


@pytest.mark.parametrize("directory", [False, True])
def test_a_new_partial_survives_a_sweep_at_its_creation(tmp_path, sweep_at_the_worst_moment, directory):
    with partials.partial_path(tmp_path, directory=directory) as path:
        assert path.exists() and partials.is_partial(path.name)
        assert sweep_at_the_worst_moment == []
        assert partials.sweep(tmp_path) == []  # held while the writer lives
    assert not path.exists()


def test_a_new_scratch_folder_survives_a_sweep_at_its_creation(tmp_path, sweep_at_the_worst_moment):
    with partials.scratch_folder(tmp_path / "run-1") as folder:
        (folder / "frame.png").write_bytes(b"x")
        assert sweep_at_the_worst_moment == []
        assert partials.sweep_scratch(tmp_path) == []
    assert not folder.exists()


def test_a_scratch_folder_that_exists_already_is_locked_where_it_is(tmp_path):
    (tmp_path / "again" / "old").mkdir(parents=True)
    with partials.scratch_folder(tmp_path / "again") as folder:
        assert (folder / "old").is_dir()
        assert partials.sweep_scratch(tmp_path) == []
    assert not folder.exists()


def test_only_stale_staging_names_are_swept(tmp_path):
    fresh = tmp_path / f"{partials.PREFIX}aaaa{partials.STAGING}"
    stale = tmp_path / f"{partials.PREFIX}bbbb{partials.STAGING}"
    fresh.write_bytes(b"")
    stale.mkdir()
    old = time.time() - partials.STALE_STAGING_SECONDS - 60
    os.utime(stale, (old, old))
    assert partials.sweep(tmp_path) == [stale]
    assert partials.sweep_scratch(tmp_path) == []
    assert fresh.exists() and not stale.exists()
