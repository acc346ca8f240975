"""Database server fixtures: a real MongoDB-wire server on loopback, never a mock.

``mongo_server`` (session): ``MONGO_URI`` if set, else ``mongod`` on PATH, else FerretDB
(built once into the cache); stopped and removed at session end, also when tests fail.
``private_mongo_server`` (function): a factory of dedicated local servers that a test may
``stop()``, ``kill()`` and ``start()`` again (same port, same data); closed after the test.
``mongo_db`` (function): a fresh database on that server, dropped after the test; ``schema_db``
the same with the schema applied.  ``own_database(uri)``: a fresh database for a fixture of
wider scope than a test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pymongo
import pytest

from crawler.storage.server import (
    LocalServer,
    MongoServer,
    ServerUnavailable,
    local_server,
    resolve_server,
)


@contextmanager
def own_database(uri: str, prefix: str = "test") -> Iterator[pymongo.database.Database]:
    """A fresh, empty database on the server at ``uri``, dropped at the end."""
    client: pymongo.MongoClient = pymongo.MongoClient(uri, tz_aware=True)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        client.drop_database(name)
        client.close()


@pytest.fixture(scope="session")
def mongo_server() -> Iterator[MongoServer]:
    try:
        srv = resolve_server()
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    with srv:
        yield srv


@pytest.fixture
def private_mongo_server() -> Iterator[Callable[..., LocalServer]]:
    """``private_mongo_server()`` starts a local server of the test's own (even with
    ``MONGO_URI`` set); keyword arguments go to ``crawler.storage.server.local_server``."""
    started: list[LocalServer] = []

    def start(**kwargs: Any) -> LocalServer:
        try:
            srv = local_server(**kwargs)
        except ServerUnavailable as exc:
            pytest.fail(str(exc), pytrace=False)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.close()


@pytest.fixture
def mongo_db(mongo_server) -> Iterator[pymongo.database.Database]:
    """A fresh, empty database on the session's server, dropped after the test."""
    with own_database(mongo_server.uri) as db:
        yield db


@pytest.fixture
def schema_db(mongo_db) -> pymongo.database.Database:
    """A fresh database with every index created and every migration applied."""
    from crawler.storage.indexes import ensure_schema

    ensure_schema(mongo_db)
    return mongo_db
