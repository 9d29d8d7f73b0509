"""Scheduling as a pure state machine: which planned node may start, and what follows a result.

All run state is in one structure; no threads, no I/O, so tests can step it by hand::

    state = RunState({"a": [], "b": ["a"], "c": ["a"]})
    state.take_ready()          # "a"
    state.finish("a", "succeeded")
    state.take_ready(), state.take_ready()   # "b", "c"
    state.fail("b")             # descendants of b become "skipped"

Node statuses: pending → running → succeeded | cached | failed; pending → skipped (an
upstream node failed) | cancelled (the run was cancelled before it started).
"""

from __future__ import annotations

from collections import deque

FINAL = frozenset({"succeeded", "cached", "failed", "skipped", "cancelled"})
DONE_OK = frozenset({"succeeded", "cached"})


class RunState:
    def __init__(self, dependencies: dict[str, list[str]]) -> None:
        """``dependencies[n]`` lists the nodes whose outputs ``n`` reads (duplicates allowed)."""
        self.status: dict[str, str] = {n: "pending" for n in dependencies}
        self.waiting_on: dict[str, int] = {}
        self.dependents: dict[str, list[str]] = {n: [] for n in dependencies}
        for node, deps in dependencies.items():
            unique = set(deps)
            self.waiting_on[node] = len(unique)
            for dep in unique:
                self.dependents[dep].append(node)
        self.ready: deque[str] = deque(n for n, count in self.waiting_on.items() if count == 0)
        self.running: set[str] = set()

    def take_ready(self) -> str | None:
        """The next node that may start (marked running), or None."""
        if not self.ready:
            return None
        node = self.ready.popleft()
        self.status[node] = "running"
        self.running.add(node)
        return node

    def finish(self, node: str, status: str = "succeeded") -> list[str]:
        """Record a success (``succeeded`` or ``cached``); returns the nodes that became ready."""
        assert status in DONE_OK, status
        self._settle(node, status)
        woken = []
        for child in self.dependents[node]:
            if self.status[child] != "pending":
                continue
            self.waiting_on[child] -= 1
            if self.waiting_on[child] == 0:
                self.ready.append(child)
                woken.append(child)
        return woken

    def fail(self, node: str, status: str = "failed") -> list[str]:
        """Record a failure (or a cancellation); returns the descendants now ``skipped``."""
        self._settle(node, status)
        skipped = []
        stack = list(self.dependents[node])
        while stack:
            child = stack.pop()
            if self.status[child] == "pending":
                self.status[child] = "skipped"
                skipped.append(child)
                stack.extend(self.dependents[child])
        return skipped

    def cancel_pending(self) -> list[str]:
        """Cancel everything not started yet."""
        self.ready.clear()
        cancelled = [n for n, s in self.status.items() if s == "pending"]
        for n in cancelled:
            self.status[n] = "cancelled"
        return cancelled

    def _settle(self, node: str, status: str) -> None:
        self.running.discard(node)
        self.status[node] = status

    @property
    def finished(self) -> bool:
        return not self.running and not self.ready

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.status.values():
            out[s] = out.get(s, 0) + 1
        return out
