"""scrapy-redis's scheduler for one site of a distributed run: leases, run end, outages.

``SCHEDULER`` in distributed mode (``newscrawl crawl ... --redis URL``).  What it adds to
``scrapy_redis.scheduler.Scheduler``:

* the queue is :class:`crawler.distributed.queue.LeasedPriorityQueue` and the duplicate
  filter :class:`crawler.distributed.dupefilter.CanonicalUrlDupeFilter`, both under the
  run's keys (``crawler.distributed.run``), kept when a worker closes;
* few round trips to Redis per page: new requests are pushed in batches, together with
  the next pop (a start request at once, so that seeding is in Redis when the spider marks
  it done), and a pop leases up to ``NEWSCRAWL_REDIS_PREFETCH`` requests; after a pop found
  the queue empty, the next waits ``EMPTY_WAIT`` unless this worker pushed meanwhile;
* every ``NEWSCRAWL_REDIS_TICK`` seconds the worker, in one script, renews the leases of
  the requests it still holds, completes those whose articles the writer has stored
  (:mod:`crawler.distributed.leases`: a lease is done only after its article is in the
  database or its failure recorded) and puts expired leases of any worker back in the
  queue (``redis/requeued``); it also beats its liveness and refreshes the keys' expiry;
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
from collections import deque
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
from crawler.distributed.leases import Leases
from crawler.distributed.queue import LEASE_META, LeasedPriorityQueue, Push
from crawler.distributed.run import RunKeys, Seeding, end_run, worker_id
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
# New requests are pushed with the next pop, or after this many seconds, or when this many
# are waiting.
PUSH_DELAY = 0.05
PUSH_BATCH = 500
# Seconds a pop that found the queue empty is not repeated, unless this worker pushed.
EMPTY_WAIT = 0.2


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
        self.prefetch = max(1, s.getint("NEWSCRAWL_REDIS_PREFETCH"))
        self.queue: LeasedPriorityQueue
        self.leases = Leases()
        self.prefetched: deque[Request] = deque()  # leased, not handed to the engine yet
        self.pushes: list[tuple[Request, Push]] = []  # enqueued, not in Redis yet
        self.failed: str | None = None
        self._push_call: Any = None
        self._empty_until = 0.0
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
                                         self.lease_seconds, self.df.key)
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
        # Requests leased but never started go back to the queue.
        leases = self.leases.take_all()
        unstarted = [r.meta[LEASE_META] for r in self.prefetched]
        self.prefetched.clear()
        if self.failed is not None:
            return
        try:
            self._flush_pushes()
            if unstarted:
                self.queue.release(unstarted)
            if self._storage_ok():
                self.queue.maintain([], leases, limit=0)
                self.stats.inc_value("redis/completed", len(leases))
        except RedisError as exc:
            logger.warning("could not complete %d lease(s) at close: %s; they are "
                           "requeued when they expire", len(leases) + len(unstarted), exc)

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
        """Queue ``request`` for the next push (duplicates are filtered in Redis then:
        counted as ``dupefilter/filtered``, and the request is dropped without the
        ``request_dropped`` signal)."""
        if self.failed is not None:
            self.stats.inc_value("redis/unqueued")
            return False
        fingerprint = b"" if request.dont_filter else self.df.request_fingerprint(request)
        self.pushes.append((request, self.queue.encode(request, fingerprint)))
        if request.meta.get("is_start_request") or len(self.pushes) >= PUSH_BATCH:
            self._push_now()
        elif self._push_call is None:
            from twisted.internet import reactor  # installed by now (not at import)

            self._push_call = reactor.callLater(PUSH_DELAY, self._push_now)
        return True

    def next_request(self) -> Request | None:
        if self.failed is not None:
            return None
        if not self.prefetched and (self.pushes or time.monotonic() >= self._empty_until):
            try:
                leases = self._push_pop(self._room())
            except RedisError as exc:
                self._redis_failed(exc)
                return None
            self.prefetched.extend(self.queue.decode(lease) for lease in leases)
            if not leases:
                self._empty_until = time.monotonic() + EMPTY_WAIT
        if not self.prefetched:
            return None
        request = self.prefetched.popleft()
        self.leases.hold(request, request.meta[LEASE_META])
        self.stats.inc_value("redis/leased")
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _room(self) -> int:
        """Requests to lease now: the prefetch, but no more than the downloader takes at
        once, so that a worker does not sit on requests other workers could fetch."""
        downloader = getattr(self.crawler.engine, "downloader", None)
        if downloader is None:
            return 1
        return max(1, min(self.prefetch, downloader.total_concurrency - len(downloader.active)))

    def has_pending_requests(self) -> bool:
        if self.failed is not None:
            return False
        if self.prefetched or self.pushes:
            return True
        try:
            return len(self) > 0
        except RedisError as exc:
            self._redis_failed(exc)
            return False

    # --- pushes --------------------------------------------------------------------------------
    def _push_now(self) -> None:
        try:
            self._flush_pushes()
        except RedisError as exc:
            self._redis_failed(exc)

    def _flush_pushes(self) -> None:
        if self.pushes:
            self._push_pop(0)

    def _push_pop(self, count: int) -> list[bytes]:
        """Push what is waiting and lease up to ``count`` requests, in one round trip."""
        if self._push_call is not None and self._push_call.active():
            self._push_call.cancel()
        self._push_call = None
        pushes, self.pushes = self.pushes, []
        try:
            added, leases = self.queue.push_pop([p for _, p in pushes], count)
        except RedisError:
            self.stats.inc_value("redis/unqueued", len(pushes))
            raise
        for (request, _), new in zip(pushes, added, strict=True):
            if new:
                self.stats.inc_value("scheduler/enqueued/redis")
            else:
                self.df.log(request, self.spider)
        return leases

    # --- leases --------------------------------------------------------------------------------
    def tick(self) -> None:
        """Renew, complete and requeue leases; liveness; wake an idle engine."""
        if self.failed is not None:
            return
        self.leases.handled(self._inprogress())
        ready = self.leases.ready(self._writer())
        renew = [*self.leases.renewable(), *(r.meta[LEASE_META] for r in self.prefetched)]
        try:
            self._check_server()
            self._flush_pushes()  # before completing the leases of the requests they came from
            requeued = self.queue.maintain(renew, ready)
        except RedisError as exc:
            self._redis_failed(exc)
            return
        self._ticks += 1
        if ready:
            self.stats.inc_value("redis/completed", len(ready))
        self._count_requeued(requeued)
        self._poke()

    def _count_requeued(self, requeued: int) -> None:
        """Count and log requeued leases (``close`` repairs the links of a dead worker when
        this worker requeued any)."""
        if requeued:
            self.stats.inc_value("redis/requeued", requeued)
            logger.warning("%s: %d expired lease(s) requeued (a worker stopped or stalled)",
                           self.site, requeued)

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
        then this worker stops rather than take an empty queue for the end of the run.
        The same round trip beats this worker's liveness and, now and then, refreshes the
        expiry of the run's keys."""
        pipe = self.server.pipeline(transaction=False)
        pipe.info("server")
        pipe.zadd(self.keys.run("workers"), {worker_id(): time.time()})
        if self._ticks % TTL_EVERY == 0:
            for key in (self.queue.key, self.queue.leases_key, self.df.key,
                        self.keys.run("workers")):
                pipe.expire(key, self.ttl)
        server_run = pipe.execute()[0].get("run_id")
        if self._server_run is None:
            self._server_run = server_run
        elif server_run != self._server_run:
            raise RedisRestarted(f"the Redis server restarted (run {server_run})")

    # --- the end of the run ------------------------------------------------------------------
    def spider_idle(self, spider: Spider) -> None:
        """Keep an idle worker open while other workers may still produce requests."""
        if self.failed is not None:
            return
        try:
            if self.server.exists(self.keys.site(self.site, "ended")):
                return
            self._count_requeued(self.queue.requeue_expired())
            busy = (self.leases.held or self.leases.pending or self.prefetched
                    or len(self.queue) or self.queue.leased() or self._seeding_in_progress())
        except RedisError as exc:
            self._redis_failed(exc)
            return
        if self.leases.pending and (writer := self._writer()) is not None:
            writer.flush_soon()  # nothing else comes: complete the last leases now
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
