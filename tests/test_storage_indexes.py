"""Indexes and migrations: idempotent start-up, version bookkeeping."""

from __future__ import annotations

import pytest

from crawler.storage import indexes
from crawler.storage.client import capabilities
from crawler.storage.indexes import (
    INDEXES,
    MIGRATIONS,
    SCHEMA_VERSION,
    ensure_schema,
    migrate,
    schema_version,
)


def index_names(db, collection: str) -> set[str]:
    return {ix["name"] for ix in db[collection].list_indexes()}


def test_ensure_schema_twice_is_idempotent(mongo_db):
    ensure_schema(mongo_db)
    first = {c: index_names(mongo_db, c) for c in INDEXES}
    ensure_schema(mongo_db)
    assert {c: index_names(mongo_db, c) for c in INDEXES} == first
    for collection, models in INDEXES.items():
        assert {m.document["name"] for m in models} <= first[collection]
    assert schema_version(mongo_db) == SCHEMA_VERSION
    has_text = "fulltext" in first["articles"]
    assert has_text == capabilities(mongo_db).text_index


def test_canonical_url_is_unique(mongo_db):
    from pymongo.errors import DuplicateKeyError

    ensure_schema(mongo_db)
    mongo_db.articles.insert_one({"_id": "a", "canonical_url": "https://x.example/a/"})
    with pytest.raises(DuplicateKeyError):
        mongo_db.articles.insert_one({"_id": "b", "canonical_url": "https://x.example/a/"})


def test_migrations_run_in_order_once(mongo_db, monkeypatch):
    ensure_schema(mongo_db)
    ran: list[int] = []
    registry = dict(MIGRATIONS)
    registry[SCHEMA_VERSION + 1] = lambda db: ran.append(SCHEMA_VERSION + 1)
    registry[SCHEMA_VERSION + 2] = lambda db: ran.append(SCHEMA_VERSION + 2)
    monkeypatch.setattr(indexes, "MIGRATIONS", registry)
    assert migrate(mongo_db, SCHEMA_VERSION + 2) == [SCHEMA_VERSION + 1, SCHEMA_VERSION + 2]
    assert migrate(mongo_db, SCHEMA_VERSION + 2) == []
    assert ran == [SCHEMA_VERSION + 1, SCHEMA_VERSION + 2]
    assert schema_version(mongo_db) == SCHEMA_VERSION + 2
    with pytest.raises(RuntimeError, match="newer than this code"):
        migrate(mongo_db, SCHEMA_VERSION)


def test_missing_migration_step_is_an_error(mongo_db):
    with pytest.raises(RuntimeError, match="no migration registered"):
        migrate(mongo_db, SCHEMA_VERSION + 5)


def test_version_2_migration_backfills_published_local_and_the_day_s_source(mongo_db):
    from datetime import UTC, datetime

    migrate(mongo_db, 1)
    mongo_db.articles.insert_many([
        {"_id": "a", "canonical_url": "https://x.example/a/", "schema_version": 1,
         "published_at": datetime(2019, 1, 14, 1, 59, tzinfo=UTC),
         "published_day": "2019-01-14", "provenance": {"title": "h1"}},
        {"_id": "b", "canonical_url": "https://x.example/b/", "schema_version": 1,
         "published_at": datetime(2019, 1, 13, 10, 0, tzinfo=UTC)},
        {"_id": "c", "canonical_url": "https://x.example/c/", "schema_version": 1,
         "published_at": None, "published_day": None},
        {"_id": "d", "canonical_url": "https://x.example/d/", "schema_version": 2,
         "published_at": datetime(2019, 1, 14, 1, 59, tzinfo=UTC),
         "published_local": "2019-01-13T20:59:00-05:00", "published_day": "2019-01-13",
         "provenance": {"published_day": "page-offset"}},
    ])
    assert migrate(mongo_db, 2) == [2]
    docs = {d["_id"]: d for d in mongo_db.articles.find()}
    assert docs["a"]["published_local"] is None and docs["a"]["published_day"] == "2019-01-14"
    assert docs["a"]["provenance"] == {"title": "h1", "published_day": "utc"}
    assert docs["b"]["published_day"] == "2019-01-13"
    assert docs["b"]["provenance"] == {"published_day": "utc"}
    assert docs["c"]["published_local"] is None and "provenance" not in docs["c"]
    assert docs["d"]["published_day"] == "2019-01-13"  # already version 2: untouched
    assert docs["d"]["provenance"] == {"published_day": "page-offset"}
    indexes.MIGRATIONS[2](mongo_db)  # idempotent when re-run after a crash
    assert {d["_id"]: d for d in mongo_db.articles.find()} == docs
