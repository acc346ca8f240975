"""Batched, asynchronous article writer: a thread with a bounded queue doing bulk upserts.

The pipeline puts built article documents (``crawler.storage.models.build_article``) on the
queue; the thread writes a batch every ``batch_size`` documents or ``flush_interval``
seconds.  One batch is a few round trips whatever its size: read the stored versions,
save revisions of changed articles, upsert the articles, back-fill link targets, upsert the
links.  Every write is an idempotent upsert (``$set``/``$setOnInsert``/``$addToSet``), so
a batch that failed half-way is simply retried.

When the database stays unreachable past the retry limit the writer fails for good: the
batch and everything queued after it are counted in ``storage/unstored`` and logged at
ERROR with their URLs, and ``on_fatal`` is called once (the pipeline stops the crawl).
Nothing is marked as known in the database, so the next run fetches those pages again.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pymongo import UpdateMany, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure

from crawler.storage.indexes import ARTICLES, LINKS, REVISIONS
from crawler.storage.models import (
    INSERT_ONLY,
    NOT_STORED,
    REVISION_FIELDS,
    TOUCH_FIELDS,
    build_links,
    utcnow,
)

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000


class StorageUnavailable(RuntimeError):
    """The database could not be reached within the retry limit."""


class Stats(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


class Counts(Counter):
    """A stand-in for Scrapy's stats collector outside a crawl."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying: lost connections, no server, retryable write errors."""
    if isinstance(exc, ConnectionFailure):
        return True
    return isinstance(exc, OperationFailure) and exc.has_error_label("RetryableWriteError")


@dataclass
class _Op:
    """One write, kept as plain data so that it can be replayed one by one."""

    filter: dict[str, Any]
    update: dict[str, Any]
    upsert: bool = True
    many: bool = False

    def request(self) -> UpdateOne | UpdateMany:
        cls = UpdateMany if self.many else UpdateOne
        return cls(self.filter, self.update, upsert=self.upsert)


@dataclass
class _Plan:
    revisions: list[_Op] = field(default_factory=list)
    articles: list[_Op] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (_id, outcome)
    batch: list[dict[str, Any]] = field(default_factory=list)
    now: datetime = field(default_factory=utcnow)


_STOP = object()


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()


class ArticleWriter:
    """Writes article documents in batches from a thread of its own."""

    def __init__(
        self,
        db: Database,
        *,
        batch_size: int = 100,
        flush_interval: float = 2.0,
        queue_size: int = 1000,
        retry_times: int = 5,
        backoff: float = 0.5,
        backoff_max: float = 10.0,
        stats: Stats | None = None,
        on_fatal: Callable[[StorageUnavailable], None] | None = None,
    ) -> None:
        self.db = db
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.retry_times = retry_times
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.stats: Stats = stats if stats is not None else Counts()
        self.on_fatal = on_fatal
        self.failed: StorageUnavailable | None = None
        self.unstored: list[str] = []
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, queue_size))
        self._thread: threading.Thread | None = None

    # --- producer side (any thread) ---------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="newscrawl-writer", daemon=True)
        self._thread.start()

    def try_put(self, article: dict[str, Any]) -> bool:
        """Queue without blocking; False when the queue is full (apply back-pressure)."""
        try:
            self._queue.put_nowait(article)
        except queue.Full:
            return False
        return True

    def put(self, article: dict[str, Any], timeout: float | None = None) -> None:
        """Queue, waiting for room (call from a worker thread, never the reactor)."""
        self._queue.put(article, timeout=timeout)

    def flush(self, timeout: float | None = None) -> bool:
        """Write everything queued so far; True when done within ``timeout``."""
        marker = _Flush()
        self._queue.put(marker)
        return marker.done.wait(timeout)

    def close(self, timeout: float | None = None) -> None:
        """Write everything queued, then stop the thread."""
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)
        self._thread = None

    # --- writer thread ------------------------------------------------------------------------
    def _run(self) -> None:
        batch: list[dict[str, Any]] = []
        deadline = 0.0
        while True:
            wait = max(0.0, deadline - time.monotonic()) if batch else None
            try:
                obj = self._queue.get(timeout=wait)
            except queue.Empty:
                obj = None
            if obj is _STOP or isinstance(obj, _Flush):
                self._flush(batch)
                batch = []
                if obj is _STOP:
                    return
                obj.done.set()
                continue
            if obj is not None:
                if not batch:
                    deadline = time.monotonic() + self.flush_interval
                batch.append(obj)
            if batch and (len(batch) >= self.batch_size or time.monotonic() >= deadline):
                self._flush(batch)
                batch = []

    def _flush(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        if self.failed is not None:
            self._give_up(batch)
            return
        try:
            self.write_batch(batch)
        except Exception as exc:
            if isinstance(exc, StorageUnavailable):
                self.failed = exc
            else:
                logger.exception("unexpected error writing a batch of %d articles", len(batch))
                self.failed = StorageUnavailable(f"write failed: {exc!r}")
            self._give_up(batch)
            if self.on_fatal is not None:
                self.on_fatal(self.failed)

    def _give_up(self, batch: list[dict[str, Any]]) -> None:
        urls = [a["url"] for a in batch]
        self.unstored += urls
        self.stats.inc_value("storage/unstored", len(urls))
        logger.error("%d article(s) NOT stored (%s); the next run fetches them again: %s",
                     len(urls), self.failed, " ".join(urls))

    # --- one batch (also callable directly, synchronously) -------------------------------
    def write_batch(self, batch: list[dict[str, Any]]) -> None:
        """Write one batch, retrying transient errors with exponential back-off."""
        plan: _Plan | None = None
        attempt = 0
        while True:
            try:
                if plan is None:
                    plan = self._plan(batch)
                upserted = self._execute(plan)
                break
            except Exception as exc:
                if not is_transient(exc):
                    raise
                attempt += 1
                if attempt > self.retry_times:
                    raise StorageUnavailable(
                        f"database unavailable after {self.retry_times} retries: {exc}"
                    ) from exc
                delay = min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
                self.stats.inc_value("storage/retries")
                logger.warning("database write failed (%s); retry %d/%d in %.1fs",
                               exc.__class__.__name__, attempt, self.retry_times, delay)
                time.sleep(delay)
        self.stats.inc_value("storage/batches")
        for _id, outcome in plan.outcomes:
            if outcome in ("new", "duplicate") and _id not in upserted:
                outcome = "unchanged"  # another writer stored it first
            self.stats.inc_value(f"articles/{outcome}")

    def _plan(self, batch: list[dict[str, Any]]) -> _Plan:
        articles = self.db[ARTICLES]
        plan = _Plan(batch=batch)
        ids = list(dict.fromkeys(a["_id"] for a in batch))
        projection = {f: 1 for f in (*REVISION_FIELDS, "first_seen", "updated_at")}
        stored = {d["_id"]: d for d in articles.find({"_id": {"$in": ids}}, projection)}
        in_batch: dict[str, dict[str, Any]] = {}
        for art in batch:
            _id = art["_id"]
            prev = in_batch.get(_id) or stored.get(_id)
            if prev is None:
                outcome = "duplicate" if art.get("duplicate_of") else "new"
            elif art.get("merge_only") or (
                    prev.get("content_hash") == art["content_hash"]
                    and prev.get("title") == art["title"]):
                outcome = "unchanged"
            else:
                outcome = "updated"
                plan.revisions.append(self._revision_op(_id, prev, plan.now))
            if outcome == "unchanged":
                plan.articles.append(self._touch_op(art, plan.now))
            else:
                plan.articles.append(self._full_op(art, plan.now))
            plan.outcomes.append((_id, outcome))
            if outcome != "unchanged":
                in_batch[_id] = {**art, "last_seen": plan.now,
                                 "first_seen": (prev or {}).get("first_seen", plan.now),
                                 "updated_at": plan.now}
            elif _id not in in_batch:
                in_batch[_id] = {**prev, "last_seen": plan.now}
        return plan

    @staticmethod
    def _full_op(art: dict[str, Any], now: datetime) -> _Op:
        """Create or replace the content (new, changed, near-duplicate)."""
        fields = {k: v for k, v in art.items() if k not in (*INSERT_ONLY, *NOT_STORED)}
        fields["last_seen"] = now
        fields["updated_at"] = now
        on_insert = {k: art.get(k) for k in INSERT_ONLY}
        on_insert["first_seen"] = now
        return _Op({"_id": art["_id"]}, {
            "$set": fields,
            "$setOnInsert": on_insert,
            "$inc": {"fetch_count": 1},
            "$addToSet": {"aliases": {"$each": art["aliases"]}},
        })

    @staticmethod
    def _touch_op(art: dict[str, Any], now: datetime) -> _Op:
        """Seen again, same content: move last_seen, count the fetch, merge the URLs.

        Upserting (content only on insert) keeps it correct whatever the order of the
        batch's writes and even when the first copy was never stored.
        """
        fields = {k: art[k] for k in TOUCH_FIELDS}
        fields["last_seen"] = now
        on_insert = {k: v for k, v in art.items()
                     if k not in (*NOT_STORED, *TOUCH_FIELDS)}
        on_insert.update(first_seen=now, updated_at=now)
        return _Op({"_id": art["_id"]}, {
            "$set": fields,
            "$setOnInsert": on_insert,
            "$inc": {"fetch_count": 1},
            "$addToSet": {"aliases": {"$each": art["aliases"]}},
        })

    @staticmethod
    def _revision_op(article_id: str, prev: dict[str, Any], now: datetime) -> _Op:
        """The previous version of a changed article (id deterministic: replays are no-ops)."""
        seen_until = prev.get("last_seen")
        key = f"{article_id}\n{prev.get('content_hash')}\n{prev.get('title')}\n{seen_until}"
        doc = {f: prev.get(f) for f in REVISION_FIELDS if f != "last_seen"}
        doc.update(article_id=article_id, seen_from=prev.get("updated_at") or prev.get(
            "first_seen"), seen_until=seen_until, replaced_at=now)
        return _Op({"_id": hashlib.sha1(key.encode()).hexdigest()}, {"$setOnInsert": doc})

    def _execute(self, plan: _Plan) -> set[str]:
        """Run a plan's writes; return the ids of the articles it created."""
        if plan.revisions:
            _, _, n = bulk(self.db[REVISIONS], plan.revisions)
            self.stats.inc_value("revisions/new", n)
        upserted, _, _ = bulk(self.db[ARTICLES], plan.articles)
        self._write_links(plan)
        return upserted

    def _write_links(self, plan: _Plan) -> None:
        """Back-fill edges waiting for these articles, then upsert the batch's edges.

        Reads first, so that the writes are few: one query finds the waiting edges, one the
        stored edges of the batch, one the targets to resolve; unchanged edges then move
        ``last_seen`` in a single ``update_many``.
        """
        links = self.db[LINKS]
        owner: dict[str, str] = {}
        for art in plan.batch:
            for url in art["aliases"]:
                owner.setdefault(url, art["_id"])
        waiting: dict[str, list[str]] = {}
        for edge in links.find({"to_url": {"$in": list(owner)}, "to_id": None}, {"to_url": 1}):
            waiting.setdefault(owner[edge["to_url"]], []).append(edge["_id"])
        bulk(links, [_Op({"_id": {"$in": ids}}, {"$set": {"to_id": target}}, upsert=False,
                         many=True) for target, ids in waiting.items()])
        edges = {e["_id"]: e for a in plan.batch for e in build_links(a)}
        if not edges:
            return
        stored = {d["_id"]: d for d in links.find({"_id": {"$in": list(edges)}},
                                                  {"text": 1, "position": 1, "to_id": 1})}
        unresolved = list({e["to_url"] for _id, e in edges.items()
                           if not (stored.get(_id) or {}).get("to_id")})
        known: dict[str, str] = {}
        if unresolved:
            for doc in self.db[ARTICLES].find({"aliases": {"$in": unresolved}}, {"aliases": 1}):
                for url in doc.get("aliases", []):
                    known.setdefault(url, doc["_id"])
        touched, ops = [], []
        for _id, edge in edges.items():
            old = stored.get(_id)
            resolvable = edge["to_url"] in known
            if old is not None and old.get("text") == edge["text"] and (
                    old.get("position") == edge["position"]) and not (
                    resolvable and not old.get("to_id")):
                touched.append(_id)
                continue
            fields = {"text": edge["text"], "position": edge["position"], "last_seen": plan.now}
            on_insert = {"from_id": edge["from_id"], "to_url": edge["to_url"],
                         "label": edge["label"], "first_seen": plan.now}
            if resolvable:
                fields["to_id"] = known[edge["to_url"]]
            else:
                on_insert["to_id"] = None
            ops.append(_Op({"_id": _id}, {"$set": fields, "$setOnInsert": on_insert}))
        if touched:
            ops.append(_Op({"_id": {"$in": touched}}, {"$set": {"last_seen": plan.now}},
                           upsert=False, many=True))
        upserted, _, _ = bulk(links, ops)
        self.stats.inc_value("links/new", len(upserted))
        self.stats.inc_value("links/updated", len(stored))


def bulk(coll: Collection, ops: Iterable[_Op]) -> tuple[set[Any], int, int]:
    """Unordered bulk write; return (upserted ids, matched count, upserted count).

    Upserts racing another writer on the same ``_id`` fail with a duplicate-key error; they
    are replayed one by one and then match the other writer's document.  FerretDB answers a
    bulk write with errors without the counts pymongo expects (``KeyError``): replay too.
    """
    ops = list(ops)
    if not ops:
        return set(), 0, 0
    try:
        result = coll.bulk_write([op.request() for op in ops], ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        details = exc.details
        upserted = {u["_id"] for u in details.get("upserted", [])}
        matched = details.get("nMatched", 0)
        for err in errors:
            more, n = _replay(coll, ops[err["index"]])
            upserted |= more
            matched += n
        return upserted, matched, len(upserted)
    except KeyError:
        upserted, matched = set(), 0
        for op in ops:
            more, n = _replay(coll, op)
            upserted |= more
            matched += n
        return upserted, matched, len(upserted)
    ids = set(result.upserted_ids.values())
    return ids, result.matched_count, len(ids)


def _replay(coll: Collection, op: _Op) -> tuple[set[Any], int]:
    write = coll.update_many if op.many else coll.update_one
    for attempt in range(3):
        try:
            res = write(op.filter, op.update, upsert=op.upsert)
        except DuplicateKeyError:
            if attempt == 2:
                raise
            continue
        return ({res.upserted_id} if res.upserted_id is not None else set()), res.matched_count
    return set(), 0
