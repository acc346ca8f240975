"""The pool of extraction workers one crawler owns.

The spider awaits :meth:`ExtractionPool.extract`.  Each worker has up to ``DEPTH`` pages
handed over, so it never waits for the event loop between pages.  A page that holds its
worker past ``NEWSCRAWL_WORKER_TIMEOUT`` gets the worker killed and replaced, a worker that
dies is replaced, and both count as a failed page while the crawl goes on; a page that was
only queued behind it is tried once more on another worker.  A worker is recycled
after ``NEWSCRAWL_WORKER_MAX_TASKS`` pages, which bounds its memory in long crawls.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import threading
import time
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.extraction.options import ExtractOptions
from crawler.extraction.result import ExtractionResult
from crawler.itemprocessor import cpu_timed
from crawler.workers.handle import Worker, WorkerDied, WorkerGone
from crawler.workers.process import EXTRACT_PAGE, failed, mp_context

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)


def worker_count(setting: int) -> int:
    return setting if setting > 0 else (os.cpu_count() or 1)


class PoolClosed(Exception):
    """The crawl is shutting down."""


# Pages handed to one worker at a time: the next one waits in the socket, so the worker starts
# it as soon as it answers the current one instead of idling until the event loop gets round
# to sending more.
DEPTH = 2


class ExtractionPool:
    """Worker processes running :func:`extract_page`, owned by one crawler."""

    def __init__(self, workers: int, timeout: float, max_tasks: int,
                 stats: StatsCollector | None = None,
                 options: ExtractOptions | None = None, extract: str = EXTRACT_PAGE) -> None:
        self.workers = workers
        self.timeout = timeout
        self.max_tasks = max_tasks
        self.stats = stats
        self.options = options or ExtractOptions()  # each page's url/profile filled in
        self.extract_target = extract
        self._ctx = mp_context()
        self._all: list[Worker] = []
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False
        self._crawler: Crawler | None = None
        self.started = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        s = crawler.settings
        pool = cls(worker_count(s.getint("NEWSCRAWL_WORKERS")),
                   s.getfloat("NEWSCRAWL_WORKER_TIMEOUT"),
                   s.getint("NEWSCRAWL_WORKER_MAX_TASKS"),
                   options=ExtractOptions.from_settings(s),
                   extract=s.get("NEWSCRAWL_WORKER_EXTRACT") or EXTRACT_PAGE)
        pool.prepare()
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        crawler.signals.connect(pool.bind_stats, signal=signals.spider_opened)
        pool._crawler = crawler
        return pool

    def bind_stats(self) -> None:
        """Stats exist once the crawl runs, not when the spider is built."""
        if self._crawler is not None:
            self.stats = self._crawler.stats
            self.stats.set_value("workers/count", self.workers)

    def _inc(self, key: str, count: float = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    # --- workers ------------------------------------------------------------------------
    def prepare(self) -> None:
        """Start the fork server in the background: it imports the extraction stack (about a
        second) while the crawl opens, so that starting the workers later does not block
        the reactor for that long."""
        if self._ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            threading.Thread(target=forkserver.ensure_running, name="newscrawl-forkserver",
                             daemon=True).start()

    def _spawn(self) -> Worker:
        worker = Worker(self._ctx, self.extract_target)
        self._all.append(worker)
        self.started += 1
        self._inc("workers/started")
        return worker

    def start(self) -> None:
        """Start the workers now (they import the extraction stack) instead of on the
        first page."""
        while len(self._all) < self.workers and not self._closed:
            self._spawn()

    def _retire(self, worker: Worker, kill: bool = False) -> None:
        if worker in self._all:
            self._all.remove(worker)
        worker.stop(kill=kill)

    def _usable(self, worker: Worker) -> bool:
        return not worker.dead and (not self.max_tasks or worker.tasks < self.max_tasks)

    def _pick(self) -> Worker | None:
        """The least busy worker with room for a page; replaces dead idle ones."""
        best = None
        for worker in list(self._all):
            if worker.inflight == 0 and (worker.dead or not worker.process.is_alive()):
                if not worker.dead:
                    logger.warning("idle extraction worker %s died (exit code %s); replaced",
                                   worker.process.pid, worker.exit_code())
                self._retire(worker)
                continue
            if self._usable(worker) and worker.inflight < DEPTH and (
                    best is None or worker.inflight < best.inflight):
                best = worker
        return best

    async def _acquire(self) -> Worker:
        while True:
            if self._closed:
                raise PoolClosed
            worker = self._pick()
            if worker is None and len(self._all) < self.workers:
                worker = self._spawn()
            if worker is not None:
                worker.inflight += 1
                worker.tasks += 1
                return worker
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    def _release(self, worker: Worker) -> None:
        """A page is done with ``worker``: retire it when it is dead or spent, and let a
        waiting page look for room."""
        worker.inflight -= 1
        if worker.inflight == 0 and not self._usable(worker):
            self._retire(worker, kill=worker.dead)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    # --- pages --------------------------------------------------------------------------
    async def extract(self, body: bytes, url: str, profile: SiteProfile | None,
                      content_type: str | None) -> ExtractionResult:
        """Extract one page in a worker; never raises for a bad page or a dead worker."""
        options = replace(self.options, url=url, profile=profile, content_type=content_type)
        result = await cpu_timed(self._extract(body, options), self._add_handoff)
        if result.ok:
            self._inc("extract/ok")
        elif profile is not None and profile.inferred and result.reason == "not_an_article":
            # Without a profile every page is judged: a listing is an answer, not a failure.
            self._inc("extract/judged_not_article")
        else:
            self._inc("extract/failed")
            self._inc(f"extract/failed/{result.reason or 'unknown'}")
        if result.ms:
            self._inc("extract/ms_total", round(result.ms, 3))
            self._inc("extract/pages_timed")
        if result.cpu_ms:
            self._inc("extract/cpu_ms_total", round(result.cpu_ms, 3))
        return result

    def _add_handoff(self, seconds: float) -> None:
        """CPU the crawler's own thread spends handing pages over and taking results back."""
        self._inc("extract/handoff_cpu_ms", seconds * 1000.0)

    async def _extract(self, body: bytes, options: ExtractOptions) -> ExtractionResult:
        url = options.url
        payload = pickle.dumps((body, options), protocol=pickle.HIGHEST_PROTOCOL)
        for attempt in range(2):
            try:
                worker = await self._acquire()
            except PoolClosed:
                return failed("shutdown", url)
            except OSError as exc:
                logger.error("could not start an extraction worker: %s", exc)
                return failed("pool_error", url)
            try:
                return await worker.call(payload, self.timeout)
            except WorkerGone:  # its worker died on an earlier page: one more try elsewhere
                if attempt == 0:
                    self._inc("extract/retried")
            except TimeoutError:
                logger.warning("extraction of %s exceeded %.0fs; worker replaced", url,
                               self.timeout)
                self._inc("extract/timeout")
                return failed("worker_timeout", url)
            except WorkerDied as exc:
                if self._closed:
                    return failed("shutdown", url)
                # Killed from outside (OOM killer, operator) or by this page: one more try
                # on a new worker tells them apart; a page that kills two fails.
                again = attempt == 0
                logger.warning("extraction worker died on %s (exit code %s, %r); worker "
                               "replaced%s", url, worker.exit_code(), exc,
                               ", page retried" if again else "")
                self._inc("extract/worker_crashed")
                if not again:
                    return failed("worker_crashed", url)
                self._inc("extract/retried")
            finally:
                self._release(worker)
        return failed("worker_crashed", url)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)  # the page then finds the pool closed
        self._waiters.clear()
        for worker in self._all:
            worker.stop()
        deadline = time.monotonic() + 5
        for worker in self._all:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=1)
        self._all.clear()
