"""The site spider without a profile: ``newscrawl crawl https://site.example/``.

Same requests, extraction, items, incremental and resume behaviour as
:class:`~spiders.site.SiteSpider`; what a profile would say is found instead:

- discovery: robots.txt ``Sitemap:`` lines, else the usual sitemap locations; the feeds the
  home page names (``<link rel="alternate">``), else the usual feed locations; the home page
  and the listings it links to, with their pagination (``rel="next"``, ``/page/N/``,
  ``?page=N``);
- page types: each page is judged by its own signals in the worker
  (:mod:`crawler.autoprofile.pagesignals`); the URL shapes of judged pages
  (:mod:`crawler.autoprofile.url_shapes`) then decide new URLs before they are fetched
  (a listing shape is read for its links without extraction, a shape of other pages is not
  fetched) and settle pages whose own evidence is weak;
- variants: a page whose canonical URL is another page of the site (AMP, print, tracking
  copies) is not stored; its canonical page is fetched instead;
- related links: blocks found by heading in the worker
  (:mod:`crawler.autoprofile.related_blocks`).

Bad input ends with a diagnosis (stats ``profileless/diagnosis``): robots.txt forbids the
site, the address redirects to another domain, a login wall, or nothing is an article.

The links of listings are followed in :mod:`spiders.profileless_links`, the layout learned in
:mod:`spiders.profileless_layout`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from crawler.autoprofile.address import FEED_PATHS, SITEMAP_PATHS, profile_from_address
from crawler.autoprofile.pagesignals import RULE_BYLINE
from crawler.autoprofile.url_shapes import ShapeBook
from crawler.discovery.sitemaps import sitemaps_from_robots
from crawler.extraction.result import ExtractionResult
from crawler.profiles import SiteProfile
from crawler.storage.catalogue import StoredArticle
from crawler.urls import canonicalize, in_domains
from spiders.profileless_layout import STRONG_RULES, ProfilelessLayout
from spiders.profileless_links import SKIP_LINKS, ProfilelessListings
from spiders.site import SiteSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

REDIRECTS = (301, 302, 303, 307, 308)
FEED_TYPES = ('link[rel~="alternate"][type="application/rss+xml"]::attr(href), '
              'link[rel~="alternate"][type="application/atom+xml"]::attr(href)')


class ProfilelessSpider(ProfilelessListings, ProfilelessLayout, SiteSpider):
    name = "profileless"
    shapes: ShapeBook
    keep_pages: int
    kept: list[tuple[str, str, str, bytes]]
    found_sitemaps: list[str]
    found_feeds: list[str]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProfilelessSpider:
        spider: ProfilelessSpider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.shapes = ShapeBook(min_pages=s.getint("NEWSCRAWL_PROFILELESS_SHAPE_MIN_PAGES"),
                                  min_share=s.getfloat("NEWSCRAWL_PROFILELESS_SHAPE_MIN_SHARE"))
        spider.keep_pages = s.getint("NEWSCRAWL_PROFILELESS_KEEP_PAGES")
        spider.kept = []  # (url, kind, rule, body) of the first pages, for profile suggest
        spider.found_sitemaps = []
        spider.found_feeds = []
        spider.pagination_forms = set()
        spider.layout_pages = s.getint("NEWSCRAWL_PROFILELESS_LAYOUT_PAGES")
        spider.layout_samples = []
        spider.layout_state = "sampling" if spider.layout_pages > 0 else "off"
        spider.extract_profile = None
        crawler.signals.connect(spider.wait_for_layout, signal=signals.spider_idle)
        return spider

    async def prepare(self) -> list[scrapy.Request]:
        if self.keep_pages:  # a sample for profile suggest: no database
            return []
        return await super().prepare()

    async def look_up(self, entries: list[tuple[str, str | None]]
                      ) -> dict[str, StoredArticle]:
        if self.keep_pages:
            return {}
        return await super().look_up(entries)

    def build_profile(self, site: str) -> SiteProfile:
        return profile_from_address(site)

    def wants_article(self, url: str) -> bool:
        if SKIP_LINKS.search(url) or urlsplit(url).path in ("", "/"):
            return False
        return self.shapes.predict(url) not in ("listing", "other")

    def diagnose(self, message: str) -> None:
        stats = self.crawler.stats
        if not stats.get_value("profileless/diagnosis"):
            stats.set_value("profileless/diagnosis", message)
            self.logger.error("%s", message)

    # --- seeds -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for req in await self.prepare():
            yield req
        p = self.profile
        if "sitemaps" in self.modes:
            req = self.make_request(p.url("/robots.txt"), "sitemap", self.parse_sitemap,
                                    priority=20, meta={"handle_httpstatus_all": True})
            if req is not None:
                yield req
        home = self.make_request(p.url(p.start_urls[0]), "listing", self.parse_home, priority=30,
                                 meta={"dont_redirect": True, "handle_httpstatus_all": True,
                                       "nc_redirects": 0})
        if home is not None:
            home = home.replace(errback=self.on_home_error)
            yield home
        self.pool.start()
        async for req in self.refresh_requests():
            yield req

    def on_home_error(self, failure: Failure) -> None:
        if failure.check(IgnoreRequest) and "robots" in failure.getErrorMessage().lower():
            self.crawler.stats.inc_value("profileless/home_disallowed")
            self.diagnose(f"robots.txt of {self.profile.base_url} forbids fetching its home "
                          f"page for our user agent: the site does not want to be crawled")
            return
        self.diagnose(f"the home page of {self.profile.base_url} could not be fetched: "
                      f"{failure.getErrorMessage()}")
        self.on_error(failure)

    async def parse_home(self, response: Response) -> AsyncIterator[scrapy.Request]:
        stats = self.crawler.stats
        base = self.profile.base_url
        if response.status in REDIRECTS:
            target = urljoin(response.url, (response.headers.get(b"Location") or b"")
                             .decode("latin-1"))
            hops = response.meta.get("nc_redirects", 0) + 1
            if not in_domains(target, self.profile.allowed_domains):
                stats.inc_value("profileless/offsite_redirect")
                self.diagnose(f"{base} redirects to {target}, another domain: crawl that "
                              f"address instead (only the address's own domain is fetched)")
                return
            if hops > 5:
                self.diagnose(f"{base} redirects in a loop")
                return
            req = scrapy.Request(target, callback=self.parse_home, errback=self.on_home_error,
                                 priority=30, dont_filter=True,
                                 meta={**response.meta, "nc_redirects": hops})
            yield req
            return
        if response.status in (401, 403, 407):
            stats.inc_value("profileless/login_wall")
            self.diagnose(f"{base} answers {response.status}: the site is behind a login wall "
                          f"(or refuses crawlers)")
            return
        if response.status >= 400 or not hasattr(response, "text"):
            self.diagnose(f"the home page of {base} answered HTTP {response.status}")
            return
        page = Selector(text=response.text)
        if page.css('form input[type="password"]') and len(page.css("a[href]")) < 15:
            stats.inc_value("profileless/login_wall")
            self.diagnose(f"the home page of {base} is a login form: the site is behind a "
                          f"login wall")
            return
        stats.inc_value("pages/listing")
        if "feeds" in self.modes:
            feeds = [response.urljoin(h) for h in page.css(FEED_TYPES).getall()]
            feeds = [f for f in feeds if in_domains(f, self.profile.allowed_domains)]
            probe = not feeds
            for url in feeds or [self.profile.url(path) for path in FEED_PATHS[:2]]:
                req = self.make_request(url, "feed", self.parse_feed, priority=20,
                                        meta={"nc_page": 1, "handle_httpstatus_all": probe})
                if req is not None:
                    yield req
        if "listings" in self.modes:
            async for req in self.follow_links(response, page, hops=0):
                yield req

    # --- sitemaps and feeds ------------------------------------------------------------
    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        stats = self.crawler.stats
        is_robots = response.url.rstrip("/").endswith("/robots.txt")
        if response.status >= 400:
            stats.inc_value("profileless/sitemap_missing")
            if is_robots:
                for req in self.probe_sitemaps():
                    yield req
            return
        if is_robots:
            stats.inc_value("pages/sitemap")
            named = sitemaps_from_robots(response.body, response.url)
            for url in named:
                req = self.make_request(url, "sitemap", self.parse_sitemap, priority=20,
                                        meta={"handle_httpstatus_all": True, "nc_root": True})
                if req is not None:
                    yield req
            if not named:
                for req in self.probe_sitemaps():
                    yield req
            return
        if response.body.lstrip()[:200].lower().find(b"<html") >= 0:
            stats.inc_value("profileless/sitemap_not_xml")
            return
        if response.meta.get("nc_root"):
            self.found_sitemaps.append(response.url)
        async for req in super().parse_sitemap(response):
            yield req

    def probe_sitemaps(self) -> Iterator[scrapy.Request]:
        for path in SITEMAP_PATHS:
            req = self.make_request(self.profile.url(path), "sitemap", self.parse_sitemap,
                                    priority=20, meta={"handle_httpstatus_all": True,
                                                       "nc_root": True})
            if req is not None:
                self.crawler.stats.inc_value("profileless/sitemap_probes")
                yield req

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        if response.status >= 400:
            self.crawler.stats.inc_value("profileless/feed_missing")
            return
        if response.meta.get("nc_page", 1) == 1:
            self.found_feeds.append(response.url)
        async for req in super().parse_feed(response):
            yield req

    # --- pages -------------------------------------------------------------------------
    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        """Any page that is not known to be a listing: judged, then stored or followed."""
        stats = self.crawler.stats
        if self.not_modified(response):
            return
        here = canonicalize(response.url)
        self.frontier.claim(here)
        result = await self.extract(response, self.extract_profile or self.profile)
        kind, rule = self.decide(response.url, result)
        declared = result.page_canonical
        if (result.page_type == "article" and declared
                and in_domains(declared, self.profile.allowed_domains)
                and canonicalize(declared) != here):
            stats.inc_value("profileless/variant_pages")
            page = await self._candidates([(declared, None)])
            req = self.consider_article(declared, page, hops=response.meta.get("nc_hops", 0))
            if req is not None:
                yield req
            return
        self.shapes.learn(response.url, kind)
        stats.inc_value(f"profileless/{kind}")
        stats.inc_value(f"profileless/rule/{rule.replace(':', '_')}")
        self.keep(response, kind, rule)
        hops = response.meta.get("nc_hops", 0)
        if kind == "listing":
            if hasattr(response, "text") and "listings" in self.modes:
                async for req in self.follow_links(response, Selector(text=response.text),
                                                   hops):
                    yield req
            return
        if kind != "article":
            return
        if rule in STRONG_RULES:
            self.sample_layout(response)
        # Links to pages of a shape known not to hold articles are not related links.
        result.related = [link for link in result.related
                          if self.shapes.predict(link.get("url", "")) not in ("listing",
                                                                              "other")]
        async for req in self.follow_related(result, hops):
            yield req
        if self.before_since(result.published_at):
            stats.inc_value("articles/before_since")
            return
        item = self.take(self.build_item(response, result, self.site_name))
        if item is not None:
            yield item

    def decide(self, url: str, result: ExtractionResult) -> tuple[str, str]:
        """The page type: the worker's, with weak evidence settled by the URL shape."""
        kind = result.page_type or "other"
        rule = result.provenance.get("page_type") or "unknown"
        if not result.ok and kind == "article":
            return "other", f"rejected:{result.reason or 'extract'}"
        if kind == "article" and rule == RULE_BYLINE:
            predicted = self.shapes.predict(url)
            if predicted in ("listing", "other"):
                result.ok = False
                return predicted, f"url-shape:{predicted}"
        return kind, rule

    def keep(self, response: Response, kind: str, rule: str) -> None:
        """Pages kept for ``profile suggest`` (off in crawls)."""
        if len(self.kept) < self.keep_pages:
            self.kept.append((response.url, kind, rule, response.body))

    def closed(self, reason: str) -> None:
        super().closed(reason)
        stats = self.crawler.stats
        if self.crawler.stats.get_value("profileless/diagnosis"):
            return
        articles = int(stats.get_value("profileless/article", 0) or 0)
        # Known articles met during discovery (a re-run) prove it is a news site.
        if articles == 0 and not stats.get_value("discovery/known_urls"):
            judged = {k: int(stats.get_value(f"profileless/{k}", 0) or 0)
                      for k in ("listing", "other")}
            self.diagnose(
                f"no page of {self.profile.base_url} was classified as an article "
                f"({judged['listing']} listing(s), {judged['other']} other page(s) read): "
                f"not a news site, or its articles carry no article signals; write a profile")
