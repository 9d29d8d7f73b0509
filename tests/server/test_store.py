"""The SQLite queue and history on their own."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from server.store import Store

WF = {"format": "reelgraph.workflow", "version": 1, "title": "t", "nodes": {}, "links": []}


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db" / "runs.db")
    yield s
    s.close()


def test_queue_order_front_claim_and_finish(store):
    a = store.add(WF, client_id="c", targets=["x"], extra={"k": 1})
    b = store.add(WF)
    c = store.add(WF, front=True)
    assert (a.number, b.number, c.number) == (1, 2, 3)
    assert [r.id for r in store.queued()] == [c.id, a.id, b.id]
    claimed = store.claim_next()
    assert claimed.id == c.id and claimed.status == "running" and claimed.started
    assert [r.id for r in store.running()] == [c.id]
    store.set_nodes(c.id, {"n": {"status": "running"}})
    store.finish(c.id, "succeeded", {"files": {}})
    done = store.get(c.id)
    assert done.status == "succeeded" and done.final and done.result == {"files": {}}
    assert done.nodes == {"n": {"status": "running"}} and done.finished >= done.started
    assert store.get(a.id).targets == ["x"] and store.get(a.id).extra == {"k": 1}
    with pytest.raises(ValueError):
        store.finish(a.id, "running", None)
    with pytest.raises(KeyError):
        store.add(WF, run_id=a.id)


def test_reorder_cancel_delete_clear(store):
    ids = [store.add(WF).id for _ in range(4)]
    assert store.reorder([ids[3], "unknown", ids[1]]) == [ids[3], ids[1], ids[0], ids[2]]
    assert store.cancel_queued(ids[0]) and not store.cancel_queued(ids[0])
    assert store.get(ids[0]).status == "cancelled"
    running = store.claim_next()
    assert running.id == ids[3]
    assert store.delete([ids[3], ids[1]]) == 1  # a running run is not deleted
    assert store.clear(history=True) == 1  # the cancelled one
    assert store.clear(queued=True) == 1
    assert store.counts() == {
        "queued": 0,
        "running": 1,
        "succeeded": 0,
        "partial": 0,
        "failed": 0,
        "cancelled": 0,
        "interrupted": 0,
    }


def test_recover_and_requeue(tmp_path):
    path = tmp_path / "runs.db"
    first = Store(path)
    done = first.add(WF)
    first.claim_next()
    first.finish(done.id, "failed", {"error": "x"})
    crashed = first.add(WF, client_id="me")
    waiting = first.add(WF)
    first.claim_next()
    first.set_setting("queue_paused", True)
    # no close(): as if the process died
    second = Store(path)
    assert second.recover() == [crashed.id]
    assert second.get(crashed.id).status == "interrupted"
    assert [r.id for r in second.queued()] == [waiting.id]
    assert second.get(done.id).result == {"error": "x"}
    assert second.get_setting("queue_paused") is True and second.get_setting("missing", 7) == 7
    again = second.requeue(crashed.id, front=True)
    assert again.parent == crashed.id and again.client_id == "me" and again.status == "queued"
    assert [r.id for r in second.queued()] == [again.id, waiting.id]
    assert second.requeue(waiting.id) is None and second.requeue("nope") is None
    assert [r.id for r in second.finished()] == [crashed.id, done.id]
    assert [r.id for r in second.history(status="queued", newest_first=False)] == [waiting.id, again.id]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first.close()
    second.close()


def test_concurrent_claims_take_each_run_once(store):
    ids = {store.add(WF).id for _ in range(200)}
    taken: list[str] = []
    lock = threading.Lock()

    def worker():
        while (run := store.claim_next()) is not None:
            with lock:
                taken.append(run.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(ids)
