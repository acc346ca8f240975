"""Shared fixtures: a real MongoDB-wire server and the offline mirrors, on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pymongo
import pytest

pytest_plugins = ["tests.fixtures_db", "tests.fixtures_mirror", "tests.receivers",
                  "tests.opsruns"]


@pytest.fixture
def mongo_db(mongo_server) -> Iterator[pymongo.database.Database]:
    """A fresh, empty database on the session's server, dropped after the test."""
    client: pymongo.MongoClient = pymongo.MongoClient(mongo_server.uri, tz_aware=True)
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        client.drop_database(name)
        client.close()


@pytest.fixture
def schema_db(mongo_db) -> pymongo.database.Database:
    """A fresh database with every index created and every migration applied."""
    from crawler.storage.indexes import ensure_schema

    ensure_schema(mongo_db)
    return mongo_db
