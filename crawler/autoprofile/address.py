"""A site address (``https://site.example/``) where a profile name goes.

:func:`profile_from_address` builds the in-memory profile of a profile-less crawl: the
address's host and its ``www.`` twin as the only allowed domains, the home page as the
start URL, robots.txt and the usual sitemap and feed locations of the common CMSs to
probe.  It has no URL patterns and no selectors: page types come from the pages
(:mod:`crawler.autoprofile.pagesignals`), URL patterns are learned during the crawl
(:mod:`crawler.autoprofile.url_shapes`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.profiles import ProfileError, SiteProfile

# Where CMSs put their sitemaps: generic, Yoast/Rank Math, WordPress core, news sitemaps,
# Ghost (sitemap.xml is an index there), Drupal's simple_sitemap and xmlsitemap.
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/news-sitemap.xml",
                 "/sitemap-news.xml", "/sitemap/sitemap.xml")
# Feeds tried when the home page names none: WordPress, Drupal, Ghost/others.
FEED_PATHS = ("/feed/", "/rss.xml", "/rss/", "/feed.xml", "/atom.xml", "/index.xml")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_HOST = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?(?:/.*)?$", re.IGNORECASE)


def is_address(text: str | None) -> bool:
    """True for ``https://host/...`` (or a bare ``host.tld``), not a profile name or file."""
    if not text:
        return False
    return bool(_SCHEME.match(text)) or (bool(_HOST.match(text)) and not text.endswith(
        (".yaml", ".yml")))


def normalize_address(text: str) -> str:
    url = text.strip()
    if not _SCHEME.match(url):
        url = "https://" + url
    parts = urlsplit(url)
    if not parts.hostname:
        raise ProfileError(f"not a site address: {text!r}")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def site_key(address: str) -> str:
    """The name stored with the site's articles: its host without ``www.``."""
    parts = urlsplit(normalize_address(address))
    host = (parts.hostname or "").removeprefix("www.")
    return host + (f":{parts.port}" if parts.port else "")


def allowed_hosts(address: str) -> tuple[str, ...]:
    host = urlsplit(normalize_address(address)).hostname or ""
    bare = host.removeprefix("www.")
    return (host,) if _is_ip(host) else tuple(dict.fromkeys((host, bare, "www." + bare)))


def _is_ip(host: str) -> bool:
    return bool(re.match(r"^[\d.]+$|^\[?[0-9a-f:]+\]?$", host))


def start_path(address: str) -> str:
    """The page the address names (its home page: ``/`` unless it has a path)."""
    text = address.strip()
    parts = urlsplit(text if _SCHEME.match(text) else "https://" + text)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def profile_from_address(address: str) -> SiteProfile:
    base = normalize_address(address)
    return SiteProfile(
        name=site_key(base), description=f"profile-less crawl of {base}", base_url=base,
        allowed_domains=allowed_hosts(base), start_urls=(start_path(address),), article_url=(),
        sitemaps=("/robots.txt",), feeds=(), path=base, inferred=True)
