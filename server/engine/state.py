"""Scheduling as a pure state machine: which planned node may start, and what follows a result.

All run state is in one structure; no threads, no I/O, so tests can step it by hand::

    state = RunState({"a": [], "b": ["a"], "c": ["a"]})
    state.take_ready()          # "a"
    state.finish("a", Status.SUCCEEDED)
    state.take_ready(), state.take_ready()   # "b", "c"
    state.fail("b")             # descendants of b become Status.SKIPPED

Node statuses are :class:`~.status.Status` members: pending → running → succeeded | cached |
failed; pending → skipped (an upstream node failed) | cancelled (the run was cancelled before
it started). The engine's per-node results read their status from here.
"""

from __future__ import annotations

from collections import deque

from .status import NODE_OK, Status


class RunState:
    def __init__(self, dependencies: dict[str, list[str]]) -> None:
        """``dependencies[n]`` lists the nodes whose outputs ``n`` reads (duplicates allowed)."""
        self.status: dict[str, Status] = {n: Status.PENDING for n in dependencies}
        self.waiting_on: dict[str, int] = {}
        self.dependents: dict[str, list[str]] = {n: [] for n in dependencies}
        for node, deps in dependencies.items():
            unique = set(deps)
            self.waiting_on[node] = len(unique)
            for dep in unique:
                self.dependents[dep].append(node)
        self.ready: deque[str] = deque(n for n, count in self.waiting_on.items() if count == 0)
        self.running: set[str] = set()

    def copy(self) -> RunState:
        """An independent state at the same point, without rebuilding the graph: a reused plan
        keeps a blank state and each run starts from a copy (``dependents`` never changes
        after construction, so it is shared)."""
        twin = RunState.__new__(RunState)
        twin.status = dict(self.status)
        twin.waiting_on = dict(self.waiting_on)
        twin.dependents = self.dependents
        twin.ready = deque(self.ready)
        twin.running = set(self.running)
        return twin

    @classmethod
    def settled(cls, statuses: dict[str, str]) -> RunState:
        """The state of a run that has ended elsewhere (another process, a Ray worker), read back
        from its record, so results rebuilt from JSON derive their status as live ones do."""
        state = cls({node: [] for node in statuses})
        state.ready.clear()
        state.status.update({node: Status(value) for node, value in statuses.items()})
        return state

    def take_ready(self) -> str | None:
        """The next node that may start (marked running), or None."""
        if not self.ready:
            return None
        node = self.ready.popleft()
        self.status[node] = Status.RUNNING
        self.running.add(node)
        return node

    def finish(self, node: str, status: Status = Status.SUCCEEDED) -> list[str]:
        """Record a success (``succeeded`` or ``cached``); returns the nodes that became ready."""
        if status.__class__ is not Status:
            status = Status(status)
        if status not in NODE_OK:
            raise ValueError(f"finish() records a success ({', '.join(NODE_OK)}), not {status!r}")
        self._settle(node, status)
        woken = []
        for child in self.dependents[node]:
            if self.status[child] is not Status.PENDING:
                continue
            self.waiting_on[child] -= 1
            if self.waiting_on[child] == 0:
                self.ready.append(child)
                woken.append(child)
        return woken

    def fail(self, node: str, status: Status = Status.FAILED) -> list[str]:
        """Record a failure (or a cancellation); returns the descendants now ``skipped``."""
        status = Status(status)
        if status not in (Status.FAILED, Status.CANCELLED):
            raise ValueError(f"fail() records failed or cancelled, not {status!r}")
        self._settle(node, status)
        skipped = []
        stack = list(self.dependents[node])
        while stack:
            child = stack.pop()
            if self.status[child] is Status.PENDING:
                self.status[child] = Status.SKIPPED
                skipped.append(child)
                stack.extend(self.dependents[child])
        return skipped

    def cancel_pending(self) -> list[str]:
        """Cancel everything not started yet."""
        self.ready.clear()
        cancelled = [n for n, s in self.status.items() if s is Status.PENDING]
        for n in cancelled:
            self.status[n] = Status.CANCELLED
        return cancelled

    def _settle(self, node: str, status: Status) -> None:
        self.running.discard(node)
        self.status[node] = status
