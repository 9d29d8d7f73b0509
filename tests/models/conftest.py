"""Model tests run offline: any network access fails the test."""

from __future__ import annotations

import pytest

from .tiny import block_network


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)
