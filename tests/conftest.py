"""Shared fixtures: a real MongoDB-wire server and the offline mirrors, on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pymongo
import pytest

from tests.fixtures_db import own_database

pytest_plugins = ["tests.fixtures_db", "tests.fixtures_mirror", "tests.fixtures_redis",
                  "tests.receivers", "tests.opsruns"]


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
