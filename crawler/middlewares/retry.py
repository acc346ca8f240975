"""Retries that back off: exponential waits on 429/5xx, and ``Retry-After`` honoured.

Scrapy's RetryMiddleware re-queues a failed request at once.  This subclass waits
before handing the retry back (``NEWSCRAWL_RETRY_BACKOFF_BASE`` doubled per attempt, or
the server's ``Retry-After`` when it sends one, both capped by
``NEWSCRAWL_RETRY_BACKOFF_MAX``).  The request stays in the downloader while it waits,
so the site's concurrency slot stays taken: the polite thing under 429/503.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware

from crawler.discovery.dates import parse_date

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    when = parse_date(text)
    if when is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def describe(exc: Exception) -> str:
    """An exception as a log line shows it: Twisted's ResponseFailed names its causes."""
    reasons = getattr(exc, "reasons", None)
    if reasons:
        inner = ", ".join(f"{r.type.__name__}: {r.getErrorMessage()}" for r in reasons)
        return f"{type(exc).__name__} ({inner})"
    if type(exc).__name__ == "ResponseDataLossError":  # Scrapy gives it no message
        return f"{type(exc).__name__} (the body ended short of its length)"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class BackoffRetryMiddleware(RetryMiddleware):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        mw = super().from_crawler(crawler)
        mw.backoff_base = crawler.settings.getfloat("NEWSCRAWL_RETRY_BACKOFF_BASE")
        mw.backoff_max = crawler.settings.getfloat("NEWSCRAWL_RETRY_BACKOFF_MAX")
        return mw

    def delay_for(self, request: Request, response: Response | None) -> float:
        attempt = request.meta.get("retry_times", 0)
        delay = self.backoff_base * (2 ** attempt) if self.backoff_base > 0 else 0.0
        if response is not None:
            advised = retry_after_seconds(response.headers.get(b"Retry-After"))
            if advised is not None:
                delay = advised
        return min(delay, self.backoff_max)

    async def process_response(self, request: Request, response: Response
                               ) -> Request | Response:
        result = super().process_response(request, response)
        if result is not response:
            delay = self.delay_for(request, response)
            advised = b" (Retry-After)" if response.headers.get(b"Retry-After") else b""
            logger.info("HTTP %d on %s: retry %d in %.1fs%s", response.status, request.url,
                        request.meta.get("retry_times", 0) + 1, delay, advised.decode())
            await self._wait(delay)
        return result

    async def process_exception(self, request: Request, exception: Exception
                                ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if result is not None:
            delay = self.delay_for(request, None)
            logger.info("%s on %s: retry %d in %.1fs", describe(exception), request.url,
                        request.meta.get("retry_times", 0) + 1, delay)
            await self._wait(delay)
        return result

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("retry/backoff_seconds", round(seconds, 3))
            await asyncio.sleep(seconds)
