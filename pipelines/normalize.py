"""Give each article its canonical URL and keep every URL variant seen as an alias.

The canonical URL is the page's own ``rel=canonical`` when it points into the same site
(the profile's domains or the host that served the page), otherwise the cleaned fetched URL;
under a profile's ``url_params`` an article URL is reduced to its identity parameters
(:mod:`crawler.urlidentity`), and the variants are kept as aliases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.items import ArticleItem
from crawler.urls import canonicalize, host_of, in_domains
from spiders.base import ExtractingSpider

if TYPE_CHECKING:
    from crawler.profiles import SiteProfile


class NormalizePipeline:
    def __init__(self, stats: StatsCollector, crawler: Crawler | None = None) -> None:
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, crawler)

    def profile(self, site: str) -> SiteProfile | None:
        """The crawling spider's profile named ``site`` (None: generic)."""
        spider = self.crawler.spider if self.crawler is not None else None
        return spider.profile_named(site) if isinstance(spider, ExtractingSpider) else None

    def site_domains(self, site: str) -> tuple[str, ...]:
        """The allowed domains of the crawling spider's profile named ``site``."""
        profile = self.profile(site)
        return profile.allowed_domains if profile is not None else ()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        fetched = [u for u in (item.url, item.request_url) if u]
        profile = self.profile(item.site)
        identity = profile.canonical if profile is not None else canonicalize
        domains = (*(profile.allowed_domains if profile else ()), *(host_of(u) for u in fetched))
        page_canonical = urljoin(item.url, item.page_canonical) if item.page_canonical else ""
        if page_canonical and urlsplit(page_canonical).scheme in ("http", "https") and (
                in_domains(page_canonical, domains)):
            canonical = identity(page_canonical)
            self.stats.inc_value("normalize/page_canonical")
            fetched.append(page_canonical)
        else:
            canonical = identity(item.url)
            if page_canonical:
                self.stats.inc_value("normalize/offsite_canonical")
        variants = [*fetched, *item.aliases]
        aliases = [canonical]
        for url in variants:
            aliases += [url, canonicalize(url), identity(url)]
        item.canonical_url = canonical
        item.aliases = list(dict.fromkeys(aliases))
        return item
