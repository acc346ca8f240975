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

One module of about 460 lines: one spider class (discovery from an address, page judgement,
the layout learned from the first articles); the rules themselves live in crawler/autoprofile.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from twisted.internet import threads

from crawler.autoprofile.address import FEED_PATHS, SITEMAP_PATHS, profile_from_address
from crawler.autoprofile.layout import Layout, learn_layout
from crawler.autoprofile.pagesignals import RULE_BYLINE
from crawler.autoprofile.url_shapes import ShapeBook
from crawler.discovery.sitemaps import sitemaps_from_robots
from crawler.extraction import selectors as sel
from crawler.extraction.result import ExtractionResult
from crawler.profiles import SiteProfile
from crawler.storage.catalogue import StoredArticle
from crawler.urls import canonicalize, in_domains
from spiders.site import SiteSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

SKIP_LINKS = re.compile(
    r"/(?:feed|rss|atom)(?:/|\.xml$|$)|\.(?:xml|rss|jpe?g|png|gif|webp|svg|pdf|zip|mp3|mp4|css"
    r"|js|ico)$|/wp-(?:admin|login|json|content)|/(?:user|users|account)/(?:login|register"
    r"|password|logout)|/(?:login|logout|register|signin|signup)/?$|[?&](?:s|q|share"
    r"|replytocom|amp|print|format|output)=|/(?:search|comment/reply|node/add|admin)/"
    r"|/printable/|/print/?$|/amp/?$|^mailto:|^tel:|^javascript:", re.IGNORECASE)
PAGE_IN_PATH = re.compile(r"/page/(\d+)/?$")
PAGE_PARAMS = ("page", "paged", "p", "pg")
REDIRECTS = (301, 302, 303, 307, 308)
# Articles judged by these rules teach the layout; the body rule must hold on this share.
STRONG_RULES = ("signals:json-ld", "signals:og+published")
LAYOUT_MIN_SHARE = 0.9
FEED_TYPES = ('link[rel~="alternate"][type="application/rss+xml"]::attr(href), '
              'link[rel~="alternate"][type="application/atom+xml"]::attr(href)')


def page_of(url: str) -> tuple[str, int]:
    """``(URL of page 1, page number)`` of a paginated listing URL (1 when not paged).

    Drupal's ``?page=N`` counts from 0: its page N is number N + 1 here.
    """
    parts = urlsplit(url)
    m = PAGE_IN_PATH.search(parts.path)
    if m:
        return url[:url.index(parts.path)] + parts.path[:m.start()] + "/", int(m.group(1))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        if key in PAGE_PARAMS and value.isdigit():
            rest = "&".join(f"{k}={v}" for k, v in query if k != key)
            root = parts._replace(query=rest, fragment="").geturl()
            return root, int(value) + (1 if key == "page" else 0)
    return parts._replace(fragment="").geturl(), 1


class ProfilelessSpider(SiteSpider):
    name = "profileless"
    shapes: ShapeBook
    keep_pages: int
    kept: list[tuple[str, str, str, bytes]]
    found_sitemaps: list[str]
    found_feeds: list[str]
    pagination_forms: set[str]
    layout_pages: int
    layout_samples: list[tuple[str, bytes]]
    layout_state: str  # off | sampling | learning | learned | rejected
    extract_profile: SiteProfile | None  # the profile with the learned layout

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

    # --- the layout learned from the first articles ------------------------------------
    def sample_layout(self, response: Response) -> None:
        """Keep the first articles; once there are enough, learn their layout in a thread."""
        if self.layout_state != "sampling":
            return
        self.layout_samples.append((response.url, response.body))
        if len(self.layout_samples) < self.layout_pages:
            return
        self.layout_state = "learning"
        samples, self.layout_samples = self.layout_samples, []
        d = threads.deferToThread(learn_layout, samples, self.profile)
        d.addCallbacks(self.layout_learned, self.layout_failed)

    def layout_learned(self, layout: Layout) -> None:
        stats = self.crawler.stats
        for e in layout.evidence:
            self.logger.info("layout %s", e.line())
        if not layout.holds(LAYOUT_MIN_SHARE):
            self.layout_state = "rejected"
            stats.set_value("profileless/layout", "rejected")
            return
        self.layout_state = "learned"
        self.extract_profile = replace(self.profile, body=layout.body,
                                       body_exclude=layout.body_exclude,
                                       related=layout.related)
        stats.set_value("profileless/layout", layout.body[0])
        stats.set_value("profileless/layout_blocks", len(layout.related))

    def layout_failed(self, failure: Failure) -> None:
        self.layout_state = "rejected"
        self.crawler.stats.set_value("profileless/layout", "failed")
        self.logger.warning("learning the layout failed: %s", failure.getErrorMessage())

    def keep(self, response: Response, kind: str, rule: str) -> None:
        """Pages kept for ``profile suggest`` (off in crawls)."""
        if len(self.kept) < self.keep_pages:
            self.kept.append((response.url, kind, rule, response.body))

    async def parse_listing(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """A page of a shape known to hold listings: its links, no extraction."""
        if not hasattr(response, "text"):
            return
        self.crawler.stats.inc_value("pages/listing")
        self.crawler.stats.inc_value("profileless/listing_by_shape")
        self.shapes.learn(response.url, "listing")
        async for req in self.follow_links(response, Selector(text=response.text),
                                           response.meta.get("nc_hops", 0)):
            yield req

    # --- links of listings -------------------------------------------------------------
    async def follow_links(self, response: Response, page: Selector, hops: int
                           ) -> AsyncIterator[scrapy.Request]:
        stats = self.crawler.stats
        domains = self.profile.allowed_domains
        root, number = page_of(response.url)
        seen: set[str] = set()
        candidates = 0
        article_urls: list[str] = []
        listings: list[str] = []
        for href in page.css("a[href]::attr(href)").getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            if not url.startswith(("http://", "https://")) or not in_domains(url, domains):
                continue
            canonical = canonicalize(url)
            if canonical in seen or SKIP_LINKS.search(url):
                continue
            seen.add(canonical)
            if urlsplit(url).path in ("", "/") and not urlsplit(url).query:
                continue
            link_root, link_number = page_of(url)
            if link_root == root or canonicalize(link_root) == canonicalize(root):
                if link_number == number + 1 and number < self.profile.pagination.max_pages:
                    listings.insert(0, url)
                continue
            predicted = self.shapes.predict(url)
            if predicted == "other":
                stats.inc_value("profileless/skipped_by_shape")
                continue
            if predicted == "listing" or sel.LISTING_PATHS.search(urlsplit(url).path):
                if link_number == 1:
                    listings.append(url)
                continue
            candidates += 1
            article_urls.append(url)
        found = await self._candidates([(url, None) for url in article_urls])
        for url in article_urls:
            req = self.consider_article(url, found, hops=hops + 1)
            if req is not None:
                stats.inc_value("discovery/from_listings")
                yield req
        next_url = page.css('link[rel="next"]::attr(href), a[rel~="next"]::attr(href)').get()
        if next_url and number < self.profile.pagination.max_pages:
            listings.insert(0, response.urljoin(next_url))
        for url in listings:
            is_next = page_of(url)[0] in (root,) or canonicalize(page_of(url)[0]) == \
                canonicalize(root)
            if is_next:
                if not candidates:
                    stats.inc_value("listings/stopped_empty")
                    continue
                self.pagination_forms.add("path" if PAGE_IN_PATH.search(urlsplit(url).path)
                                          else "query")
            elif hops + 1 > self.max_depth:
                continue
            # The next page of a listing is a listing: read for its links, not extracted.
            req = (self.make_request(url, "listing", self.parse_listing, hops=hops, priority=10)
                   if is_next else self.listing_request(url, hops + 1))
            if req is not None:
                yield req

    def listing_request(self, url: str, hops: int) -> scrapy.Request | None:
        known = self.shapes.predict(url) == "listing"
        callback = self.parse_listing if known else self.parse_article
        return self.make_request(url, "listing", callback, hops=hops, priority=10)

    def closed(self, reason: str) -> None:
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

