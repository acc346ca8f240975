"""Per-stage timing for the benchmark: download latency and time items spend in pipelines.

A spider middleware stamps each item as it leaves the spider; the ``item_scraped``,
``item_dropped`` and ``item_error`` signals (sent after the last pipeline) close the stamp.
Download latency comes from Scrapy's own ``download_latency`` request meta.  Totals are
kept in the stats as ``timing/download_ms`` and ``timing/pipeline_ms`` (milliseconds), so a
reader divides by ``downloader/response_count`` or ``item_scraped_count``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class StageTimingMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self._started: dict[int, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StageTimingMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_STAGE_TIMING"):
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.response_received, signal=signals.response_received)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(mw.item_done, signal=signal)
        return mw

    def response_received(self, response: Response, request: Request) -> None:
        latency = request.meta.get("download_latency")
        if latency is not None:
            self.stats.inc_value("timing/download_ms", latency * 1000.0)

    def item_done(self, item: Any) -> None:
        started = self._started.pop(id(item), None)
        if started is not None:
            self.stats.inc_value("timing/pipeline_ms", (time.perf_counter() - started) * 1000.0)

    def _stamp(self, result: Any) -> Any:
        if not isinstance(result, Request):
            self._started[id(result)] = time.perf_counter()
        return result

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for element in result:
            yield self._stamp(element)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for element in result:
            yield self._stamp(element)
