"""The persisted-results cache shared by many processes (``--cache-dir`` on a shared file system):
two writers of one key, a reader and an evicting process at once — never a torn entry, never an
error, nothing half-written left behind."""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import numpy as np

from server.engine.disk_cache import DiskCache

KEY = "ab" + "0" * 62
ROUNDS = 60
SIZE = 20_000
PARTS = 30  # files per entry: reading or deleting one takes a while, so races have room to happen


def _value() -> dict:
    parts = {f"part{i}": np.full(100, i, dtype=np.int32) for i in range(PARTS)}
    return {"frames": np.arange(SIZE, dtype=np.float64), "meta": {"shots": [1, 2, 3]}, **parts}


def _writer(root: str, rounds: int) -> int:
    cache = DiskCache(root)
    stored = 0
    for _ in range(rounds):
        stored += cache.put(KEY, _value())
    return stored


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _reader(root: str, rounds: int) -> tuple[int, int, int]:
    """(complete reads, misses, torn entries seen): a torn entry is one the cache had to drop as
    unreadable (it logs a warning), or one that reads back wrong (an assertion here)."""
    torn = _Count()
    logging.getLogger("reelgraph.disk_cache").addHandler(torn)
    cache = DiskCache(root)
    hits = misses = 0
    for _ in range(rounds * 20):
        got = cache.get(KEY)
        if got is None:
            misses += 1
            continue
        assert got["meta"] == {"shots": [1, 2, 3]}
        frames = np.asarray(got["frames"])
        assert frames.shape == (SIZE,) and frames[-1] == SIZE - 1 and frames.sum() == SIZE * (SIZE - 1) / 2
        assert all(int(got[f"part{i}"][0]) == i for i in range(PARTS))
        hits += 1
    return hits, misses, torn.count


def _evicter(root: str, rounds: int) -> None:
    """A process whose cache is tiny: every put of its own evicts the shared entry too."""
    cache = DiskCache(root, max_bytes=1)
    for i in range(rounds):
        cache.put(f"cd{i:062d}", {"x": np.zeros(10)})


def test_many_writers_one_key_no_torn_entries(tmp_path: Path) -> None:
    root = str(tmp_path / "shared")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        writers = [pool.apply_async(_writer, (root, ROUNDS)) for _ in range(2)]
        reader = pool.apply_async(_reader, (root, ROUNDS))
        evicter = pool.apply_async(_evicter, (root, ROUNDS))
        assert [w.get(300) for w in writers] == [ROUNDS, ROUNDS]  # every put reports the entry stored
        hits, misses, torn = reader.get(300)
        evicter.get(300)
    assert hits + misses == ROUNDS * 20 and torn == 0  # whole entries or none, however the races fell
    DiskCache(root).put(KEY, _value())
    assert np.asarray(DiskCache(root).get(KEY)["frames"])[-1] == SIZE - 1
    leftovers = [p for p in Path(root).rglob(".reelgraph-*")]
    assert leftovers == []


def test_an_entry_written_by_one_process_is_read_by_another(tmp_path: Path) -> None:
    root = str(tmp_path / "shared")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        assert pool.apply(_writer, (root, 1)) == 1
    got = DiskCache(root).get(KEY)
    assert got is not None and got["meta"] == {"shots": [1, 2, 3]}
