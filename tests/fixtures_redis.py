"""Redis fixtures: a real redis-server on loopback, never fakeredis or a mock.

``redis_server`` (session): ``NEWSCRAWL_REDIS_URL`` if set, else ``redis-server`` on PATH
on a free loopback port (``make redis`` installs it); stopped at session end.
``private_redis_server()`` (function): a local server of the test's own, which the test
may ``stop()``, ``kill()`` and ``start()`` again on the same port.
``redis_prefix``: a key prefix of the test's own, so tests sharing a server never meet.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator

import pytest

from crawler.distributed.server import (
    LocalRedisServer,
    RedisServer,
    RedisUnavailable,
    resolve_redis,
    unavailable_message,
)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = resolve_redis()
    except RedisUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    with server:
        yield server


@pytest.fixture
def private_redis_server() -> Iterator[Callable[[], LocalRedisServer]]:
    started: list[LocalRedisServer] = []

    def start() -> LocalRedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(unavailable_message(), pytrace=False)
        server = LocalRedisServer(binary).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def redis_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"
