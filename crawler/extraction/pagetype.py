"""Is a page an article, a listing of articles, or something else?"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extraction import selectors as sel
from crawler.extraction.jsonld import LinkedData
from crawler.profiles import SiteProfile

# The page type's source when the profile's ``article_types`` rule it out.
ARTICLE_TYPES_SOURCE = "profile:article_types"


def page_type(url: str, profile: SiteProfile | None, ld: LinkedData, og_type: str,
              body_words: int, min_words: int, body_class: str = "") -> tuple[str, str]:
    """``(page type, the signal that decided it)``."""
    path = urlsplit(url).path or "/"
    if profile is not None and url:
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
    types = ld.all_types()
    has_article = ld.article is not None and any(sel.ARTICLE_TYPES.match(t) for t in types)
    if url and sel.NON_ARTICLE_PATHS.search(path):
        return "other", "url:static"
    classes = set(body_class.split())
    if classes & sel.STATIC_BODY_CLASSES and not classes & sel.POST_BODY_CLASSES:
        return "other", "body-class"
    if classes & sel.LISTING_BODY_CLASSES and not classes & sel.POST_BODY_CLASSES:
        return "listing", "body-class"
    if has_article:
        return "article", "json-ld"
    if not og_type.startswith("article") and any(sel.LISTING_TYPES.match(t) for t in types):
        return "listing", "json-ld"
    if url and (path == "/" or sel.LISTING_PATHS.search(path)):
        return "listing", "url:listing"
    if any(sel.OTHER_TYPES.match(t) for t in types):
        return "other", "json-ld"
    if og_type in sel.ARTICLE_OG_TYPES or og_type.startswith("article"):
        return "article", "meta:og:type"
    if body_words >= min_words:
        return "article", "body"
    return "other", "body"
