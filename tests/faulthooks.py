"""Deterministic fault triggers inside a crawl, injected by tests only (never shipped).

A test runs the crawl with ``SCRAPY_SETTINGS_MODULE=tests.fault_settings`` (the project's
settings plus :class:`FaultTrigger`) and one of the settings below; the trigger counts
scraped items (or received responses) and fires once the count is reached:

* ``FAULT_KILL_AFTER_ITEMS`` / ``FAULT_KILL_AFTER_RESPONSES``: SIGKILL the crawl's whole
  process group (the crawler and its extraction workers), as ``kill -9`` of a cron job;
* ``FAULT_STOP_AFTER_ITEMS``: SIGSTOP the crawler itself; the test, waiting on the child
  with ``WUNTRACED``, injects its fault (stops the database...) and sends SIGCONT;
* ``FAULT_KILL_WORKER_AFTER_ITEMS``: SIGKILL every extraction worker that holds pages.

and :class:`SeedingHold` (a spider middleware), with ``FAULT_HOLD_SEEDING``, holds the
seeding of a distributed run before its first seed request, for ever, while the worker
lives on (it renews its seeding claim): the test kills it there, a seeder dead mid-seeding.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

SEED_KINDS = ("sitemap", "feed", "listing")


class FaultTrigger:
    def __init__(self, crawler: Any) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.kill_items = s.getint("FAULT_KILL_AFTER_ITEMS")
        self.kill_responses = s.getint("FAULT_KILL_AFTER_RESPONSES")
        self.stop_items = s.getint("FAULT_STOP_AFTER_ITEMS")
        self.kill_worker_items = s.getint("FAULT_KILL_WORKER_AFTER_ITEMS")
        self.items = 0
        self.responses = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> FaultTrigger:
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        self.items += 1
        if self.items == self.kill_items:
            os.killpg(os.getpgid(0), signal.SIGKILL)
        if self.items == self.stop_items:
            os.kill(os.getpid(), signal.SIGSTOP)
        if self.items == self.kill_worker_items:
            self.kill_busy_workers(spider)

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        self.responses += 1
        if self.responses == self.kill_responses:
            os.killpg(os.getpgid(0), signal.SIGKILL)

    def kill_busy_workers(self, spider: Any) -> None:
        busy = [w for w in spider.pool._all if w.inflight and w.process.pid]
        for worker in busy:
            os.kill(worker.process.pid, signal.SIGKILL)
        self.crawler.stats.set_value("fault/workers_killed", len(busy))


class SeedingHold:
    def __init__(self, crawler: Any) -> None:
        if not crawler.settings.getbool("FAULT_HOLD_SEEDING"):
            raise NotConfigured

    @classmethod
    def from_crawler(cls, crawler: Any) -> SeedingHold:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            if isinstance(request, Request) and request.meta.get("nc_kind") in SEED_KINDS:
                logger.warning("fault: seeding held before %s", request.url)
                await asyncio.get_running_loop().create_future()  # never done
            yield request
