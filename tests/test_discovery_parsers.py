"""Sitemaps (with Google News fields), RSS/Atom feeds, listing links and dates."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.discovery.dates import http_date, parse_date
from crawler.discovery.feeds import parse_feed
from crawler.discovery.listings import (
    has_ignored_extension,
    listing_root,
    page_links,
    page_number,
)
from crawler.discovery.sitemaps import SitemapRejected, parse_sitemap, sitemaps_from_robots

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://example.org/2024/05/01/first/</loc>
    <lastmod>2024-05-02T08:00:00+00:00</lastmod>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>2024-05-01T10:00:00+02:00</news:publication_date>
      <news:title>First &amp; foremost</news:title>
    </news:news>
  </url>
  <url><loc> https://example.org/2024/05/03/second/ </loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.org/post-sitemap.xml</loc>
    <lastmod>2024-05-03T00:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://example.org/post-sitemap2.xml</loc></sitemap>
</sitemapindex>"""


def test_news_sitemap_keeps_publication_date_and_title() -> None:
    first, second = parse_sitemap(NEWS_SITEMAP)
    assert first.loc == "https://example.org/2024/05/01/first/"
    assert first.lastmod == "2024-05-02T08:00:00+00:00"
    assert first.news_publication_date == "2024-05-01T10:00:00+02:00"
    assert first.news_title == "First & foremost"
    assert not first.is_sitemap
    assert second.loc == "https://example.org/2024/05/03/second/"
    assert second.news_publication_date is None and second.lastmod is None


def test_sitemap_index_lists_child_sitemaps_and_gzip_is_read() -> None:
    entries = list(parse_sitemap(gzip.compress(INDEX)))
    assert [e.loc for e in entries] == ["https://example.org/post-sitemap.xml",
                                        "https://example.org/post-sitemap2.xml"]
    assert all(e.is_sitemap for e in entries)
    assert entries[0].lastmod == "2024-05-03T00:00:00Z"


def test_non_sitemaps_and_hostile_xml_yield_nothing() -> None:
    assert list(parse_sitemap(b"<html><body>not a sitemap</body></html>")) == []
    assert list(parse_sitemap(b"")) == []
    entity_bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   b"<url><loc>&e;</loc></url></urlset>")
    with pytest.raises(SitemapRejected, match="declares a DTD"):
        list(parse_sitemap(entity_bomb))


def test_robots_sitemap_lines_are_made_absolute() -> None:
    robots = b"User-agent: *\nDisallow: /wp-admin/\nSitemap: /sitemap_index.xml\n" \
             b"sitemap: https://example.org/news-sitemap.xml\n"
    assert sitemaps_from_robots(robots, "https://example.org/robots.txt") == [
        "https://example.org/sitemap_index.xml", "https://example.org/news-sitemap.xml"]


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Example</title>
<atom:link href="https://example.org/feed/" rel="self" type="application/rss+xml"/>
<atom:link href="https://example.org/feed/?paged=2" rel="next"/>
<item><title>One</title><link>https://example.org/2024/05/01/one/</link>
  <pubDate>Wed, 01 May 2024 10:00:00 +0000</pubDate></item>
<item><title>Two</title><guid isPermaLink="true">https://example.org/2024/05/02/two/</guid></item>
<item><title>No link</title><guid isPermaLink="false">post-3</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>
<entry><title>One</title><link rel="alternate" href="https://example.org/a/"/>
  <link rel="replies" href="https://example.org/a/#comments"/>
  <published>2024-05-01T10:00:00Z</published><updated>2024-05-02T10:00:00Z</updated></entry>
</feed>"""


def test_rss_items_dates_and_next_page() -> None:
    feed = parse_feed(RSS)
    assert feed.is_feed
    assert [e.url for e in feed.entries] == ["https://example.org/2024/05/01/one/",
                                             "https://example.org/2024/05/02/two/"]
    assert feed.entries[0].published == "Wed, 01 May 2024 10:00:00 +0000"
    assert feed.next_url == "https://example.org/feed/?paged=2"


def test_atom_entries_use_the_alternate_link() -> None:
    feed = parse_feed(ATOM)
    (entry,) = feed.entries
    assert entry.url == "https://example.org/a/"
    assert entry.published == "2024-05-01T10:00:00Z" and entry.updated == "2024-05-02T10:00:00Z"
    assert feed.next_url is None
    assert not parse_feed(b"<html><body>hi</body></html>").is_feed
    assert not parse_feed(b"").is_feed


LISTING = """<html><body>
<div class="td_module_flex"><h3 class="entry-title"><a href="/2024/05/01/one/">One</a></h3>
  <a href="/author/ana/">Ana</a><time class="entry-date" datetime="2024-05-01T10:00:00+00:00">
  May 1</time></div>
<div class="td_module_flex"><h3><a href="/2024/05/02/two/">Two</a></h3></div>
<div class="row"><a href="/2024/05/03/three/">Three</a><a href="/2024/05/04/four/">Four</a>
  <time datetime="2024-05-04">May 4</time></div>
<a href="/category/news/page/2/">2</a><a href="/wp-content/uploads/report.pdf">PDF</a>
<a href="mailto:x@example.org">mail</a><a href="#top">top</a>
</body></html>"""


def test_listing_links_carry_the_teaser_date_only_when_unambiguous() -> None:
    base = "https://example.org/category/news/"

    def is_article(url: str) -> bool:
        return "/2024/" in url

    links = {link.url: link for link in page_links(Selector(text=LISTING), base, is_article)}
    assert links["https://example.org/2024/05/01/one/"].date == "2024-05-01T10:00:00+00:00"
    assert links["https://example.org/2024/05/02/two/"].date is None
    assert links["https://example.org/2024/05/03/three/"].date is None
    assert "https://example.org/category/news/page/2/" in links
    assert not any(u.endswith(".pdf") or u.startswith("mailto") for u in links)


def test_pagination_helpers() -> None:
    pattern = r"/page/(\d+)/$"
    assert page_number("https://e.org/category/x/page/7/", pattern) == 7
    assert page_number("https://e.org/category/x/", pattern) is None
    assert listing_root("https://e.org/category/x/page/7/", pattern) == "https://e.org/category/x/"
    assert listing_root("https://e.org/page/3/", pattern) == "https://e.org/"
    assert has_ignored_extension("https://e.org/a/photo.JPG")
    assert not has_ignored_extension("https://e.org/2024/05/01/slug/")


def test_dates_parse_iso_rfc822_and_naive_as_utc() -> None:
    assert parse_date("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_date("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_date("Wed, 01 May 2024 10:00:00 +0000") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_date("yesterday") is None and parse_date(None) is None
    assert http_date(datetime(2024, 5, 1, 10, tzinfo=UTC)) == "Wed, 01 May 2024 10:00:00 GMT"
