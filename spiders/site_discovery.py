"""Discovery callbacks of the site spider: sitemaps (and robots.txt's list of them), feeds
and listings with their pagination and stop rules.

Mixed into :class:`~spiders.site.SiteSpider`; every article URL found goes through its
batched catalogue look-up (``_candidates``) and its incremental rules (``consider_article``).
The profile-less spider replaces ``parse_listing`` with its own.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from parsel import Selector

from crawler.discovery.feeds import parse_feed
from crawler.discovery.listings import listing_root, page_links, page_number
from crawler.discovery.sitemaps import SitemapRejected, parse_sitemap, sitemaps_from_robots
from crawler.urls import in_domains

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

# Sitemaps with more entries are logged (the protocol allows 50,000 per file).
LARGE_SITEMAP = 10_000


class SiteDiscovery:
    """Sitemaps, feeds and listings (mixed into :class:`~spiders.site.SiteSpider`, which
    provides ``make_request``, ``_candidates``, ``consider_article``, ``canonical`` and
    ``before_since``)."""

    crawler: Crawler
    profile: SiteProfile
    max_depth: int
    known_pages_stop: int

    # --- sitemaps and feeds ------------------------------------------------------------
    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        stats = self.crawler.stats
        stats.inc_value("pages/sitemap")
        if response.url.rstrip("/").endswith("/robots.txt"):
            for url in sitemaps_from_robots(response.body, response.url):
                req = self.make_request(url, "sitemap", self.parse_sitemap, priority=20)
                if req is not None:
                    yield req
            return
        try:
            entries = list(parse_sitemap(response.body))
        except (SitemapRejected, OSError, EOFError) as exc:  # OSError/EOFError: bad gzip
            stats.inc_value("sitemaps/rejected")
            logger.warning("sitemap %s rejected: %s", response.url, exc)
            return
        if len(entries) > LARGE_SITEMAP:
            stats.inc_value("sitemaps/large")
            logger.info("large sitemap %s: %d entries", response.url, len(entries))
        page = await self._candidates([(response.urljoin(e.loc), e.lastmod)
                                        for e in entries if not e.is_sitemap])
        for entry in entries:
            loc = response.urljoin(entry.loc)
            if entry.is_sitemap:
                if in_domains(loc, self.profile.allowed_domains):
                    req = self.make_request(loc, "sitemap", self.parse_sitemap, priority=20)
                    if req is not None:
                        yield req
                continue
            req = self.consider_article(loc, page, hops=1,
                                        published=entry.news_publication_date,
                                        lastmod=entry.lastmod)
            if req is not None:
                stats.inc_value("discovery/from_sitemaps")
                yield req

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        stats = self.crawler.stats
        stats.inc_value("pages/feed")
        feed = parse_feed(response.body)
        if not feed.is_feed:
            stats.inc_value("feeds/not_a_feed")
            return
        found = await self._candidates([(response.urljoin(e.url), e.updated)
                                        for e in feed.entries])
        for entry in feed.entries:
            req = self.consider_article(response.urljoin(entry.url), found, hops=1,
                                        published=entry.published,
                                        lastmod=entry.updated)
            if req is not None:
                stats.inc_value("discovery/from_feeds")
                yield req
        page = response.meta.get("nc_page", 1)
        if feed.next_url and feed.entries and page < self.profile.pagination.max_pages:
            req = self.make_request(response.urljoin(feed.next_url), "feed", self.parse_feed,
                                    priority=20, meta={"nc_page": page + 1})
            if req is not None:
                yield req

    # --- listings ----------------------------------------------------------------------
    async def parse_listing(self, response: Response) -> AsyncIterator[scrapy.Request]:
        stats = self.crawler.stats
        if not hasattr(response, "text"):
            return
        stats.inc_value("pages/listing")
        p = self.profile
        pattern = p.pagination.pattern
        hops = response.meta.get("nc_hops", 0)
        page = response.meta.get("nc_page") or page_number(response.url, pattern) or 1
        root = listing_root(response.url, pattern)
        sel = Selector(text=response.text)
        links = page_links(sel, response.url, p.is_article_url)
        articles = [link for link in links
                    if in_domains(link.url, p.allowed_domains) and p.is_article_url(link.url)]
        found = await self._candidates([(link.url, None) for link in articles])
        for link in articles:
            req = self.consider_article(link.url, found, hops=hops + 1, published=link.date)
            if req is not None:
                stats.inc_value("discovery/from_listings")
                yield req
        # The listing's own entries: links that were not on the previous page, so that
        # site-wide links (footer, "latest" widgets) do not decide when to stop.
        current = {self.canonical(link.url): link for link in articles}
        previous = set(response.meta.get("nc_prev_articles") or ())
        own = [link for c, link in current.items() if c not in previous]
        all_known = bool(own) and all(found.articles[link.url] in found.known for link in own)
        dated_old = bool(own) and all(self.before_since(link.date) for link in own)
        streak = response.meta.get("nc_known_streak", 0) + 1 if all_known else 0
        stop = None
        if not own:
            stop = "listings/stopped_empty"
        elif self.known_pages_stop and streak >= self.known_pages_stop:
            stop = "listings/stopped_known"
        elif dated_old:
            stop = "listings/stopped_since"
        elif page >= p.pagination.max_pages:
            stop = "listings/stopped_max_pages"
        if stop:
            stats.inc_value(stop)
        else:
            nxt = self._next_page(sel, response.url, links, root, page)
            if nxt:
                req = self.make_request(nxt, "listing", self.parse_listing, hops=hops,
                                        priority=10, meta={"nc_page": page + 1,
                                                           "nc_known_streak": streak,
                                                           "nc_prev_articles": sorted(current)})
                if req is not None:
                    yield req
        if hops + 1 > self.max_depth:
            return
        for link in links:
            url = link.url
            if (not in_domains(url, p.allowed_domains) or not p.is_listing_url(url)
                    or p.is_article_url(url) or (page_number(url, pattern) or 1) != 1
                    or listing_root(url, pattern) == root):
                continue
            req = self.make_request(url, "listing", self.parse_listing, hops=hops + 1,
                                    priority=10, meta={"nc_page": 1})
            if req is not None:
                yield req

    def _next_page(self, sel: Selector, url: str, links: list[Any], root: str,
                   page: int) -> str | None:
        pattern = self.profile.pagination.pattern
        candidates = [response_join(url, h) for h in
                      sel.css('link[rel="next"]::attr(href), a[rel~="next"]::attr(href)').getall()]
        candidates += [link.url for link in links]
        for cand in candidates:
            if (in_domains(cand, self.profile.allowed_domains)
                    and listing_root(cand, pattern) == root
                    and page_number(cand, pattern) == page + 1
                    and not self.profile.is_excluded(cand)):
                return cand
        return None


def response_join(base: str, href: str) -> str:
    return urljoin(base, href.strip())
