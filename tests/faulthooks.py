"""Deterministic fault triggers inside a crawl, injected by tests only (never shipped).

A test runs the crawl with ``SCRAPY_SETTINGS_MODULE=tests.fault_settings`` (the project's
settings plus :class:`FaultTrigger`) and one of the settings below; the trigger counts
scraped items (or received responses) and fires once the count is reached:

* ``FAULT_KILL_AFTER_ITEMS`` / ``FAULT_KILL_AFTER_RESPONSES``: SIGKILL the crawl's whole
  process group (the crawler and its extraction workers), as ``kill -9`` of a cron job;
* ``FAULT_STOP_AFTER_ITEMS``: SIGSTOP the crawler itself; the test, waiting on the child
  with ``WUNTRACED``, injects its fault (stops the database...) and sends SIGCONT;
* ``FAULT_KILL_WORKER_AFTER_ITEMS``: SIGKILL every extraction worker that holds pages.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from scrapy import signals


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
