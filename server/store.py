"""The durable queue and history: one SQLite database in WAL mode, used only through :class:`Store`.

A run is one row. Its life::

    queued ──claim──► running ──finish──► succeeded | partial | failed | cancelled
       │                 │
       └─cancel─► cancelled   └─(server died)──► interrupted ──requeue──► a new queued run

Queue order is the ``position`` column (smaller runs first); ``number`` is the ever-growing
submission counter that ComfyUI clients show. Everything a run needs to execute again is in
its row (the workflow JSON, the targets), so a restart after ``kill -9`` finds the queue as it
was, and :meth:`Store.recover` marks the run that was executing as ``interrupted``.

All methods are thread-safe (one connection behind one lock) and quick: the HTTP handlers
call them on the event loop, the worker from its thread. WAL with ``synchronous=NORMAL`` is
durable against a crashed or killed process; a power cut may lose the last commits.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.engine.status import RUN_FINAL, RUN_STATUSES, Status

QUEUED, RUNNING = Status.QUEUED, Status.RUNNING
FINAL = RUN_FINAL
STATUSES = RUN_STATUSES

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id        TEXT PRIMARY KEY,
    number    INTEGER NOT NULL UNIQUE,
    position  REAL,
    status    TEXT NOT NULL,
    workflow  TEXT NOT NULL,
    targets   TEXT,
    client_id TEXT,
    extra     TEXT NOT NULL DEFAULT '{}',
    created   REAL NOT NULL,
    started   REAL,
    finished  REAL,
    nodes     TEXT NOT NULL DEFAULT '{}',
    result    TEXT,
    parent    TEXT
);
CREATE INDEX IF NOT EXISTS runs_queue ON runs (status, position);
CREATE INDEX IF NOT EXISTS runs_number ON runs (number);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Run:
    """One row of the ``runs`` table, JSON columns already parsed."""

    id: str
    number: int
    position: float | None
    status: str
    workflow: dict[str, Any]
    targets: list[str] | None
    client_id: str | None
    extra: dict[str, Any]
    created: float
    started: float | None
    finished: float | None
    nodes: dict[str, Any]
    result: dict[str, Any] | None
    parent: str | None

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def summary(self) -> dict[str, Any]:
        """The small listing form: no workflow, no per-node detail."""
        return {
            "run_id": self.id,
            "number": self.number,
            "status": self.status,
            "title": self.workflow.get("title", ""),
            "client_id": self.client_id,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "seconds": (self.finished - self.started) if self.finished and self.started else None,
            "parent": self.parent,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "targets": self.targets,
            "workflow": self.workflow,
            "nodes": self.nodes,
            "result": self.result,
            "extra": self.extra,
        }


def new_run_id() -> str:
    return str(uuid.uuid4())


class Store:
    """The runs table and a few settings (e.g. whether the queue is paused)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing -------------------------------------------------------------------
    def add(
        self,
        workflow: dict[str, Any],
        *,
        targets: list[str] | None = None,
        client_id: str | None = None,
        extra: dict[str, Any] | None = None,
        run_id: str | None = None,
        front: bool = False,
        parent: str | None = None,
    ) -> Run:
        """Queue a run (at the back, or at the front with ``front``). Raises ``KeyError`` if
        ``run_id`` is already taken."""
        run_id = run_id or new_run_id()
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                raise KeyError(run_id)
            number = self._db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM runs").fetchone()[0]
            edge = "MIN(position) - 1" if front else "MAX(position) + 1"
            position = self._db.execute(f"SELECT COALESCE({edge}, 0) FROM runs WHERE status = ?", (QUEUED,)).fetchone()[
                0
            ]
            self._db.execute(
                "INSERT INTO runs (id, number, position, status, workflow, targets, client_id, extra, created, parent)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    number,
                    position,
                    QUEUED,
                    json.dumps(workflow),
                    _dumps_or_none(targets),
                    client_id,
                    json.dumps(extra or {}),
                    time.time(),
                    parent,
                ),
            )
        return self._require(run_id)

    def claim_next(self) -> Run | None:
        """Atomically take the first queued run and mark it running."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._db.execute(
                "SELECT id FROM runs WHERE status = ? ORDER BY position, number LIMIT 1", (QUEUED,)
            ).fetchone()
            if row is None:
                return None
            self._db.execute(
                "UPDATE runs SET status = ?, started = ?, position = NULL WHERE id = ?",
                (RUNNING, time.time(), row["id"]),
            )
        return self.get(row["id"])

    def set_nodes(self, run_id: str, nodes: dict[str, Any]) -> None:
        """Record per-node state while a run executes, so a crash leaves a trace of progress."""
        with self._lock:
            self._db.execute("UPDATE runs SET nodes = ? WHERE id = ?", (json.dumps(nodes), run_id))

    def finish(
        self, run_id: str, status: str, result: dict[str, Any] | None, nodes: dict[str, Any] | None = None
    ) -> None:
        if status not in FINAL:
            raise ValueError(f"{status!r} is not a final status; one of {FINAL}")
        with self._lock:
            self._db.execute(
                "UPDATE runs SET status = ?, finished = ?, result = ?, nodes = COALESCE(?, nodes), position = NULL"
                " WHERE id = ?",
                (status, time.time(), _dumps_or_none(result), _dumps_or_none(nodes), run_id),
            )

    def cancel_queued(self, run_id: str) -> bool:
        """Cancel a run that has not started; False when it is not queued."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE runs SET status = 'cancelled', finished = ?, position = NULL WHERE id = ? AND status = ?",
                (time.time(), run_id, QUEUED),
            )
        return cur.rowcount == 1

    def delete(self, run_ids: Iterable[str]) -> int:
        """Forget runs that are not running (queued ones leave the queue). Returns how many."""
        ids = list(run_ids)
        with self._lock:
            cur = self._db.executemany("DELETE FROM runs WHERE id = ? AND status != 'running'", [(i,) for i in ids])
        return cur.rowcount

    def clear(self, *, queued: bool = False, history: bool = False) -> int:
        where = [f"'{s}'" for s in ((QUEUED,) if queued else ()) + (FINAL if history else ())]
        if not where:
            return 0
        with self._lock:
            return self._db.execute(f"DELETE FROM runs WHERE status IN ({', '.join(where)})").rowcount

    def reorder(self, run_ids: list[str]) -> list[str]:
        """Put the named queued runs first, in that order; the others keep their order after them.
        Returns the new queue order."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            current = [
                r[0]
                for r in self._db.execute("SELECT id FROM runs WHERE status = ? ORDER BY position, number", (QUEUED,))
            ]
            wanted = [i for i in dict.fromkeys(run_ids) if i in set(current)]
            order = wanted + [i for i in current if i not in set(wanted)]
            self._db.executemany("UPDATE runs SET position = ? WHERE id = ?", list(enumerate(order)))
        return order

    def recover(self) -> list[str]:
        """At start-up: runs left ``running`` by a dead process become ``interrupted``."""
        with self._lock:
            ids = [r[0] for r in self._db.execute("SELECT id FROM runs WHERE status = ?", (RUNNING,))]
            self._db.execute(
                "UPDATE runs SET status = 'interrupted', finished = ?, position = NULL WHERE status = ?",
                (time.time(), RUNNING),
            )
        return ids

    def requeue(self, run_id: str, *, front: bool = False) -> Run | None:
        """Queue a finished run again as a new run (history keeps the old one). None if unknown
        or not final."""
        old = self.get(run_id)
        if old is None or not old.final:
            return None
        return self.add(
            old.workflow, targets=old.targets, client_id=old.client_id, extra=old.extra, front=front, parent=old.id
        )

    # -- reading -------------------------------------------------------------------
    def get(self, run_id: str) -> Run | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run(row) if row else None

    def _require(self, run_id: str) -> Run:
        run = self.get(run_id)
        assert run is not None
        return run

    def queued(self) -> list[Run]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM runs WHERE status = ? ORDER BY position, number", (QUEUED,))
            return [_run(r) for r in rows]

    def queue_order(self) -> list[str]:
        """The ids of queued runs, next first."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM runs WHERE status = ? ORDER BY position, number", (QUEUED,))
            return [r[0] for r in rows]

    def running(self) -> list[Run]:
        with self._lock:
            return [_run(r) for r in self._db.execute("SELECT * FROM runs WHERE status = ?", (RUNNING,))]

    def history(
        self, *, status: str | None = None, limit: int = 100, offset: int = 0, newest_first: bool = True
    ) -> list[Run]:
        """Runs in submission order; all of them, or those with ``status``."""
        order = "DESC" if newest_first else "ASC"
        where, args = ("WHERE status = ?", [status]) if status else ("", [])
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM runs {where} ORDER BY number {order} LIMIT ? OFFSET ?", (*args, limit, offset)
            )
            return [_run(r) for r in rows]

    def finished(self, *, limit: int = 100, offset: int = 0) -> list[Run]:
        """Final runs, newest first."""
        marks = ", ".join("?" * len(FINAL))
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM runs WHERE status IN ({marks}) ORDER BY number DESC LIMIT ? OFFSET ?",
                (*FINAL, limit, offset),
            )
            return [_run(r) for r in rows]

    def page(
        self, statuses: Iterable[str], *, limit: int = 100, offset: int = 0, newest_first: bool = True
    ) -> tuple[list[Run], int]:
        """One page of the runs in ``statuses`` in submission order, and how many there are in all."""
        wanted = [s for s in dict.fromkeys(statuses) if s in STATUSES]
        if not wanted:
            return [], 0
        marks, order = ", ".join("?" * len(wanted)), "DESC" if newest_first else "ASC"
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM runs WHERE status IN ({marks})", wanted).fetchone()[0]
            rows = self._db.execute(
                f"SELECT * FROM runs WHERE status IN ({marks}) ORDER BY number {order} LIMIT ? OFFSET ?",
                (*wanted, limit, offset),
            )
            return [_run(r) for r in rows], total

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, COUNT(*) FROM runs GROUP BY status").fetchall()
        return {status: 0 for status in STATUSES} | {r[0]: r[1] for r in rows}

    def pending(self) -> tuple[int, int]:
        """(queued, running) counted through the status index: cheap however long the history."""
        with self._lock:
            queued = self._db.execute("SELECT COUNT(*) FROM runs WHERE status = ?", (QUEUED,)).fetchone()[0]
            running = self._db.execute("SELECT COUNT(*) FROM runs WHERE status = ?", (RUNNING,)).fetchone()[0]
        return queued, running

    # -- settings ------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def settings_under(self, prefix: str) -> dict[str, Any]:
        """Every setting whose key starts with ``prefix``, keyed without it."""
        with self._lock:  # substr, not LIKE: LIKE ignores ASCII case
            rows = self._db.execute(
                "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
            )
            return {r[0][len(prefix) :]: json.loads(r[1]) for r in rows}

    def set_settings(self, values: dict[str, Any]) -> None:
        """Set several settings in one transaction: a reader never sees half of them."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(k, json.dumps(v)) for k, v in values.items()],
            )

    def set_setting(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )


def _dumps_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _run(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"],
        number=row["number"],
        position=row["position"],
        status=row["status"],
        workflow=json.loads(row["workflow"]),
        targets=json.loads(row["targets"]) if row["targets"] else None,
        client_id=row["client_id"],
        extra=json.loads(row["extra"]),
        created=row["created"],
        started=row["started"],
        finished=row["finished"],
        nodes=json.loads(row["nodes"]),
        result=json.loads(row["result"]) if row["result"] else None,
        parent=row["parent"],
    )
