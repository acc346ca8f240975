"""Download latency totals for the benchmark (``timing/download_ms``).

Scrapy stores each request's latency (request sent to headers received, waits in the
event loop included) in the ``download_latency`` meta; this sums it, so a reader divides
by ``downloader/response_count``.  Off with ``NEWSCRAWL_STAGE_TIMING = False``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class DownloadLatency:
    def __init__(self, crawler: Crawler) -> None:
        self.inc = crawler.stats.inc_value

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadLatency:
        if not crawler.settings.getbool("NEWSCRAWL_STAGE_TIMING"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Response, request: Request) -> None:
        latency = request.meta.get("download_latency")
        if latency is not None:
            self.inc("timing/download_ms", latency * 1000.0)
