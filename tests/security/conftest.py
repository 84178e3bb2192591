"""Fixtures the fault tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.degradation import RedisServer


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the module's own, which its tests may kill and start again."""
    with RedisServer() as server:
        yield server
