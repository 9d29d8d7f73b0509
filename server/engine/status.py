"""The one status vocabulary of runs and of the nodes in them, shared by the state machine,
engine results, the store, the server's worker and the CLI's progress.

A ``StrEnum``: members are their strings, so JSON, SQLite rows and the browser see plain
``"succeeded"`` and comparisons with strings keep working.

Nodes: pending → running → succeeded | cached | failed; pending → skipped (an upstream node
failed) | cancelled (the run was cancelled before it started).
Runs: queued → running → succeeded | partial (some targets done) | failed | cancelled |
interrupted (the server stopped under it).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    QUEUED = "queued"
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    CACHED = "cached"
    PARTIAL = "partial"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


NODE_FINAL = frozenset({Status.SUCCEEDED, Status.CACHED, Status.FAILED, Status.SKIPPED, Status.CANCELLED})
NODE_OK = frozenset({Status.SUCCEEDED, Status.CACHED})  # its outputs exist
RUN_FINAL = (Status.SUCCEEDED, Status.PARTIAL, Status.FAILED, Status.CANCELLED, Status.INTERRUPTED)
RUN_STATUSES = (Status.QUEUED, Status.RUNNING, *RUN_FINAL)

# What a node event says about the node's status (the worker tracks live runs with it).
EVENT_STATUS = {
    "node_started": Status.RUNNING,
    "node_cached": Status.CACHED,
    "node_finished": Status.SUCCEEDED,
    "node_failed": Status.FAILED,
    "node_skipped": Status.SKIPPED,
}
