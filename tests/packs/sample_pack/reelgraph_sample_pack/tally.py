"""The TALLY value: how often each word occurs in a text, registered as a socket type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.engine.sockets import SocketType, register_socket_type


@dataclass(frozen=True)
class Tally:
    counts: tuple[tuple[str, int], ...]  # (word, count), most frequent first

    @property
    def nbytes(self) -> int:
        return 64 * len(self.counts)

    def summary(self) -> dict[str, Any]:
        return {"type": "TALLY", "words": len(self.counts), "top": self.counts[0][0] if self.counts else None}

    def to_json(self) -> dict[str, Any]:
        return {"counts": dict(self.counts)}


register_socket_type(
    SocketType("TALLY", "#4caf50", "Word counts of a text, most frequent first.", Tally, codec=None, owner="sample")
)
