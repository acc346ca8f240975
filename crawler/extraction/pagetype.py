"""Is a page an article, a listing of articles, or something else?

The page's own declarations come first: the WordPress template in ``<body class>``, the
JSON-LD ``@type`` (Article/NewsArticle/BlogPosting/Report... against CollectionPage/ItemList),
``og:type`` and ``article:published_time``.  The URL's shape counts only when the caller
knows the URL (a file extracted without ``--url`` has none: a ``<base href>`` pointing at the
site's root says nothing about the page), and only where the page declares nothing.  The one
exception is a static path (``/about``, ``/contact``...): many CMSs stamp ``og:type`` article
on every page, so there only a declared publication time or a JSON-LD article outweighs it.
In a profiled crawl the profile's ``article_url`` decides.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extraction import selectors as sel
from crawler.extraction.jsonld import LinkedData
from crawler.profiles import SiteProfile

# The page type's source when the profile's ``article_types`` rule it out.
ARTICLE_TYPES_SOURCE = "profile:article_types"


def page_type(url: str, profile: SiteProfile | None, ld: LinkedData, og_type: str,
              body_words: int, min_words: int, body_class: str = "",
              published_meta: bool = False, url_known: bool = True) -> tuple[str, str]:
    """``(page type, the signal that decided it)``.

    ``published_meta``: the page declares ``article:published_time``; ``url_known``: ``url``
    is the page's own address (not a guess from ``<base href>``).
    """
    if profile is not None and url and url_known:
        if profile.is_article_url(url):
            if og_type and profile.article_types and og_type not in {
                    t.lower() for t in profile.article_types}:
                # a static page (about, privacy) sharing the article URL shape
                return "other", ARTICLE_TYPES_SOURCE
            return "article", "profile:article_url"
        if profile.is_listing_url(url):
            return "listing", "profile:listing_url"
        if profile.article_url:
            return "other", "profile:no-match"
    path = (urlsplit(url).path or "/") if url and url_known else ""
    types = ld.all_types()
    has_article = ld.article is not None and any(sel.ARTICLE_TYPES.match(t) for t in types)
    og_article = og_type in sel.ARTICLE_OG_TYPES or og_type.startswith("article")
    classes = set(body_class.split())
    if path and sel.NON_ARTICLE_PATHS.search(path) and not (has_article or published_meta):
        return "other", "url:static"
    if classes & sel.STATIC_BODY_CLASSES and not classes & sel.POST_BODY_CLASSES:
        return "other", "body-class"
    if classes & sel.LISTING_BODY_CLASSES and not classes & sel.POST_BODY_CLASSES:
        return "listing", "body-class"
    if has_article:
        return "article", "json-ld"
    if not og_article and any(sel.LISTING_TYPES.match(t) for t in types):
        return "listing", "json-ld"
    if og_article:
        return "article", "meta:og:type"
    if published_meta:
        return "article", "meta:article:published_time"
    if any(sel.OTHER_TYPES.match(t) for t in types):
        return "other", "json-ld"
    if path and (path == "/" or sel.LISTING_PATHS.search(path)):
        return "listing", "url:listing"
    if body_words >= min_words:
        return "article", "body"
    return "other", "body"
