"""Content-addressed results: node outputs by key, least recently used first out, bounded in bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .summary import sizeof
from .values import Expiring, implements


class ResultCache:
    """Thread-safe LRU of ``key → {output name: value}`` holding at most ``max_bytes``.

    A result larger than the whole budget is not kept. A value that knows it went stale
    (``is_valid()`` false, e.g. an output file was deleted) is a miss.
    """

    def __init__(self, max_bytes: int = 2 << 30) -> None:
        self.max_bytes = max_bytes
        # key → (outputs, bytes, the outputs that may go stale: checked on every hit)
        self._entries: OrderedDict[str, tuple[dict[str, Any], int, tuple[Any, ...]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (not entry[2] or all(v.is_valid() for v in entry[2])):
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]
            if entry is not None:
                self._drop(key)
            self.misses += 1
            return None

    def put(self, key: str, outputs: dict[str, Any]) -> None:
        size = sizeof(outputs)
        expiring = tuple(v for v in outputs.values() if implements(v, Expiring))
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if size > self.max_bytes:
                return
            self._entries[key] = (outputs, size, expiring)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        size = self._entries.pop(key)[1]
        self._bytes -= size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes
