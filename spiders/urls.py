"""Fetch exactly the pages of a URL list (one a line, any site) and extract them.

``newscrawl crawl --urls FILE`` or ``scrapy crawl urls -a urls=FILE``.  No link is
followed.  Each URL is extracted with the shipped profile that covers its host, or with
the generic path (no profile) when none does; the item's site is then ``generic``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy

from crawler.profiles import SiteProfile, profile_for_url
from spiders.base import ExtractingSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


def read_url_list(path: str | Path) -> list[str]:
    """http(s) URLs of a file, one a line; blank lines and ``#`` comments skipped."""
    urls: list[str] = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if urlsplit(line).scheme not in {"http", "https"} or not urlsplit(line).hostname:
            raise ValueError(f"{path}: not an http(s) URL: {line!r}")
        urls.append(line)
    return urls


class UrlListSpider(ExtractingSpider):
    name = "urls"

    def __init__(self, urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not urls:
            raise ValueError("no URL list given: -a urls=FILE")
        self.arguments = {"urls": urls}
        self.url_list = read_url_list(urls)
        self.profiles: dict[str, SiteProfile | None] = {}
        for url in self.url_list:
            host = urlsplit(url).hostname or ""
            if host not in self.profiles:
                self.profiles[host] = profile_for_url(url)
        self.allowed_domains = sorted(self.profiles)
        named = {p.name for p in self.profiles.values() if p is not None}
        self.site_name = named.pop() if len(named) == 1 and None not in self.profiles.values() \
            else "generic"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UrlListSpider:
        spider: UrlListSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup(crawler)
        return spider

    def profile_named(self, site: str) -> SiteProfile | None:
        return next((p for p in self.profiles.values() if p is not None and p.name == site),
                    None)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.pool.start()
        for url in self.url_list:
            req = self.make_request(url, "page", self.parse_page)
            if req is not None:
                yield req

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        profile = self.profiles.get(urlsplit(response.url).hostname or "")
        if profile is None:
            profile = self.profiles.get(
                urlsplit(response.meta.get("redirect_urls", [response.url])[0]).hostname or "")
        result = await self.extract(response, profile)
        item = self.take(self.build_item(response, result,
                                         profile.name if profile else "generic"))
        if item is not None:
            yield item
