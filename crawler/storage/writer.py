"""Batched, asynchronous article writer: a thread with a bounded queue doing bulk writes.

The pipeline puts built article documents (``crawler.storage.models.build_article``) on the
queue; the thread writes a batch every ``batch_size`` documents or ``flush_interval``
seconds.

The writer keeps a small in-memory view of the database (``crawler.storage.view``), read
once when it opens (one projected scan per collection) and kept up to date as it writes:

* every stored article's ``_id`` -> (content hash, title), to tell new, changed and
  unchanged articles apart without reading them;
* every URL (canonical or alias) -> article ``_id``, to resolve link targets;
* the pending link targets: ``to_url`` -> ids of the edges whose ``to_id`` is still empty;
* the held edges: while the writer thread runs, an edge whose target is not stored yet is
  kept in memory (keyed by target URL) and inserted once, with its ``to_id``, when a batch
  stores the target; the ones still held at :meth:`ArticleWriter.close` are inserted
  pending.  Above ``held_links_max`` the oldest are inserted pending at once.  Updating
  an edge costs more than inserting it on FerretDB, so this saves a back-fill per edge.

A crawl killed before ``close`` loses its held edges; the next writer's :meth:`load`
rebuilds every edge missing from ``links`` from the articles' embedded ``related`` lists.

With it, every write of a batch is either an ``insert_many`` of documents known to be new or
an update addressed by ``_id``.  Both are cheap everywhere; other filters (``$in`` on
``_id`` included) are full collection scans on FerretDB, and upserts that insert grow slower
with the collection there.  About 200 bytes per article and per pending edge and 300 per
held edge: a few tens of MB at 10,000 articles, never article bodies.

Other writers may write the same database at the same time.  An insert that meets their
document (duplicate key) falls back to reading it by ``_id`` and upserting, as if the
article had been known.  Edges waiting for an article another writer stored are resolved at
:meth:`ArticleWriter.close` with one reconciliation query; when a write met another
writer's document during the run, close first takes over every edge still pending in the
database, whoever wrote it; the next writer's open does the same.

When the database stays unreachable past the retry limit the writer fails for good: the
batch and everything queued after it are counted in ``storage/unstored`` and logged at
ERROR with their URLs, and ``on_fatal`` is called once (the pipeline stops the crawl).
Nothing is marked as known in the database, so the next run fetches those pages again.
"""

from __future__ import annotations

import hashlib
import itertools
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

from crawler import settings as defaults
from crawler.storage.indexes import ARTICLES, LINKS, REVISIONS
from crawler.storage.models import (
    INSERT_ONLY,
    NOT_STORED,
    REVISION_FIELDS,
    TOUCH_FIELDS,
    build_links,
    utcnow,
)
from crawler.storage.view import View

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# URLs per reconciliation query: one query for any realistic number of pending targets.
RECONCILE_CHUNK = 10000
# Updates per bulk command: FerretDB 1.24 (SQLite) stops answering on a bulk write that
# updates 100 or more existing documents.
BULK_CHUNK = 50
PREVIOUS_FIELDS = {f: 1 for f in (*REVISION_FIELDS, "first_seen", "updated_at")}


class StorageUnavailable(RuntimeError):
    """The database could not be reached within the retry limit."""


class Stats(Protocol):
    def inc_value(self, key: str, count: float = 1, start: float = 0) -> None: ...


class Counts(Counter):
    """A stand-in for Scrapy's stats collector outside a crawl."""

    def inc_value(self, key: str, count: float = 1, start: float = 0) -> None:
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
    """One batch's writes, decided from the in-memory view before anything is written."""

    batch: list[dict[str, Any]]
    now: datetime = field(default_factory=utcnow)
    revisions: list[_Op] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)  # new articles, whole docs
    updates: list[_Op] = field(default_factory=list)  # known articles, by _id, in order
    outcomes: dict[str, list[str]] = field(default_factory=dict)  # _id -> outcomes
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)  # _id -> (hash, title)
    owners: dict[str, str] = field(default_factory=dict)  # URL -> _id, this batch's
    new_ids: set[str] = field(default_factory=set)  # articles inserted by this plan
    attempts: int = 0


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
        held_links_max: int = defaults.NEWSCRAWL_STORE_HELD_LINKS_MAX,
        slow_batch: float = defaults.NEWSCRAWL_STORE_SLOW_BATCH,
    ) -> None:
        self.db = db
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.retry_times = retry_times
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.stats: Stats = stats if stats is not None else Counts()
        self.on_fatal = on_fatal
        self.held_links_max = max(0, held_links_max)
        self.slow_batch = slow_batch
        # Edges are held only while the thread runs (start() ... close() inserts them all);
        # direct write_batch() callers get every edge inserted at once.
        self.hold_links = False
        # Set when a write met another writer's document: then close() also resolves the
        # edges that writer left pending (see _adopt_pending).
        self.saw_other_writer = False
        self.failed: StorageUnavailable | None = None
        self.unstored: list[str] = []
        self.view: View | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, queue_size))
        self._thread: threading.Thread | None = None

    # --- the in-memory view -------------------------------------------------------------------
    def load(self) -> None:
        """Read the view (blocking; call it off the reactor), then resolve the edges whose
        targets are already stored, e.g. by a writer that ran alongside an earlier one."""
        started = time.perf_counter()
        view = View()
        expected: dict[str, dict[str, Any]] = {}
        for doc in self.db[ARTICLES].find({}, {"content_hash": 1, "title": 1, "aliases": 1,
                                               "canonical_url": 1, "related": 1},
                                          batch_size=2000):
            urls = [doc.get("canonical_url"), *(doc.get("aliases") or ())]
            view.add_article(doc["_id"], doc.get("content_hash"), doc.get("title"),
                             (u for u in urls if u))
            if doc.get("related") and doc.get("canonical_url"):
                expected.update((e["_id"], e) for e in build_links(doc))
        for edge in self.db[LINKS].find({}, {"to_url": 1, "to_id": 1}, batch_size=5000):
            expected.pop(edge["_id"], None)
            if edge.get("to_url") and edge.get("to_id") is None:
                view.add_pending(edge["to_url"], edge["_id"])
        self.view = view
        rebuilt = self._rebuild(list(expected.values()))
        resolved = self._back_fill(list(view.pending))
        self.stats.inc_value("storage/load_ms", (time.perf_counter() - started) * 1000)
        logger.debug("writer view: %d article(s), %d URL(s), %d pending target(s); "
                     "%d edge(s) resolved", len(view.articles), len(view.owner),
                     len(view.pending), resolved)
        if rebuilt:
            logger.info("rebuilt %d link(s) missing since an interrupted crawl", rebuilt)

    def _rebuild(self, edges: list[dict[str, Any]]) -> int:
        """Insert edges of stored articles missing from ``links`` (a crawl killed while
        holding them), with their ``to_id`` when the target is stored, else pending."""
        if not edges:
            return 0
        view = self.view
        assert view is not None
        now = utcnow()
        docs = [self._edge_doc(e, view.owner.get(e["to_url"]), now) for e in edges]
        inserted, _ = self._insert_edges(docs)
        for doc in docs:
            if doc["to_id"] is None:
                view.add_pending(doc["to_url"], doc["_id"])
        self.stats.inc_value("links/new", inserted)
        self.stats.inc_value("links/rebuilt", inserted)
        return inserted

    def _ensure_view(self) -> View:
        if self.view is None:
            self.load()
        assert self.view is not None
        return self.view

    def reconcile(self) -> int:
        """Resolve pending edges whose targets another writer stored meanwhile (one query
        per ``RECONCILE_CHUNK`` URLs); returns how many edges got their ``to_id``."""
        if self.view is None or not self.view.pending:
            return 0
        started = time.perf_counter()
        view = self.view
        urls = list(view.pending)
        for start in range(0, len(urls), RECONCILE_CHUNK):
            chunk = urls[start:start + RECONCILE_CHUNK]
            for doc in self.db[ARTICLES].find({"aliases": {"$in": chunk}},
                                              {"content_hash": 1, "title": 1, "aliases": 1}):
                view.add_article(doc["_id"], doc.get("content_hash"), doc.get("title"),
                                 doc.get("aliases") or ())
        resolved = self._back_fill(urls)
        self.stats.inc_value("storage/ms_total", (time.perf_counter() - started) * 1000)
        return resolved

    def _adopt_pending(self) -> None:
        """Take over the edges still pending in the database, whoever wrote them, so that
        the last of several writers to close resolves them all (one query on the ``to_id``
        index; a scan on FerretDB, which is why it runs only after another writer showed
        up).  Besides edges that only the other writer saw, this repairs a ``to_id`` lost
        when FerretDB applied two writers' updates of one edge on top of each other."""
        view = self.view
        if view is None:
            return
        for edge in self.db[LINKS].find({"to_id": None}, {"to_url": 1}, batch_size=5000):
            if edge.get("to_url"):
                view.add_pending(edge["to_url"], edge["_id"])

    def _back_fill(self, urls: Iterable[str]) -> int:
        """Set ``to_id`` on the pending edges to any of ``urls`` that now has an owner."""
        view = self.view
        assert view is not None
        ops, done = [], []
        for url in urls:
            target = view.owner.get(url)
            if target is None or url not in view.pending:
                continue
            ops += [_Op({"_id": edge}, {"$set": {"to_id": target}}, upsert=False)
                    for edge in sorted(view.pending[url])]
            done.append(url)
        bulk(self.db[LINKS], ops)
        for url in done:
            del view.pending[url]
        if ops:
            self.stats.inc_value("links/back_filled", len(ops))
        return len(ops)

    # --- producer side (any thread) ---------------------------------------------------------
    def start(self) -> None:
        self.hold_links = self.held_links_max > 0
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
        """Write everything queued, stop the thread, then reconcile pending link targets."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None
        if self.failed is None:
            try:
                if self.view is not None and self.view.held:
                    started, cpu_started = time.perf_counter(), time.thread_time()
                    self._insert_held(list(self.view.held))
                    self.stats.inc_value("storage/ms_total",
                                         (time.perf_counter() - started) * 1000)
                    self.stats.inc_value("storage/cpu_ms",
                                         (time.thread_time() - cpu_started) * 1000)
                if self.saw_other_writer:
                    self._adopt_pending()
                self.reconcile()
            except Exception as exc:  # the articles are stored; a later open rebuilds them
                logger.warning("could not store held or resolve pending links at close: %r",
                               exc)
        self.hold_links = False

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
        started, cpu_started = time.perf_counter(), time.thread_time()
        plan: _Plan | None = None
        attempt = 0
        try:
            while True:
                try:
                    self._ensure_view()
                    if plan is None:
                        plan = self._plan(batch)
                    self._execute(plan)
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
        finally:
            self.stats.inc_value("storage/ms_total", (time.perf_counter() - started) * 1000)
            self.stats.inc_value("storage/cpu_ms", (time.thread_time() - cpu_started) * 1000)
        self.stats.inc_value("storage/batches")
        elapsed = time.perf_counter() - started
        if self.slow_batch and elapsed > self.slow_batch and not attempt:
            self.stats.inc_value("storage/slow_batches")
            logger.warning("slow database: a batch of %d article(s) took %.1fs (over %.1fs)",
                           len(batch), elapsed, self.slow_batch)
        for outcomes in plan.outcomes.values():
            for outcome in outcomes:
                self.stats.inc_value(f"articles/{outcome}")

    def _plan(self, batch: list[dict[str, Any]]) -> _Plan:
        """Decide every write from the view; reads only the previous version of a known
        article whose content changed (by ``_id``)."""
        view = self._ensure_view()
        plan = _Plan(batch=batch)
        # Earlier copies in this batch: _id -> the document a revision would record.
        in_batch: dict[str, dict[str, Any] | None] = {}
        for art in batch:
            _id = art["_id"]
            for url in art["aliases"]:
                if url not in view.owner:
                    plan.owners.setdefault(url, _id)
            version = plan.versions.get(_id) or view.articles.get(_id)
            if version is None:
                outcome = "duplicate" if art.get("duplicate_of") else "new"
                plan.inserts.append(self._new_doc(art, plan.now))
                plan.new_ids.add(_id)
            elif art.get("merge_only") or version == (art["content_hash"], art["title"]):
                outcome = "unchanged"
                plan.updates.append(self._touch_op(art, plan.now))
            else:
                outcome = "updated"
                prev = in_batch.get(_id)
                if prev is None:
                    prev = self.db[ARTICLES].find_one({"_id": _id}, PREVIOUS_FIELDS)
                if prev is not None:
                    plan.revisions.append(self._revision_op(_id, prev, plan.now))
                plan.updates.append(self._full_op(art, plan.now))
            plan.outcomes.setdefault(_id, []).append(outcome)
            if outcome != "unchanged":
                plan.versions[_id] = (art["content_hash"], art["title"])
                first = (in_batch.get(_id) or {}).get("first_seen", plan.now)
                in_batch[_id] = {**art, "last_seen": plan.now, "first_seen": first,
                                 "updated_at": plan.now}
            else:
                in_batch.setdefault(_id, None)
        return plan

    @staticmethod
    def _new_doc(art: dict[str, Any], now: datetime) -> dict[str, Any]:
        """The whole document of an article known to be new (what ``_full_op`` would
        create by upserting)."""
        doc = {"_id": art["_id"]}
        doc.update((k, v) for k, v in art.items() if k not in (*INSERT_ONLY, *NOT_STORED))
        doc.update((k, art.get(k)) for k in INSERT_ONLY)
        doc.update(first_seen=now, last_seen=now, updated_at=now, fetch_count=1,
                   aliases=list(dict.fromkeys(art["aliases"])))
        return doc

    @staticmethod
    def _full_op(art: dict[str, Any], now: datetime) -> _Op:
        """Create or replace the content (new, changed, near-duplicate)."""
        fields = {k: v for k, v in art.items() if k not in (*INSERT_ONLY, *NOT_STORED)}
        fields["last_seen"] = now
        fields["updated_at"] = now
        on_insert = {k: art.get(k) for k in INSERT_ONLY}
        on_insert["first_seen"] = now
        return _fetch_op(art, fields, on_insert)

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
        return _fetch_op(art, fields, on_insert)

    @staticmethod
    def _revision_op(article_id: str, prev: dict[str, Any], now: datetime) -> _Op:
        """The previous version of a changed article (id deterministic: replays are no-ops)."""
        seen_until = prev.get("last_seen")
        key = f"{article_id}\n{prev.get('content_hash')}\n{prev.get('title')}\n{seen_until}"
        doc = {f: prev.get(f) for f in REVISION_FIELDS if f != "last_seen"}
        doc.update(article_id=article_id, seen_from=prev.get("updated_at") or prev.get(
            "first_seen"), seen_until=seen_until, replaced_at=now)
        return _Op({"_id": hashlib.sha1(key.encode()).hexdigest()}, {"$setOnInsert": doc})

    def _execute(self, plan: _Plan) -> None:
        """Run a plan's writes, then bring the view up to date."""
        plan.attempts += 1
        articles = self.db[ARTICLES]
        if plan.revisions:
            _, _, n = bulk(self.db[REVISIONS], plan.revisions)
            self.stats.inc_value("revisions/new", n)
        for doc in insert(articles, plan.inserts):
            self._insert_lost(plan, doc)
        bulk(articles, plan.updates, ordered=True)
        self._write_links(plan)
        view = self.view
        assert view is not None
        for art in plan.batch:
            view.add_article(art["_id"], *plan.versions.get(
                art["_id"], view.articles.get(art["_id"], (art["content_hash"], art["title"]))),
                urls=art["aliases"])
        urls = {url for art in plan.batch for url in art["aliases"]}
        held = [i for url in urls for i in view.held.ids_to(url)]
        if held:
            self._insert_held(held)
        self._back_fill(urls)

    def _insert_lost(self, plan: _Plan, doc: dict[str, Any]) -> None:
        """A new article's insert met a stored document: another writer's, or this plan's
        own from an attempt cut short by a lost connection.  Store it as a known article."""
        _id = doc["_id"]
        self.saw_other_writer = True
        articles = self.db[ARTICLES]
        prev = articles.find_one({"_id": _id}, {**PREVIOUS_FIELDS, "fetch_count": 1})
        if plan.attempts > 1 and prev is not None and prev.get("first_seen") == plan.now and (
                prev.get("content_hash") == doc["content_hash"]):
            return  # this plan's own insert, from the attempt cut short
        art = next(a for a in plan.batch if a["_id"] == _id)
        outcomes = plan.outcomes[_id]
        if prev is None or art.get("merge_only") or (
                prev.get("content_hash"), prev.get("title")) == (doc["content_hash"],
                                                                 doc["title"]):
            outcomes[0] = "unchanged"  # another writer stored it first
            op = self._touch_op(art, plan.now)
        else:
            outcomes[0] = "updated"
            _, _, n = bulk(self.db[REVISIONS], [self._revision_op(_id, prev, plan.now)])
            self.stats.inc_value("revisions/new", n)
            op = self._full_op(art, plan.now)
        bulk(articles, [op])
        plan.new_ids.discard(_id)

    def _write_links(self, plan: _Plan) -> None:
        """Insert the edges of new articles whose targets are stored (held otherwise, see
        the module docstring); update those of known ones by ``_id`` and insert (or hold)
        the ones that matched nothing.  Targets resolve from the view."""
        view = self.view
        assert view is not None
        edges = {e["_id"]: e for a in plan.batch for e in build_links(a)}
        if not edges:
            return
        new_docs, updates, held = [], [], []

        def add(doc: dict[str, Any]) -> None:
            (held if doc["to_id"] is None and self.hold_links else new_docs).append(doc)

        for _id, edge in edges.items():
            target = view.owner.get(edge["to_url"]) or plan.owners.get(edge["to_url"])
            if _id in view.held:  # not in the database yet: refresh the held copy
                view.held.refresh(_id, edge["text"], edge["position"], plan.now)
                continue
            if edge["from_id"] in plan.new_ids:
                add(self._edge_doc(edge, target, plan.now))
                continue
            fields = {"text": edge["text"], "position": edge["position"], "last_seen": plan.now}
            if target is not None:
                fields["to_id"] = target
            updates.append(_Op({"_id": _id}, {"$set": fields}, upsert=False))
        links = self.db[LINKS]
        matched = 0
        if updates:
            _, matched, _ = bulk(links, updates)
            if matched < len(updates):
                # Some edges are new: find which, one write each, and insert those.
                matched = 0
                for op in updates:
                    if links.update_one(op.filter, op.update).matched_count:
                        matched += 1
                    else:
                        add(self._edge_doc(edges[op.filter["_id"]],
                                           op.update["$set"].get("to_id"), plan.now))
        inserted, more = self._insert_edges(new_docs)
        for doc in new_docs:
            if doc["to_id"] is None:
                view.add_pending(doc["to_url"], doc["_id"])
        for doc in held:
            view.held.hold(doc)
        self.stats.inc_value("links/new", inserted)
        self.stats.inc_value("links/updated", matched + more)
        over = len(view.held) - self.held_links_max
        if over > 0:
            self._insert_held(list(itertools.islice(view.held, over)))

    def _insert_held(self, edge_ids: list[str]) -> None:
        """Insert held edges with their ``to_id`` (pending when the target is still
        unknown), then forget them."""
        view = self.view
        assert view is not None
        docs = [view.held.doc(i) for i in edge_ids]
        for doc in docs:
            doc["to_id"] = view.owner.get(doc["to_url"])
        inserted, matched = self._insert_edges(docs)
        for doc in docs:
            view.held.discard(doc["_id"])
            if doc["to_id"] is None:
                view.add_pending(doc["to_url"], doc["_id"])
        self.stats.inc_value("links/new", inserted)
        if matched:
            self.stats.inc_value("links/updated", matched)

    def _insert_edges(self, docs: list[dict[str, Any]]) -> tuple[int, int]:
        """Insert whole edge documents; one that meets a stored edge (another writer's, or
        an attempt cut short) is merged into it instead.  Returns (inserted, merged)."""
        links = self.db[LINKS]
        lost = insert(links, docs)
        if lost:
            self.saw_other_writer = True
        for doc in lost:
            set_fields = {"text": doc["text"], "position": doc["position"],
                          "last_seen": doc["last_seen"]}
            on_insert = {k: doc[k] for k in ("from_id", "to_url", "label", "first_seen")}
            if doc["to_id"] is not None:
                set_fields["to_id"] = doc["to_id"]
            else:
                on_insert["to_id"] = None
            bulk(links, [_Op({"_id": doc["_id"]}, {"$set": set_fields,
                                                    "$setOnInsert": on_insert})])
        return len(docs) - len(lost), len(lost)

    @staticmethod
    def _edge_doc(edge: dict[str, Any], target: str | None, now: datetime) -> dict[str, Any]:
        return {"_id": edge["_id"], "from_id": edge["from_id"], "to_url": edge["to_url"],
                "label": edge["label"], "text": edge["text"], "position": edge["position"],
                "first_seen": now, "last_seen": now, "to_id": target}


def insert(coll: Collection, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unordered ``insert_many``; return the documents that met a duplicate key."""
    if not docs:
        return []
    try:
        coll.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        if exc.details.get("nInserted", 0) + len(errors) == len(docs):
            return [docs[e["index"]] for e in errors]
        return _insert_one_by_one(coll, docs)  # a server that stopped at the first error
    except KeyError:
        return _insert_one_by_one(coll, docs)
    return []


def _insert_one_by_one(coll: Collection, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lost = []
    for doc in docs:
        try:
            coll.insert_one(doc)
        except DuplicateKeyError:
            lost.append(doc)
    return lost


def _fetch_op(art: dict[str, Any], fields: dict[str, Any], on_insert: dict[str, Any]) -> _Op:
    """The upsert of one fetch of an article: set, insert-only fields, count, merge URLs."""
    return _Op({"_id": art["_id"]}, {
        "$set": fields,
        "$setOnInsert": on_insert,
        "$inc": {"fetch_count": 1},
        "$addToSet": {"aliases": {"$each": art["aliases"]}},
    })


def bulk(coll: Collection, ops: Iterable[_Op], *,
         ordered: bool = False) -> tuple[set[Any], int, int]:
    """Bulk write in commands of at most ``BULK_CHUNK`` operations; return (upserted ids,
    matched count, upserted count)."""
    ops = list(ops)
    upserted: set[Any] = set()
    matched = 0
    for start in range(0, len(ops), BULK_CHUNK):
        more, n, _ = _bulk(coll, ops[start:start + BULK_CHUNK], ordered=ordered)
        upserted |= more
        matched += n
    return upserted, matched, len(upserted)


def _bulk(coll: Collection, ops: list[_Op], *,
          ordered: bool = False) -> tuple[set[Any], int, int]:
    """One bulk write; return (upserted ids, matched count, upserted count).

    Upserts racing another writer on the same ``_id`` fail with a duplicate-key error; they
    are replayed one by one and then match the other writer's document.  FerretDB answers a
    bulk write with errors without the counts pymongo expects (``KeyError``): replay too.
    """
    if not ops:
        return set(), 0, 0
    try:
        result = coll.bulk_write([op.request() for op in ops], ordered=ordered)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        details = exc.details
        upserted = {u["_id"] for u in details.get("upserted", [])}
        matched = details.get("nMatched", 0)
        failed = [err["index"] for err in errors]
        if ordered:  # the rest after the first error did not run
            failed += range(failed[0] + 1, len(ops))
        for index in failed:
            more, n = _replay(coll, ops[index])
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
