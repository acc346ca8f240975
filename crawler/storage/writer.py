"""Batched, asynchronous article writer: a thread with a bounded queue doing bulk writes.

The pipeline puts built article documents (``crawler.storage.models.build_article``) on the
queue; the thread writes a batch every ``batch_size`` documents or ``flush_interval``
seconds.  Before planning a batch (``crawler.storage.batch``) the writer asks the crawl's
catalogue (``crawler.storage.catalogue``) about the batch's keys in one go: the stored
version of each article, the owner of each URL and link target, the edges waiting for the
batch's URLs.  Answers go into its view (``crawler.storage.view``: what this writer stored
or looked up during the run, never the whole archive).  Every write is then either an
``insert_many`` of documents known to be new or an update addressed by ``_id``.  Link edges
are the business of ``crawler.storage.edges``; bulk writes that tolerate FerretDB of
``crawler.storage.bulk``.  With each article the writer maintains its catalogue entry
(``crawler.storage.keys``), so that the next crawl need not read the articles.

Other writers may write the same database at the same time.  An insert that meets their
document (duplicate key) falls back to reading it by ``_id`` and upserting, as if the
article had been known; edges waiting for an article another writer stored are resolved at
:meth:`ArticleWriter.close`.

When the database stays unreachable past the retry limit the writer fails for good: the
batch and everything queued after it are counted in ``storage/unstored`` and logged at
ERROR with their URLs, and ``on_fatal`` is called once (the pipeline stops the crawl).
Nothing is marked as known in the database, so the next run fetches those pages again.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from pymongo.database import Database

from crawler import settings as defaults
from crawler.storage.batch import PREVIOUS_FIELDS, Plan, full_op, plan_batch, revision_op, touch_op
from crawler.storage.bulk import Op, bulk, insert, is_transient
from crawler.storage.catalogue import Catalogue
from crawler.storage.edges import Edges
from crawler.storage.indexes import ARTICLES, CATALOGUE, REVISIONS
from crawler.storage.keys import catalogue_doc, catalogue_update, other_urls, version_key
from crawler.storage.models import build_links
from crawler.storage.view import View

logger = logging.getLogger(__name__)


class StorageUnavailable(RuntimeError):
    """The database could not be reached within the retry limit."""


class Stats(Protocol):
    def inc_value(self, key: str, count: float = 1, start: float = 0) -> None: ...


_STOP = object()


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()


class Mark:
    """A point in the writer's queue (:meth:`ArticleWriter.mark`): reached once every
    document put before it is stored.  It does not make the writer write sooner."""

    def __init__(self) -> None:
        self.position: int | None = None  # documents ahead of it, set by the writer thread


class ArticleWriter:
    """Writes article documents in batches from a thread of its own."""

    def __init__(
        self,
        db: Database,
        *,
        stats: Stats,
        catalogue: Catalogue | None = None,
        batch_size: int = 100,
        flush_interval: float = 2.0,
        queue_size: int = 1000,
        retry_times: int = 5,
        backoff: float = 0.5,
        backoff_max: float = 10.0,
        on_fatal: Callable[[StorageUnavailable], None] | None = None,
        held_links_max: int = defaults.NEWSCRAWL_STORE_HELD_LINKS_MAX,
        slow_batch: float = defaults.NEWSCRAWL_STORE_SLOW_BATCH,
    ) -> None:
        self.db = db
        self.catalogue = catalogue if catalogue is not None else Catalogue(db=db)
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.retry_times = retry_times
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.stats: Stats = stats
        self.on_fatal = on_fatal
        self.held_links_max = max(0, held_links_max)
        self.slow_batch = slow_batch
        self.failed: StorageUnavailable | None = None
        self.unstored: list[str] = []
        self.view = View()
        self.edges = Edges(db, self.view, self.catalogue, self.stats, self.held_links_max)
        self._loaded = False
        self._received = 0  # documents the writer thread took from the queue
        self.stored = 0  # of which written (batches are written in queue order)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, queue_size))
        self._thread: threading.Thread | None = None

    @property
    def saw_other_writer(self) -> bool:
        """A write met another writer's document (then close() also resolves the edges
        that writer left pending)."""
        return self.edges.saw_other_writer

    # --- opening ------------------------------------------------------------------------
    def load(self) -> None:
        """Open the catalogue, rebuild the edges a killed crawl lost and resolve the
        pending edges whose targets are stored (blocking; call it off the reactor)."""
        started = time.perf_counter()
        catalogue = self.catalogue.open()
        rebuilt = self.edges.rebuild(catalogue.unlinked())
        resolved = 0
        if catalogue.digest is not None:
            urls = [u for u, _ in catalogue.all_pending()] if catalogue.digest.pending else []
            self.view.owner.update(catalogue.owners(urls))
            self.edges.look_up_pending(urls)
            resolved = self.edges.back_fill(urls)
        self._loaded = True
        self.stats.inc_value("storage/load_ms", (time.perf_counter() - started) * 1000)
        logger.debug("writer open: %d edge(s) resolved", resolved)
        if rebuilt:
            logger.info("rebuilt %d link(s) missing since an interrupted crawl", rebuilt)

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self.load()

    def reconcile(self) -> int:
        """Resolve this writer's pending edges whose targets another writer stored."""
        return self.edges.reconcile()

    # --- producer side (any thread) ---------------------------------------------------------
    def start(self) -> None:
        self.edges.hold = self.held_links_max > 0
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

    def flush_soon(self) -> None:
        """Ask for a write of everything queued so far, without waiting (nor blocking when
        the queue is full: a write is due then anyway)."""
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_Flush())

    def mark(self) -> Mark | None:
        """A mark behind everything queued so far (None when the queue is full): see
        :meth:`reached`.  Lets a caller learn when some documents are stored without
        forcing a write, so batches keep their size and interval."""
        mark = Mark()
        try:
            self._queue.put_nowait(mark)
        except queue.Full:
            return None
        return mark

    def reached(self, mark: Mark) -> bool:
        """Everything put before ``mark`` is stored (never, once the writer failed)."""
        return (mark.position is not None and self.failed is None
                and self.stored >= mark.position)

    def close(self, timeout: float | None = None) -> None:
        """Write everything queued, stop the thread, then reconcile pending link targets."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None
        if self.failed is None:
            started, cpu_started = time.perf_counter(), time.thread_time()
            try:
                self.edges.close()
            except Exception as exc:  # the articles are stored; a later open rebuilds them
                logger.warning("could not store held or resolve pending links at close: %r",
                               exc)
            self.stats.inc_value("storage/ms_total", (time.perf_counter() - started) * 1000)
            self.stats.inc_value("storage/cpu_ms", (time.thread_time() - cpu_started) * 1000)
        self.edges.hold = False

    # --- writer thread ------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._ensure_loaded()
        except Exception as exc:  # the first batch tries again, with retries
            logger.warning("writer open failed: %r", exc)
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
            if isinstance(obj, Mark):
                obj.position = self._received
            elif obj is not None:
                self._received += 1
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
            self.stored += len(batch)
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
        plan: Plan | None = None
        attempt = 0
        try:
            while True:
                try:
                    if plan is None:
                        self._prepare(batch)
                        plan = plan_batch(batch, self.view, self.db)
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

    def _prepare(self, batch: list[dict[str, Any]]) -> None:
        """Ask the catalogue, in one go, about the batch's articles, URLs and link targets
        the view does not know yet."""
        self._ensure_loaded()
        view, catalogue = self.view, self.catalogue
        ids = [a["_id"] for a in batch if a["_id"] not in view.articles]
        for _id, version in catalogue.versions(ids).items():
            view.articles[_id] = version
        urls = {u for a in batch for u in a["aliases"]}
        targets = {e["to_url"] for a in batch for e in build_links(a)}
        view.owner.update(catalogue.owners(u for u in urls | targets if u not in view.owner))
        self.edges.look_up_pending([u for u in urls if u not in view.pending])

    def _execute(self, plan: Plan) -> None:
        """Run a plan's writes, then bring the view up to date."""
        plan.attempts += 1
        articles = self.db[ARTICLES]
        if plan.revisions:
            _, _, n = bulk(self.db[REVISIONS], plan.revisions)
            self.stats.inc_value("revisions/new", n)
        for doc in insert(articles, plan.inserts):
            self._insert_lost(plan, doc)
        bulk(articles, plan.updates, ordered=True)
        self._write_entries(plan)
        self.edges.write(plan)
        view = self.view
        for art in plan.batch:
            _id = art["_id"]
            version = plan.versions.get(_id, view.articles.get(_id))
            if version is None:
                version = version_key(art["content_hash"], art["title"])
            view.add_article(_id, version, urls=art["aliases"])
        urls = list(dict.fromkeys(url for art in plan.batch for url in art["aliases"]))
        held = [i for url in urls for i in view.held.ids_to(url)]
        if held:
            self.edges.insert_held(held)
        self.edges.back_fill(urls)

    def _write_entries(self, plan: Plan) -> None:
        """The catalogue entries of the batch's articles: whole for new ones (listed in
        ``unlinked_articles`` while their edges may be held), updated for known ones."""
        held = self.edges.hold
        firsts: dict[str, dict[str, Any]] = {}
        for art in plan.batch:
            if art["_id"] in plan.new_ids:
                firsts.setdefault(art["_id"], art)
        new = [catalogue_doc(a) for a in firsts.values()]
        entries = self.db[CATALOGUE]
        ops = [Op({"_id": d["_id"]}, {"$set": {k: v for k, v in d.items() if k != "_id"}})
               for d in insert(entries, new)]
        for art in plan.batch:
            if firsts.get(art["_id"]) is art:
                continue
            if not art.get("merge_only"):
                ops.append(Op({"_id": art["_id"]}, catalogue_update(art, plan.now)))
            else:
                ops.append(Op({"_id": art["_id"]}, {"$addToSet": {"aliases": {
                    "$each": other_urls(art)}}}, upsert=False))
        bulk(entries, ops)
        if held:
            self.edges.mark([a["_id"] for a in firsts.values() if a.get("related")])

    def _insert_lost(self, plan: Plan, doc: dict[str, Any]) -> None:
        """A new article's insert met a stored document: another writer's, or this plan's
        own from an attempt cut short by a lost connection.  Store it as a known article."""
        _id = doc["_id"]
        self.edges.saw_other_writer = True
        articles = self.db[ARTICLES]
        prev = articles.find_one({"_id": _id}, {**PREVIOUS_FIELDS, "fetch_count": 1})
        if plan.attempts > 1 and prev is not None and prev.get("first_seen") == plan.now and (
                prev.get("content_hash") == doc["content_hash"]):
            return  # this plan's own insert, from the attempt cut short
        art = plan.article(_id)
        outcomes = plan.outcomes[_id]
        if prev is None or art.get("merge_only") or (
                prev.get("content_hash"), prev.get("title")) == (doc["content_hash"],
                                                                 doc["title"]):
            outcomes[0] = "unchanged"  # another writer stored it first
            op = touch_op(art, plan.now)
        else:
            outcomes[0] = "updated"
            _, _, n = bulk(self.db[REVISIONS], [revision_op(_id, prev, plan.now)])
            self.stats.inc_value("revisions/new", n)
            op = full_op(art, plan.now)
        bulk(articles, [op])
        plan.new_ids.discard(_id)
