"""Links of a listing page, with the date shown next to each, and pagination helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector
from scrapy.linkextractors import IGNORED_EXTENSIONS

from crawler.discovery.dates import parse_date
from crawler.urls import canonicalize, match_form

_IGNORED = tuple("." + e for e in IGNORED_EXTENSIONS)
# How far up from a link to look for the date of the teaser it belongs to.
_DATE_ANCESTORS = 5


@dataclass(frozen=True)
class PageLink:
    url: str
    text: str
    date: str | None = None  # the teaser's <time datetime>, when it has exactly one article


def has_ignored_extension(url: str) -> bool:
    """PDFs, images, archives, media: never fetched as pages."""
    return urlsplit(url).path.lower().endswith(_IGNORED)


def page_links(sel: Selector, base_url: str, is_article: Callable[[str], bool]) -> list[PageLink]:
    """Every http(s) link of a page, article links with the date shown next to them."""
    links: list[PageLink] = []
    seen: set[str] = set()
    for a in sel.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in {"http", "https"} or has_ignored_extension(url):
            continue
        url = urlunsplit(urlsplit(url)._replace(fragment=""))
        date = _teaser_date(a, url, base_url, is_article) if is_article(url) else None
        if url in seen and date is None:
            continue
        seen.add(url)
        links.append(PageLink(url, " ".join(a.css("::text").getall()).strip(), date))
    return links


def _teaser_date(a: Selector, url: str, base_url: str,
                 is_article: Callable[[str], bool]) -> str | None:
    """The ``<time datetime>`` of the smallest block around ``a`` that has one.

    Only a block about this one article counts: if it links to other articles too, the
    date cannot be attributed and None is returned.
    """
    el = a.root
    own = canonicalize(url)
    for _ in range(_DATE_ANCESTORS):
        el = el.getparent()
        if el is None:
            return None
        times = el.xpath(".//time[@datetime]/@datetime")
        if not times:
            continue
        for href in el.xpath(".//a/@href"):
            other = urljoin(base_url, str(href))
            if is_article(other) and canonicalize(other) != own:
                return None
        value = str(times[0]).strip()
        return value if parse_date(value) else None
    return None


def page_number(url: str, pattern: str) -> int | None:
    """The page number ``pattern`` captures in ``url``'s path and query (see match_form)."""
    m = re.search(pattern, match_form(url))
    return int(m.group(1)) if m else None


def listing_root(url: str, pattern: str) -> str:
    """The first page of the listing ``url`` belongs to: the URL without the page part.

    ``/category/news/page/3/`` -> ``/category/news/``;
    ``/news/index?page=list&pg=3`` (pattern ``[?&]pg=(\\d+)``) -> ``/news/index?page=list``.
    """
    parts = urlsplit(url)
    form = match_form(url)
    m = re.search(pattern, form)
    if m is None:
        return urlunsplit(parts._replace(fragment=""))
    if m.group(0).startswith("/"):
        rest = form[:m.start()] + "/" + form[m.end():].lstrip("/")
    else:
        rest = form[:m.start()] + form[m.end():]
        if m.group(0).startswith("?"):
            rest = rest.replace("&", "?", 1) if "?" not in rest else rest
    path, _, query = rest.partition("?")
    return urlunsplit(parts._replace(path=path, query=query, fragment=""))
