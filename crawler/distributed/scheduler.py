"""scrapy-redis's scheduler for one site of a distributed run: leases, run end, outages.

``SCHEDULER`` in distributed mode (``newscrawl crawl ... --redis URL``).  What it adds to
``scrapy_redis.scheduler.Scheduler``:

* the queue is :class:`crawler.distributed.queue.LeasedPriorityQueue` and the duplicate
  filter :class:`crawler.distributed.dupefilter.CanonicalUrlDupeFilter`, both under the
  run's keys (``crawler.distributed.run``), kept when a worker closes;
* every ``NEWSCRAWL_REDIS_TICK`` seconds the worker renews the leases it holds (requests
  it still works on, and handled ones whose articles the writer has not stored yet),
  completes the handled ones once the writer has stored what they produced
  (``ArticleWriter.flush``: a lease is done only after its article is in the database or
  its failure recorded; a slow database delays the completion but never lets the lease
  expire, which would fetch the page again), puts expired leases of any worker back in
  the queue (``redis/requeued``) and refreshes its liveness and the keys' expiry;
* a request counts as worked on while the engine holds it (Scrapy's engine slot keeps
  every request from scheduler to the end of its callback and item pipelines in
  ``inprogress``; no public API tells when a request is fully handled);
* the run ends by itself: a worker whose engine is idle closes once the site's queue and
  every worker's leases stayed empty, with seeding finished, for
  ``NEWSCRAWL_REDIS_IDLE_TIMEOUT`` seconds (plain scrapy-redis workers idle forever);
* a Redis error stops the worker with reason ``redis_unavailable`` (exit code 3) and one
  clear log line; what it held is leased in Redis or not stored, so running the same
  command again completes the crawl.
"""

from __future__ import annotations

import logging
import time
import warnings
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from crawler.distributed.dupefilter import CanonicalUrlDupeFilter
from crawler.distributed.queue import LEASE_META, LeasedPriorityQueue
from crawler.distributed.run import RunKeys, Seeding, end_run, register_worker, worker_id
from crawler.distributed.server import redact_url

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# scrapy-redis passes ``spider=`` to the stats collector, deprecated in Scrapy 2.13.
warnings.filterwarnings("ignore", message="Passing a 'spider' argument",
                        category=ScrapyDeprecationWarning, module="scrapy_redis")

CLOSE_REASON = "redis_unavailable"
# Expiry of the run's keys is refreshed every this many ticks.
TTL_EVERY = 30


class RedisRestarted(RedisError):
    """The server was restarted under the run (its queue may be gone)."""


def redis_client(url: str) -> Any:
    """A client that fails in seconds rather than blocking the reactor for long."""
    return get_redis(url=url, socket_timeout=5, socket_connect_timeout=5,
                     health_check_interval=30)


class LeasingScheduler(Scheduler):
    def __init__(self, crawler: Crawler, server: Any, keys: RunKeys, site: str) -> None:
        s = crawler.settings
        super().__init__(server, persist=True, queue_key=keys.site(site, "requests"),
                         queue_cls="crawler.distributed.queue.LeasedPriorityQueue",
                         dupefilter=CanonicalUrlDupeFilter(server, keys.site(site, "seen")))
        self.crawler = crawler
        self.stats = crawler.stats
        self.keys = keys
        self.site = site
        self.url = s.get("NEWSCRAWL_REDIS_URL")
        self.run_name = s.get("NEWSCRAWL_RUN_NAME")
        self.sites = s.getlist("NEWSCRAWL_RUN_SITES") or [site]
        self.lease_seconds = s.getfloat("NEWSCRAWL_REDIS_LEASE_TIMEOUT")
        self.tick_seconds = s.getfloat("NEWSCRAWL_REDIS_TICK")
        self.idle_timeout = s.getfloat("NEWSCRAWL_REDIS_IDLE_TIMEOUT")
        self.ttl = s.getint("NEWSCRAWL_REDIS_KEY_TTL")
        self.seeding = Seeding(server, keys.site(site, "seeded"), self.lease_seconds, self.ttl,
                               self.tick_seconds)
        self.queue: LeasedPriorityQueue
        self.held: dict[Request, bytes] = {}  # requests this worker took, not yet handled
        self.finished: list[bytes] = []  # handled, completed after the next store flush
        self.completing: list[bytes] = []  # handled, waiting for the store flush under way
        self.failed: str | None = None
        self._flushing = False
        self._ticks = 0
        self._idle_since: float | None = None
        self._loop: task.LoopingCall | None = None
        self._server_run: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasingScheduler:
        s = crawler.settings
        keys = RunKeys(s.get("NEWSCRAWL_REDIS_PREFIX"), s.get("NEWSCRAWL_RUN_ID"))
        server = redis_client(s.get("NEWSCRAWL_REDIS_URL"))
        scheduler = cls(crawler, server, keys, s.get("NEWSCRAWL_SITE") or "urls")
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # --- Scrapy's scheduler interface ------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedPriorityQueue(self.server, spider, self.queue_key,
                                         self.serializer, self.keys.site(self.site, "leases"),
                                         self.lease_seconds)
        self._check_server()
        self._loop = task.LoopingCall(self.tick)
        self._loop.start(self.tick_seconds, now=False)
        queued = len(self.queue)
        if queued:
            logger.info("%s: joining run %s with %d request(s) queued", self.site,
                        self.keys.run_id, queued)

    def close(self, reason: str) -> Deferred[None] | None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._complete_all()
        if self.stats.get_value("redis/requeued"):
            return deferToThread(self._repair_links)
        return None

    def _complete_all(self) -> None:
        # The engine closed the scheduler after every request it held was handled and the
        # pipelines closed (the writer flushed): complete them, unless storage failed.
        self.finished += [*self.completing, *self.held.values()]
        self.held.clear()
        if self.failed is None and self._storage_ok():
            try:
                self._complete(self.finished)
                self.finished = []
            except RedisError as exc:
                logger.warning("could not complete %d lease(s) at close: %s; they are "
                               "requeued when they expire", len(self.finished), exc)

    def _repair_links(self) -> None:
        """A worker died holding edges in memory (its writer inserts them with their target
        or at close): rebuild them from the stored articles, as the next writer's load
        would (``ArticleWriter.load``), and resolve edges left pending."""
        from crawler.discovery.frontier import open_database
        from crawler.storage.writer import ArticleWriter

        try:
            client, db = open_database(self.crawler.settings)
        except Exception as exc:
            logger.warning("could not repair the links of a stopped worker: %s", exc)
            return
        try:
            writer = ArticleWriter(db, stats=self.stats)
            writer.load()
            writer.saw_other_writer = True
            writer.close()
        except Exception as exc:
            logger.warning("could not repair the links of a stopped worker: %s", exc)
        finally:
            client.close()

    def enqueue_request(self, request: Request) -> bool:
        if self.failed is not None:
            self.stats.inc_value("redis/unqueued")
            return False
        try:
            return super().enqueue_request(request)
        except RedisError as exc:
            self._redis_failed(exc)
            self.stats.inc_value("redis/unqueued")
            return False

    def next_request(self) -> Request | None:
        if self.failed is not None:
            return None
        try:
            request = super().next_request()
        except RedisError as exc:
            self._redis_failed(exc)
            return None
        if request is not None:
            self.held[request] = request.meta[LEASE_META]
            self.stats.inc_value("redis/leased")
        return request

    def has_pending_requests(self) -> bool:
        if self.failed is not None:
            return False
        try:
            return len(self) > 0
        except RedisError as exc:
            self._redis_failed(exc)
            return False

    # --- leases --------------------------------------------------------------------------------
    def tick(self) -> None:
        """Renew, complete and requeue leases; liveness; wake an idle engine."""
        if self.failed is not None:
            return
        inprogress = self._inprogress()
        for request in [r for r in self.held if r not in inprogress]:
            self.finished.append(self.held.pop(request))
        try:
            self._check_server()
            self.queue.renew([*self.held.values(), *self.finished, *self.completing])
            self._requeue_expired()
            if self._ticks % TTL_EVERY == 0:
                self._refresh_keys()
            else:
                self.server.zadd(self.keys.run("workers"), {worker_id(): time.time()})
        except RedisError as exc:
            self._redis_failed(exc)
            return
        self._ticks += 1
        if self.finished and not self._flushing:
            batch, self.finished = self.finished, []
            self.completing = batch
            self._flushing = True
            d = deferToThread(self._store_barrier)
            d.addBoth(self._after_barrier, batch)
        self._poke()

    def _requeue_expired(self) -> None:
        """Requeue expired leases, counted: ``close`` repairs the links of a dead worker
        when this worker requeued any."""
        requeued = self.queue.requeue_expired()
        if requeued:
            self.stats.inc_value("redis/requeued", requeued)
            logger.warning("%s: %d expired lease(s) requeued (a worker stopped or stalled)",
                           self.site, requeued)

    def _after_barrier(self, stored: Any, batch: list[bytes]) -> None:
        self._flushing = False
        self.completing = []
        if stored is not True:  # storage failed or still retrying: keep for a later tick
            self.finished = batch + self.finished
            return
        try:
            self._complete(batch)
        except RedisError as exc:
            self._redis_failed(exc)

    def _complete(self, leases: list[bytes]) -> None:
        if leases:
            self.queue.complete(leases)
            self.stats.inc_value("redis/completed", len(leases))

    def _store_barrier(self) -> bool:
        """True once everything the pipelines handed to the writer is stored (a thread)."""
        writer = self._writer()
        if writer is None:
            return True
        done = writer.flush(timeout=max(1.0, self.lease_seconds / 2))
        return bool(done) and writer.failed is None

    def _storage_ok(self) -> bool:
        writer = self._writer()
        return writer is None or (writer.failed is None and not writer.unstored)

    def _writer(self) -> Any:
        scraper = getattr(self.crawler.engine, "scraper", None)
        for component in getattr(getattr(scraper, "itemproc", None), "middlewares", ()):
            writer = getattr(component, "writer", None)
            if writer is not None:
                return writer
        return None

    def _inprogress(self) -> set[Request]:
        slot = getattr(self.crawler.engine, "_slot", None)
        return slot.inprogress if slot is not None else set()

    def _poke(self) -> None:
        """Let an idle engine ask for requests now rather than at its 5 s heartbeat."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def _check_server(self) -> None:
        """A restarted server (new ``run_id``) lost the run unless it persists its data:
        then this worker stops rather than take an empty queue for the end of the run."""
        server_run = self.server.info("server").get("run_id")
        if self._server_run is None:
            self._server_run = server_run
        elif server_run != self._server_run:
            raise RedisRestarted(f"the Redis server restarted (run {server_run})")

    def _refresh_keys(self) -> None:
        pipe = self.server.pipeline(transaction=False)
        for key in (self.queue.key, self.queue.leases_key, self.df.key):
            pipe.expire(key, self.ttl)
        pipe.execute()
        register_worker(self.server, self.keys, self.ttl)

    # --- the end of the run ------------------------------------------------------------------
    def spider_idle(self, spider: Spider) -> None:
        """Keep an idle worker open while other workers may still produce requests."""
        if self.failed is not None:
            return
        try:
            if self.server.exists(self.keys.site(self.site, "ended")):
                return
            self._requeue_expired()
            busy = (len(self.queue) or self.queue.leased() or self.held or self.finished
                    or self._seeding_in_progress())
        except RedisError as exc:
            self._redis_failed(exc)
            return
        now = time.monotonic()
        if busy:
            self._idle_since = None
            raise DontCloseSpider
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_timeout:
            raise DontCloseSpider
        logger.info("%s: shared frontier empty for %.0fs: run %s ends", self.site,
                    self.idle_timeout, self.keys.run_id)
        try:
            end_run(self.server, self.keys, self.run_name, self.site, self.sites, self.ttl)
        except RedisError as exc:
            logger.warning("could not mark run %s ended: %s", self.keys.run_id, exc)

    def _seeding_in_progress(self) -> bool:
        state = self.server.get(self.seeding.key)
        return state is not None and not self.seeding.finished()

    # --- failures ------------------------------------------------------------------------------
    def _redis_failed(self, exc: Exception) -> None:
        if self.failed is not None:
            return
        self.failed = f"{type(exc).__name__}: {exc}"
        self.stats.set_value("redis/error", self.failed[:200])
        logger.error("Redis at %s unavailable (%s): stopping this worker (exit code 3); "
                     "run the same command again to finish the crawl",
                     redact_url(self.url), self.failed)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
