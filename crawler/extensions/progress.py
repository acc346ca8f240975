"""Live progress: one rewritten line on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler: Crawler, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = 1.0 if self.tty else interval
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_PROGRESS") or s.getfloat("NEWSCRAWL_PROGRESS_INTERVAL") <= 0:
            raise NotConfigured
        ext = cls(crawler, s.getfloat("NEWSCRAWL_PROGRESS_INTERVAL"), sys.stderr)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        articles = stats.get_value("item_scraped_count", 0)
        errors = stats.get_value("errors/total", 0)
        failed = stats.get_value("extract/failed", 0)
        minutes = max((time.monotonic() - self.started) / 60.0, 1e-9)
        return (f"pages {pages} | articles {articles} | {articles / minutes:.0f} articles/min"
                f" | {pages / minutes:.0f} pages/min | extract failed {failed} | errors {errors}")

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self._loop = task.LoopingCall(self.report)
        self._loop.start(self.interval, now=False)

    def report(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()
        else:
            logger.info("progress: %s", self.line())

    def spider_closed(self, spider: Spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line() + "\n")
            self.stream.flush()
