"""Following a listing page's links when no profile says which links are articles.

A link is skipped (feeds, media, logins, search, print and AMP copies: ``SKIP_LINKS``), taken
as the listing's next page (``/page/N/``, ``?page=N``, ``rel="next"``), as another listing (its
URL shape, or a path that looks like one), or as an article candidate.  Listing pages are read
for their links and never extracted.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import scrapy
from parsel import Selector

from crawler.extraction import selectors as sel
from crawler.urls import canonicalize, in_domains

if TYPE_CHECKING:
    from scrapy.http import Response

SKIP_LINKS = re.compile(
    r"/(?:feed|rss|atom)(?:/|\.xml$|$)|\.(?:xml|rss|jpe?g|png|gif|webp|svg|pdf|zip|mp3|mp4|css"
    r"|js|ico)$|/wp-(?:admin|login|json|content)|/(?:user|users|account)/(?:login|register"
    r"|password|logout)|/(?:login|logout|register|signin|signup)/?$|[?&](?:s|q|share"
    r"|replytocom|amp|print|format|output)=|/(?:search|comment/reply|node/add|admin)/"
    r"|/printable/|/print/?$|/amp/?$|^mailto:|^tel:|^javascript:", re.IGNORECASE)
PAGE_IN_PATH = re.compile(r"/page/(\d+)/?$")
PAGE_PARAMS = ("page", "paged", "p", "pg")


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


class ProfilelessListings:
    """The profile-less spider's listing pages (mixed into
    :class:`~spiders.profileless.ProfilelessSpider`)."""

    pagination_forms: set[str]  # how the site paginates: "path" and/or "query"

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
