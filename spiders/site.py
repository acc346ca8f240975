"""The profile-driven site spider: one spider for every site profile.

``scrapy crawl site -a site=PROFILE [-a base_url=URL] [-a discover=MODES] [-a since=DATE]
[-a refresh=1]`` or ``newscrawl crawl PROFILE ...``.  Discovery modes (comma-separated):
``sitemaps``, ``feeds``, ``listings``, ``related``, or ``all``.  Nothing site-specific
lives here: URL patterns, pagination, selectors and politeness come from the profile.

Its discovery callbacks (sitemaps, feeds, listings) are :mod:`spiders.site_discovery`;
the profile-less subclass is :mod:`spiders.profileless`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import scrapy

from crawler.discovery.dates import parse_date
from crawler.profiles import POLITENESS_KEYS, SiteProfile, load_profile
from crawler.storage.catalogue import Catalogue, StoredArticle
from crawler.urlidentity import refetch_url
from crawler.urls import in_domains
from spiders.base import ExtractingSpider, as_bool, parse_since
from spiders.site_discovery import SiteDiscovery

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.extraction.result import ExtractionResult

logger = logging.getLogger(__name__)

MODES = ("sitemaps", "feeds", "listings", "related")
# Sitemap lastmod must be this much newer than the stored copy to trigger a refetch.
LASTMOD_SLACK = timedelta(seconds=1)


def parse_modes(value: str) -> tuple[str, ...]:
    parts = [p.strip().lower() for p in (value or "all").split(",") if p.strip()]
    if not parts or "all" in parts:
        return MODES
    unknown = sorted(set(parts) - set(MODES))
    if unknown:
        raise ValueError(f"unknown discovery mode(s) {', '.join(unknown)}; "
                         f"use {', '.join(MODES)} or all")
    return tuple(m for m in MODES if m in parts)


@dataclass(frozen=True)
class PageArticles:
    """One page's article URLs (URL -> canonical URL) and the stored ones among them."""

    articles: dict[str, str]
    known: dict[str, StoredArticle]


class SiteSpider(SiteDiscovery, ExtractingSpider):
    name = "site"

    def __init__(self, site: str = "", base_url: str = "", discover: str = "",
                 since: str = "", refresh: str | bool = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arguments = {"site": site, "base_url": base_url, "discover": discover,
                          "since": since, "refresh": refresh}
        self._known_counted: set[int] = set()  # hashes of canonical URLs
        self._too_old: set[str] = set()
        self._lookup_failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider: SiteSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler)
        return spider

    def configure(self, crawler: Crawler) -> None:
        s = crawler.settings
        args = self.arguments
        site = args["site"] or s.get("NEWSCRAWL_SITE")
        if not site:
            raise ValueError("no site profile given: -a site=NAME or NEWSCRAWL_SITE")
        profile = self.build_profile(site)
        base_url = args["base_url"] or s.get("NEWSCRAWL_BASE_URL")
        if base_url:
            profile = profile.with_base_url(base_url)
        self.profile = profile
        self.site_name = profile.name
        self.base_url = profile.base_url
        self.allowed_domains = list(profile.allowed_domains)
        self.modes = parse_modes(args["discover"] or s.get("NEWSCRAWL_DISCOVER"))
        self.since = parse_since(args["since"] or s.get("NEWSCRAWL_SINCE"))
        self.refresh = as_bool(args["refresh"]) or s.getbool("NEWSCRAWL_REFRESH")
        self.max_depth = s.getint("NEWSCRAWL_MAX_DEPTH")
        self.known_pages_stop = s.getint("NEWSCRAWL_KNOWN_PAGES_STOP")
        for key, value in profile.politeness.items():
            s.set(POLITENESS_KEYS[key], value, priority="spider")
        s.set("NEWSCRAWL_SITE", profile.name, priority="spider")
        self.catalogue = Catalogue.from_crawler(crawler)
        self.setup(crawler)

    def profile_named(self, site: str) -> SiteProfile | None:
        return self.profile if site == self.profile.name else None

    def build_profile(self, site: str) -> SiteProfile:
        return load_profile(site)

    def wants_article(self, url: str) -> bool:
        """Whether a discovered URL is fetched as an article (the profile's patterns)."""
        return self.profile.is_article_url(url)

    # --- what the database knows -------------------------------------------------------
    async def stored_among(self, canonical_urls: list[str]) -> set[str]:
        return set(await self.look_up([(url, None) for url in canonical_urls]))

    def canonical(self, url: str) -> str:
        """Under the profile's ``url_params``, an article URL's variants share one URL."""
        return self.profile.canonical(url)

    async def look_up(self, entries: list[tuple[str, str | None]]
                      ) -> dict[str, StoredArticle]:
        """The stored articles among ``entries`` (canonical URL, lastmod), in one batch off
        the reactor (inline when the catalogue answers from memory), with the HTTP
        validators of those that may be fetched again (refresh, or a newer lastmod)."""
        catalogue = self.catalogue
        urls = [url for url, _ in entries]
        try:
            if not catalogue.loaded:
                await asyncio.to_thread(catalogue.wait_loaded)
            if catalogue.in_memory:
                known = catalogue.known(urls)
            else:
                known = await asyncio.to_thread(catalogue.known, urls)
            again = {known[url].id for url, lastmod in entries if url in known and (
                self.refresh or self._newer(known[url], url, lastmod))}
            if again:
                validators = await asyncio.to_thread(catalogue.http, again)
                for url, stored in list(known.items()):
                    if stored.id in validators:
                        etag, last_modified = validators[stored.id]
                        known[url] = replace(stored, etag=etag, last_modified=last_modified)
        except Exception as exc:
            if not self._lookup_failed:
                logger.error("could not look up the stored articles of %s: %s",
                             self.site_name, exc)
                self.crawler.stats.set_value("known/load_failed", str(exc)[:200])
            self._lookup_failed = True
            return {}
        self.crawler.stats.inc_value("known/lookups")
        return known

    @staticmethod
    def _newer(stored: StoredArticle, url: str, lastmod: str | None) -> bool:
        """The sitemap's lastmod of the stored URL itself is newer than the stored copy.
        The lastmod of an alias (a republished copy, an old URL) says nothing about it."""
        changed = parse_date(lastmod)
        return changed is not None and stored.canonical_url == url and (
            stored.modified_at is None or changed > stored.modified_at + LASTMOD_SLACK)

    async def _candidates(self, entries: list[tuple[str, str | None]]) -> PageArticles:
        """The article URLs among (URL, lastmod) ``entries`` of one page, each checked and
        canonicalised once, and the stored ones among them (:meth:`look_up`)."""
        p = self.profile
        articles = {url: self.canonical(url) for url, _ in entries
                    if in_domains(url, p.allowed_domains) and self.wants_article(url)}
        wanted = [(articles[url], lastmod) for url, lastmod in entries if url in articles]
        return PageArticles(articles, await self.look_up(wanted) if wanted else {})

    # --- seeds -------------------------------------------------------------------------
    async def prepare(self) -> list[scrapy.Request]:
        """Open the catalogue of stored articles; the requests a resumed job still owes."""
        try:
            await asyncio.to_thread(self.catalogue.open)
        except Exception as exc:
            logger.error("could not open the catalogue of stored articles: %s", exc)
            self.crawler.stats.set_value("known/load_failed", str(exc)[:200])
            self._lookup_failed = True
        logger.info("%s: discovery: %s%s", self.site_name, ",".join(self.modes),
                    " (refresh)" if self.refresh else "")
        return await self.resume_requests({
            "article": (self.parse_article, 0), "listing": (self.parse_listing, 10),
            "sitemap": (self.parse_sitemap, 20), "feed": (self.parse_feed, 20)})

    async def refresh_requests(self) -> AsyncIterator[scrapy.Request]:
        """With ``--refresh``: a conditional request for every stored article of the site."""
        if not self.refresh or self._lookup_failed:
            return
        p = self.profile
        batches = self.catalogue.site_articles(p.name)
        while True:
            batch = await asyncio.to_thread(next, batches, None)
            if batch is None:
                break
            for stored in batch:
                if in_domains(stored.canonical_url, p.allowed_domains):
                    req = self.conditional_request(
                        refetch_url(p, stored.canonical_url, stored.url), stored, hops=0)
                    if req is not None:
                        yield req

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for req in await self.prepare():
            yield req
        if self.seeding is not None and not self.seeding.claim():
            logger.info("%s: another worker seeds this run; taking requests from the queue",
                        self.site_name)
            self.pool.start()
            if not await self.seeding.wait_for_turn():
                return
            logger.warning("%s: the worker seeding this run stopped (its claim expired): "
                           "seeding here", self.site_name)
            self.crawler.stats.inc_value("redis/seeding_taken_over")
        if self.seeding is not None:
            self.seeding.keep_alive()
        p = self.profile
        if "sitemaps" in self.modes:
            for path in p.sitemaps:
                req = self.make_request(p.url(path), "sitemap", self.parse_sitemap, priority=20)
                if req is not None:
                    yield req
        if "feeds" in self.modes:
            for path in p.feeds:
                req = self.make_request(p.url(path), "feed", self.parse_feed, priority=20,
                                        meta={"nc_page": 1})
                if req is not None:
                    yield req
        if "listings" in self.modes:
            for path in p.start_urls:
                req = self.make_request(p.url(path), "listing", self.parse_listing,
                                        priority=10, meta={"nc_page": 1})
                if req is not None:
                    yield req
        # The workers import the extraction stack: started once the seeds are out, so that
        # the first requests do not wait for them.
        self.pool.start()
        async for req in self.refresh_requests():
            yield req
        if self.seeding is not None:
            self.seeding.done()

    # --- articles ----------------------------------------------------------------------
    def consider_article(self, url: str, page: PageArticles, *, hops: int,
                         published: str | None = None, lastmod: str | None = None
                         ) -> scrapy.Request | None:
        """A request for an article URL found by discovery, or None when it is not needed;
        ``page``: the page's article URLs and stored articles (:meth:`_candidates`)."""
        canonical = page.articles.get(url)
        if canonical is None or not self.within_budget():
            return None
        stats = self.crawler.stats
        known = page.known
        if (self.before_since(published) or (published is None and self.before_since(lastmod))
                or canonical in self._too_old):
            # Remembered: the same URL met later without a date (a related link) is old too.
            self._too_old.add(canonical)
            stats.inc_value("discovery/before_since")
            return None
        if canonical in self.frontier:
            return None
        stored = known.get(canonical)
        if stored is None:
            req = self.make_request(url, "article", self.parse_article, hops=hops)
            if req is not None:
                stats.inc_value("discovery/article_urls")
            return req
        if hash(canonical) not in self._known_counted:
            self._known_counted.add(hash(canonical))
            stats.inc_value("discovery/article_urls")
            stats.inc_value("discovery/known_urls")
        if self._newer(stored, canonical, lastmod):
            stats.inc_value("refresh/lastmod_newer")
            return self.conditional_request(url, stored, hops=hops)
        if self.refresh:
            return self.conditional_request(url, stored, hops=hops)
        stats.inc_value("discovery/known_skipped")
        return None

    def conditional_request(self, url: str, stored: StoredArticle, *, hops: int
                            ) -> scrapy.Request | None:
        headers = {}
        if stored.etag:
            headers["If-None-Match"] = stored.etag
        if stored.last_modified:
            headers["If-Modified-Since"] = stored.last_modified
        req = self.make_request(url, "article", self.parse_article, hops=hops, headers=headers,
                                meta={"nc_conditional": True, "handle_httpstatus_list": [304]})
        if req is not None:
            self.crawler.stats.inc_value("refresh/requests")
        return req

    def not_modified(self, response: Response) -> bool:
        """A conditional request answered 304: the stored article stands (counted)."""
        if response.status == 304:
            self.crawler.stats.inc_value("refresh/not_modified")
            return True
        return False

    async def follow_related(self, result: ExtractionResult, hops: int
                             ) -> AsyncIterator[scrapy.Request]:
        """Requests for the articles an article page links to as related (``related`` mode,
        up to ``max_depth`` hops from the listings)."""
        if "related" not in self.modes or hops >= self.max_depth:
            return
        links = [link.get("url", "") for link in result.related]
        page = await self._candidates([(url, None) for url in links])
        for url in links:
            req = self.consider_article(url, page, hops=hops + 1)
            if req is not None:
                self.crawler.stats.inc_value("discovery/from_related")
                yield req

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        if self.not_modified(response):
            return
        self.frontier.claim(self.canonical(response.url))
        result = await self.extract(response, self.profile)
        if result.page_canonical:
            self.frontier.claim(self.canonical(result.page_canonical))
        hops = response.meta.get("nc_hops", 0)
        async for req in self.follow_related(result, hops):
            yield req
        if result.ok and self.before_since(result.published_at):
            stats.inc_value("articles/before_since")
            return
        item = self.take(self.build_item(response, result, self.site_name))
        if item is not None:
            yield item
