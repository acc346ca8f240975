"""Fetch each canonical URL once per run, whatever the variant or the queue it came from.

The spider claims a URL when it yields the request.  Requests that reach the downloader
without this run's claim (restored from a job directory, or redirected to another URL)
are checked here: already claimed in this run, or (for articles) already stored, means
the request is dropped.  The stored check asks the crawl's catalogue through the spider
(one lookup, off the reactor unless answered from memory).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.urls import canonicalize

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArticleDedupMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleDedupMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_DEDUP_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        kind = request.meta.get("nc_kind")
        spider = self.crawler.spider
        frontier = getattr(spider, "frontier", None)
        if not kind or frontier is None:
            return None
        canonical = getattr(spider, "canonical", canonicalize)(request.url)
        if (request.meta.get("nc_run") == frontier.token
                and request.meta.get("nc_claim") == canonical):
            return None
        stats = self.crawler.stats
        if not frontier.claim(canonical):
            stats.inc_value("frontier/duplicate")
            chain = request.meta.get("redirect_urls")
            if chain:
                stats.inc_value("frontier/redirect_to_fetched")
                logger.info("redirect loop or alias: %s redirects to %s, already fetched in "
                            "this run; dropped", chain[-1], request.url)
            raise IgnoreRequest(f"already fetched in this run: {canonical}")
        if (kind == "article" and not request.meta.get("nc_conditional")
                and await spider.is_stored(canonical)):
            stats.inc_value("frontier/stored")
            raise IgnoreRequest(f"already stored: {canonical}")
        request.meta["nc_run"] = frontier.token
        request.meta["nc_claim"] = canonical
        return None
