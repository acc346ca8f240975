"""Collections, indexes and schema migrations, applied idempotently at start-up.

``ensure_schema(db)`` creates every index (``create_index`` with a fixed name is a no-op when
the index exists), then brings the ``meta`` document's ``schema_version`` up to
:data:`SCHEMA_VERSION` by running the registered migrations in order.  To change the stored
shape: bump ``SCHEMA_VERSION``, register ``@migration(N)`` doing the backfill (idempotent,
batch-wise, safe to re-run after a crash), and describe it in ``docs/data-model.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, OperationFailure

from crawler.storage.client import capabilities

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3

ARTICLES = "articles"
LINKS = "links"
REVISIONS = "revisions"
CRAWL_RUNS = "crawl_runs"
META = "meta"
CATALOGUE = "catalogue"
LINK_TARGETS = "link_targets"
UNLINKED = "unlinked_articles"
META_ID = "schema"

INDEXES: dict[str, list[IndexModel]] = {
    ARTICLES: [
        IndexModel([("canonical_url", ASCENDING)], name="canonical_url_unique", unique=True),
        IndexModel([("aliases", ASCENDING)], name="aliases"),
        IndexModel([("content_hash", ASCENDING)], name="content_hash"),
        IndexModel([("minhash_bands", ASCENDING)], name="minhash_bands"),
        IndexModel([("published_at", DESCENDING)], name="published_at"),
        IndexModel([("site", ASCENDING), ("published_at", DESCENDING)], name="site_published_at"),
        IndexModel([("updated_at", DESCENDING)], name="updated_at"),
        IndexModel([("duplicate_of", ASCENDING)], name="duplicate_of"),
        IndexModel([("categories", ASCENDING)], name="categories"),
    ],
    LINKS: [
        IndexModel([("from_id", ASCENDING)], name="from_id"),
        IndexModel([("to_url", ASCENDING)], name="to_url"),
        IndexModel([("to_id", ASCENDING)], name="to_id"),
    ],
    REVISIONS: [
        IndexModel([("article_id", ASCENDING), ("seen_until", DESCENDING)],
                   name="article_id_seen_until"),
    ],
    # The catalogue's aliases: where a link target or a known URL is not a canonical URL.
    CATALOGUE: [
        IndexModel([("aliases", ASCENDING)], name="aliases"),
    ],
    CRAWL_RUNS: [
        IndexModel([("started_at", DESCENDING)], name="started_at"),
    ],
}
TEXT_INDEX = IndexModel([("title", TEXT), ("description", TEXT), ("text", TEXT)],
                        name="fulltext", weights={"title": 10, "description": 4, "text": 1},
                        default_language="none")

Migration = Callable[[Database], None]
MIGRATIONS: dict[int, Migration] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register the step that brings a database from ``version - 1`` to ``version``."""
    def register(func: Migration) -> Migration:
        if version in MIGRATIONS:
            raise ValueError(f"two migrations for schema version {version}")
        MIGRATIONS[version] = func
        return func
    return register


@migration(1)
def _initial(db: Database) -> None:
    """Version 1 is the first stored shape: nothing to transform."""


@migration(2)
def _publisher_day(db: Database) -> None:
    """Version 2: ``published_local`` and the publisher's ``published_day``.

    Stored documents kept only the UTC instant, so their page offset is unknown: they get
    ``published_local: null``, and their ``published_day`` stays the UTC day with
    ``provenance.published_day = "utc"`` (filled in from ``published_at`` where missing).
    The next fetch of a page that changed re-extracts it with the page's own day.
    Idempotent: documents that already have ``published_local`` are left alone.
    """
    articles = db[ARTICLES]
    todo = {"published_local": {"$exists": False}}
    for doc in articles.find(todo, {"published_at": 1, "published_day": 1},
                             batch_size=1000):
        published = doc.get("published_at")
        update: dict[str, object] = {"published_local": None}
        if published is not None:
            if published.tzinfo is None:
                published = published.replace(tzinfo=UTC)
            update["published_day"] = doc.get("published_day") or (
                published.astimezone(UTC).strftime("%Y-%m-%d"))
            update["provenance.published_day"] = "utc"
        articles.update_one({"_id": doc["_id"]}, {"$set": update})


@migration(3)
def _catalogue(db: Database) -> None:
    """Version 3 adds the crawl catalogue (``catalogue``, ``link_targets``): an entry per
    stored article and per target URL with pending edges, built from what is stored.
    Idempotent (upserts by ``_id``), batch-wise."""
    from crawler.storage.bulk import Op, bulk
    from crawler.storage.keys import catalogue_doc, target_id

    fields = {"canonical_url": 1, "aliases": 1, "site": 1, "content_hash": 1, "title": 1,
              "minhash_bands": 1, "modified_at": 1, "published_at": 1, "last_seen": 1}
    ops: list[Op] = []
    for doc in db[ARTICLES].find({}, fields, batch_size=1000):
        if not doc.get("canonical_url"):
            continue
        entry = catalogue_doc(doc)
        ops.append(Op({"_id": entry.pop("_id")}, {"$set": entry}))
        if len(ops) >= 500:
            bulk(db[CATALOGUE], ops)
            ops = []
    bulk(db[CATALOGUE], ops)
    pending: dict[str, list[str]] = {}
    for edge in db[LINKS].find({"to_id": None}, {"to_url": 1}, batch_size=5000):
        if edge.get("to_url"):
            pending.setdefault(edge["to_url"], []).append(edge["_id"])
    bulk(db[LINK_TARGETS], [Op({"_id": target_id(url)}, {
        "$set": {"url": url}, "$addToSet": {"edges": {"$each": ids}}})
        for url, ids in pending.items()])


def supports_text_index(db: Database) -> bool:
    """Text indexes exist on MongoDB, not on FerretDB."""
    return capabilities(db).text_index


def ensure_indexes(db: Database, *, text_index: bool | None = None) -> list[str]:
    """Create every index (idempotent); return the names of the indexes ensured."""
    names: list[str] = []
    # One index per command: FerretDB 1.24 drops the connection on a multi-index
    # createIndexes whose indexes all exist already.
    for collection, models in INDEXES.items():
        for model in models:
            names += db[collection].create_indexes([model])
    if text_index is None:
        text_index = supports_text_index(db)
    if text_index:
        names += db[ARTICLES].create_indexes([TEXT_INDEX])
    else:
        logger.info("full-text index skipped: the server has no text indexes "
                    "(queries fall back to a regular expression, see docs/data-model.md)")
    return names


def schema_version(db: Database) -> int:
    meta = db[META].find_one({"_id": META_ID}) or {}
    return int(meta.get("schema_version", 0))


def migrate(db: Database, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply the registered migrations above the stored version; return the versions run."""
    current = schema_version(db)
    if current > target:
        raise RuntimeError(f"database schema version {current} is newer than this code "
                           f"({target}); upgrade newscrawl")
    applied = []
    for version in range(current + 1, target + 1):
        step = MIGRATIONS.get(version)
        if step is None:
            raise RuntimeError(f"no migration registered for schema version {version}")
        logger.info("migrating database %s to schema version %d", db.name, version)
        step(db)
        update = {"$set": {"schema_version": version, "migrated_at": datetime.now(UTC)}}
        try:
            db[META].update_one({"_id": META_ID}, update, upsert=True)
        except DuplicateKeyError:  # another writer's upsert inserted it first: update it
            db[META].update_one({"_id": META_ID}, update, upsert=True)
        applied.append(version)
    return applied


def ensure_schema(db: Database, *, text_index: bool | None = None) -> None:
    """Indexes and migrations: what every writer runs before its first write."""
    try:
        ensure_indexes(db, text_index=text_index)
    except OperationFailure as exc:
        raise RuntimeError(f"could not create indexes in {db.name}: {exc}") from exc
    migrate(db)
