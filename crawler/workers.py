"""Extraction in worker processes, so CPU-bound parsing never stalls Scrapy's reactor.

:class:`ExtractionPool` wraps a :class:`pebble.ProcessPool` whose workers come from a
fork server or ``spawn`` (the reactor process is never forked).  The spider awaits
:meth:`ExtractionPool.extract`; a page that holds a worker past
``NEWSCRAWL_WORKER_TIMEOUT`` gets the worker killed and replaced, a worker that dies is
replaced, and both count as a failed page while the crawl goes on.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

# Test-only fault injection: honoured only when this variable is "1" in the environment of
# the process that builds the pool; a page starting with a marker then hangs or kills its
# worker.
FAULTS_ENV = "NEWSCRAWL_TEST_WORKER_FAULTS"
FAULT_HANG = b"<!--newscrawl-test-fault:hang-->"
FAULT_CRASH = b"<!--newscrawl-test-fault:crash-->"


def _inject_fault(body: bytes) -> None:
    if body.startswith(FAULT_HANG):
        time.sleep(3600)
    if body.startswith(FAULT_CRASH):
        os._exit(17)


def warm_up() -> int:
    """Import the extraction stack once in a fresh worker (first pages are not slower)."""
    import crawler.extraction
    import crawler.fingerprint  # noqa: F401

    return os.getpid()


def extract_page(body: bytes, url: str, profile: SiteProfile | None,
                 content_type: str | None, faults: bool = False) -> dict[str, Any]:
    """Run in a worker: extract one page and fingerprint its body; a plain dict back."""
    if faults:
        _inject_fault(body)
    from crawler.extraction import ExtractOptions, extract
    from crawler.fingerprint import fingerprint

    started, cpu_started = time.perf_counter(), time.process_time()
    result = extract(body, ExtractOptions(url=url, profile=profile, content_type=content_type))
    data = result.to_dict()
    if result.ok and result.text:
        fp = fingerprint(result.text)
        data["content_hash"] = fp.content_hash
        data["minhash"] = list(fp.minhash)
    data["ms"] = (time.perf_counter() - started) * 1000.0
    data["cpu_ms"] = (time.process_time() - cpu_started) * 1000.0
    return data


def failed(reason: str, url: str) -> dict[str, Any]:
    return {"ok": False, "reason": reason, "page_type": "other", "url": url, "related": []}


def mp_context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, never a fork of the reactor process.

    ``forkserver`` (where available) forks workers from a small server process that has
    imported the extraction stack once, and unlike ``spawn`` it does not re-run the main
    script in each worker, so it works from ``python -`` and notebooks too.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawler.workers", "crawler.extraction",
                                    "crawler.fingerprint"])
        return ctx
    return multiprocessing.get_context("spawn")


# Pool replacements per crawl after a broken or stalled pool.
MAX_RESTARTS = 3
STALL_MARGIN = 30.0


def worker_count(setting: int) -> int:
    return setting if setting > 0 else (os.cpu_count() or 1)


class ExtractionPool:
    """A process pool for :func:`extract_page`, owned by one crawler."""

    def __init__(self, workers: int, timeout: float, max_tasks: int,
                 stats: StatsCollector | None = None) -> None:
        self.workers = workers
        self.timeout = timeout
        self.max_tasks = max_tasks
        self.stats = stats
        self.restarts = 0
        self.faults = os.environ.get(FAULTS_ENV) == "1"
        self._pool = self._new_pool()
        self._closed = False
        self._crawler: Crawler | None = None

    def _new_pool(self) -> Any:
        from pebble import ProcessPool

        return ProcessPool(max_workers=self.workers, max_tasks=self.max_tasks,
                           context=mp_context())

    def _restart(self, why: str) -> None:
        """Replace a pool that broke or stalled (bounded: a pool that keeps breaking
        stays broken and pages fail fast, which the monitor reports)."""
        if self.restarts >= MAX_RESTARTS:
            return
        self.restarts += 1
        self._inc("extract/pool_restarts")
        logger.error("extraction pool %s; starting a new one (%d/%d)", why, self.restarts,
                     MAX_RESTARTS)
        old, self._pool = self._pool, self._new_pool()
        old.stop()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        s = crawler.settings
        pool = cls(worker_count(s.getint("NEWSCRAWL_WORKERS")),
                   s.getfloat("NEWSCRAWL_WORKER_TIMEOUT"),
                   s.getint("NEWSCRAWL_WORKER_MAX_TASKS"))
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        crawler.signals.connect(pool.bind_stats, signal=signals.spider_opened)
        pool._crawler = crawler
        return pool

    def bind_stats(self) -> None:
        """Stats exist once the crawl runs, not when the spider is built."""
        if self._crawler is not None:
            self.stats = self._crawler.stats
            self.stats.set_value("workers/count", self.workers)

    def start(self) -> None:
        """Start the workers now (one warm-up task each) instead of on the first page."""
        for _ in range(self.workers):
            self._pool.schedule(warm_up)

    def _inc(self, key: str, count: float = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    async def extract(self, body: bytes, url: str, profile: SiteProfile | None,
                      content_type: str | None) -> dict[str, Any]:
        """Extract one page in a worker; never raises for a bad page or a dead worker."""
        from pebble import ProcessExpired

        if self._closed:
            return failed("shutdown", url)
        try:
            future = self._pool.schedule(
                extract_page, args=(body, url, profile, content_type, self.faults),
                timeout=self.timeout)
        except RuntimeError as exc:  # the pool is in an error state
            self._restart(f"is broken ({exc})")
            self._inc("extract/failed")
            self._inc("extract/failed/pool_error")
            return failed("pool_error", url)
        try:
            # The pool enforces the timeout; the margin only guards against a pool whose
            # manager thread died and would never resolve the future.
            data = await asyncio.wait_for(asyncio.wrap_future(future),
                                          self.timeout + STALL_MARGIN)
        except TimeoutError:  # also concurrent.futures' and asyncio's TimeoutError
            if future.cancelled() or not future.done():  # wait_for gave up, not the pool
                future.cancel()
                self._restart("stalled")
                self._inc("extract/stalled")
                data = failed("pool_stalled", url)
            else:
                logger.warning("extraction of %s exceeded %.0fs; worker replaced", url,
                               self.timeout)
                self._inc("extract/timeout")
                data = failed("worker_timeout", url)
        except BrokenProcessPool as exc:
            self._restart(f"is broken ({exc})")
            data = failed("pool_error", url)
        except ProcessExpired as exc:
            logger.warning("extraction worker died on %s (exit code %s); worker replaced",
                           url, exc.exitcode)
            self._inc("extract/worker_crashed")
            data = failed("worker_crashed", url)
        except (CancelledError, asyncio.CancelledError):
            data = failed("shutdown", url)
        except Exception as exc:
            logger.exception("extraction of %s raised", url)
            data = failed(f"error_{type(exc).__name__}", url)
        if data.get("ok"):
            self._inc("extract/ok")
        else:
            self._inc("extract/failed")
            self._inc(f"extract/failed/{data.get('reason') or 'unknown'}")
        if "ms" in data:
            self._inc("extract/ms_total", round(data["ms"], 3))
            self._inc("extract/pages_timed")
        if "cpu_ms" in data:
            self._inc("extract/cpu_ms_total", round(data["cpu_ms"], 3))
        return data

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._pool.stop()
        self._pool.join(timeout=10)
