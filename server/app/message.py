"""One websocket message, whichever protocol it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["native", "comfy", "binary"]


@dataclass(frozen=True)
class Message:
    kind: Kind
    payload: str | bytes
