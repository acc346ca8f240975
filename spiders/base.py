"""What both spiders share: the extraction pool, the item, errors, content-type checks."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.discovery.dates import parse_date
from crawler.discovery.frontier import Frontier
from crawler.distributed.run import Seeding, seeding_of
from crawler.items import ArticleItem
from crawler.resume.spider import JournalledSpider
from crawler.urls import canonicalize
from crawler.workers.pool import ExtractionPool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.extraction.result import ExtractionResult
    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

# Request kinds whose responses must be pages (HTML); others (feeds, sitemaps) are XML.
PAGE_KINDS = {"article", "listing", "page"}


class ExtractingSpider(JournalledSpider, scrapy.Spider):
    """Base of the newscrawl spiders: pages are extracted in worker processes."""

    frontier: Frontier
    pool: ExtractionPool
    since: datetime | None = None
    site_name: str = ""
    base_url: str = ""
    arguments: dict[str, Any]

    def setup(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.frontier = Frontier()
        # Distributed: the run's duplicate filter in Redis decides across workers, and a
        # request taken from the shared queue carries the run's token, whoever made it.
        self.shared = bool(s.get("NEWSCRAWL_REDIS_URL"))
        self.seeding: Seeding | None = None
        if self.shared:
            self.frontier.token = s.get("NEWSCRAWL_RUN_ID")
            self.seeding = seeding_of(crawler)
            # Closing mid-seeding: stop renewing the claim, so that another worker seeds.
            crawler.signals.connect(self.seeding.stop, signal=signals.spider_closed)
        self.pool = ExtractionPool.from_crawler(crawler)
        self.page_types = tuple(s.getlist("NEWSCRAWL_PAGE_CONTENT_TYPES"))
        self.max_articles = s.getint("NEWSCRAWL_MAX_ARTICLES")
        self.articles_yielded = 0
        for setting, key in (("NEWSCRAWL_MAX_PAGES", "CLOSESPIDER_PAGECOUNT"),
                             ("NEWSCRAWL_MAX_ARTICLES", "CLOSESPIDER_ITEMCOUNT")):
            if s.getint(setting) > 0:
                s.set(key, s.getint(setting), priority="spider")
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        self.open_journal(crawler)

    async def is_stored(self, canonical_url: str) -> bool:
        """Whether the database holds the article (spiders that know say so)."""
        return canonical_url in await self.stored_among([canonical_url])

    async def stored_among(self, canonical_urls: list[str]) -> set[str]:
        """The URLs among ``canonical_urls`` whose article is stored (one batch)."""
        return set()

    def canonical(self, url: str) -> str:
        """The URL the frontier, the dedup and storage know ``url`` by."""
        return canonicalize(url)

    def profile_named(self, site: str) -> SiteProfile | None:
        """The profile this spider crawls under the name ``site`` (None: generic)."""
        return None

    # --- requests ----------------------------------------------------------------------
    def make_request(self, url: str, kind: str, callback: Any, *, hops: int = 0,
                     priority: int = 0, headers: dict[str, str] | None = None,
                     meta: dict[str, Any] | None = None) -> scrapy.Request | None:
        """A request for ``url``, or None when this run already claimed its canonical URL.

        ``dont_filter``: deduplication is the frontier's job (see crawler.discovery.frontier),
        and in a distributed run also the shared duplicate filter's.
        """
        canonical = self.canonical(url)
        if not self.frontier.claim(canonical):
            return None
        if not self.journal_claim(canonical, kind, url, hops, meta):
            return None
        full_meta = {"nc_kind": kind, "nc_hops": hops, "nc_run": self.frontier.token,
                     "nc_claim": canonical, "nc_journal": canonical, **(meta or {})}
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=full_meta,
                              priority=priority, headers=headers,
                              dont_filter=not self.shared)

    def headers_received(self, headers: Any, body_length: int, request: scrapy.Request,
                         spider: scrapy.Spider) -> None:
        """Abandon a page request whose response is not HTML (PDF, image...) unread."""
        if spider is not self or request.meta.get("nc_kind") not in PAGE_KINDS:
            return
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0]
        ctype = ctype.strip().lower()
        if ctype and ctype not in self.page_types:
            self.crawler.stats.inc_value("filter/content_type")
            raise StopDownload(fail=True)

    def on_error(self, failure: Failure) -> None:
        stats = self.crawler.stats
        self.journal_done(failure.request, f"failed: {failure.type.__name__}")
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            if "max redirections" in failure.getErrorMessage():
                stats.inc_value("errors/redirect_loop")
                logger.warning("redirect loop (or a chain over REDIRECT_MAX_TIMES) from %s: "
                               "given up", failure.request.url)
            return
        if failure.check(StopDownload):
            return
        stats.inc_value("errors/total")
        if failure.check(HttpError):
            status = failure.value.response.status
            stats.inc_value(f"errors/http_{status}")
            logger.info("HTTP %s on %s", status, failure.request.url)
        else:
            stats.inc_value(f"errors/{failure.type.__name__}")
            logger.warning("%s on %s: %s", failure.type.__name__, failure.request.url,
                           failure.getErrorMessage())

    # --- extraction --------------------------------------------------------------------
    async def extract(self, response: Response, profile: SiteProfile | None
                      ) -> ExtractionResult:
        ctype = response.headers.get(b"Content-Type")
        return await self.pool.extract(response.body, response.url, profile,
                                       ctype.decode("latin-1") if ctype else None)

    def build_item(self, response: Response, result: ExtractionResult, site: str
                   ) -> ArticleItem:
        headers = response.headers
        etag = headers.get(b"ETag")
        last_modified = headers.get(b"Last-Modified")
        return ArticleItem.from_extraction(
            result, site=site, url=response.url,
            redirects=response.meta.get("redirect_urls"), status=response.status,
            etag=etag.decode("latin-1") if etag else None,
            last_modified=last_modified.decode("latin-1") if last_modified else None)

    def within_budget(self) -> bool:
        """False once ``--max-articles`` items were handed on (pages still in flight when
        the spider closes are then not turned into items)."""
        return not self.max_articles or self.articles_yielded < self.max_articles

    def take(self, item: ArticleItem) -> ArticleItem | None:
        if not self.within_budget():
            self.crawler.stats.inc_value("articles/over_budget")
            return None
        if not item.reject_reason:  # rejected pages are dropped: they use no budget
            self.articles_yielded += 1
        return item

    def before_since(self, date: str | None) -> bool:
        """True when ``date`` is known and older than ``--since``."""
        if self.since is None:
            return False
        parsed = parse_date(date)
        return parsed is not None and parsed < self.since


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"--since: not a date: {value!r} (use YYYY-MM-DD)")
    return parsed


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
