"""Sitemap parsing, including the Google News fields Scrapy's own parser drops.

Scrapy's :class:`~scrapy.utils.sitemap.Sitemap` flattens each ``<url>`` to its direct
children's text, so ``<news:news><news:publication_date>`` arrives as an empty ``news``
key.  :class:`NewsSitemap` keeps Scrapy's hardened lxml set-up (no entities, recover mode)
and adds ``news_publication_date`` / ``news_title`` to each entry.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

# Hard bound on a decompressed sitemap, whatever its compressed size (gzip bombs).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
# A document type declaration is looked for in this many leading bytes (it precedes the root).
DTD_WINDOW = 64 * 1024


class SitemapRejected(ValueError):
    """A sitemap refused unparsed: over the size bound, or declaring a DTD."""


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None = None
    news_publication_date: str | None = None
    news_title: str | None = None
    is_sitemap: bool = False  # a child sitemap of an index, not a page


class NewsSitemap(Sitemap):
    """Scrapy's sitemap parser plus the ``news:`` fields of Google News sitemaps."""

    def _process_sitemap_element(self, elem: Any) -> dict[str, Any] | None:
        news: dict[str, str] = {}
        for child in elem:
            if self._get_tag_name(child) != "news":
                continue
            for field in child.iter():
                name = self._get_tag_name(field)
                if name in {"publication_date", "title"} and field.text:
                    news[f"news_{name}"] = field.text.strip()
        d = super()._process_sitemap_element(elem)  # clears elem: read the news part first
        if d is None:
            return None
        d.pop("news", None)
        d.update(news)
        return d


def decompress(body: bytes) -> bytes:
    """Gunzip ``body`` when it is gzip (``sitemap.xml.gz``), refusing oversize output."""
    if body[:2] != b"\x1f\x8b":
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
        data = f.read(MAX_SITEMAP_BYTES + 1)
    if len(data) > MAX_SITEMAP_BYTES:
        raise SitemapRejected(f"gzip bomb: it inflates past {MAX_SITEMAP_BYTES >> 20} MB")
    return data


def parse_sitemap(body: bytes) -> Iterator[SitemapEntry]:
    """Entries of a sitemap index or urlset (empty for anything that is not a sitemap).

    Raises :class:`SitemapRejected` for a gzip bomb, and for a sitemap that declares a DTD:
    sitemaps have no use for one, and its entities are how XML bombs (entity expansion)
    and XXE (an entity reading a local file) work.  lxml would not expand them either.
    """
    body = decompress(body)
    if not body.strip():
        return
    head = body[:DTD_WINDOW]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise SitemapRejected("it declares a DTD (entity expansion or external entities: "
                              "XML bomb or XXE)")
    try:
        sitemap = NewsSitemap(body)
    except Exception:
        return
    is_index = sitemap.type == "sitemapindex"
    if sitemap.type not in {"sitemapindex", "urlset"}:
        return
    for d in sitemap:
        loc = d.get("loc")
        if not loc:
            continue
        yield SitemapEntry(
            loc=loc, lastmod=d.get("lastmod") or None,
            news_publication_date=d.get("news_publication_date"),
            news_title=d.get("news_title"), is_sitemap=is_index,
        )


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute."""
    return list(sitemap_urls_from_robots(body, base_url=base_url))
