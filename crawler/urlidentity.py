"""An article's identity under its site profile: which query parameters name the article.

Old CMSs put the article in the query string (``/news/index?page=article&id=3f2a``) and
link the same article with extra parameters (``&mode=news``, ``&subject_id=4``).  A
profile's ``url_params`` says which parameters make the identity (``keep``) or which do not
(``drop``); every URL the profile's ``article_url`` accepts is reduced to them before the
frontier, deduplication and storage see it, and the variants are kept as aliases.

The canonical form is :func:`crawler.urls.canonicalize` of the reduced URL (query sorted,
trailing slash on the path), so canonicalising it again changes nothing.  It is a key, not
always an address the site answers: :func:`refetch_url` says what to fetch again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.urls import canonicalize, match_form

if TYPE_CHECKING:
    from crawler.profiles import SiteProfile, UrlParams


def reduce_query(url: str, params: UrlParams) -> str:
    """``url`` with only the identity parameters, in ``keep`` order (or written order)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if params.keep:
        order = {name: i for i, name in enumerate(params.keep)}
        kept = sorted((p for p in pairs if p[0] in order), key=lambda p: order[p[0]])
    else:
        kept = [p for p in pairs if p[0] not in params.drop]
    return urlunsplit(parts._replace(query=urlencode(kept), fragment=""))


@lru_cache(maxsize=8192)
def _canonical(url: str, article_url: tuple[str, ...], exclude: tuple[str, ...],
               params: UrlParams) -> str:
    form = match_form(url)
    if not any(re.search(p, form) for p in article_url) or any(
            re.search(p, form) for p in exclude):
        return canonicalize(url)
    return canonicalize(reduce_query(url, params))


def canonical_for(profile: SiteProfile, url: str) -> str:
    """The canonical URL of ``url``: its identity when it is an article URL of a profile
    with ``url_params``, else :func:`crawler.urls.canonicalize`."""
    if profile.url_params is None:
        return canonicalize(url)
    return _canonical(url, profile.article_url, profile.exclude, profile.url_params)


def refetch_url(profile: SiteProfile, canonical_url: str, fetched_url: str | None) -> str:
    """The address to re-fetch a stored article at.

    A canonical URL is an identity key; under ``url_params`` it is not always an address
    the site answers (its path gets the canonical trailing slash, its query is sorted), so
    the URL the article was last fetched at is used instead.
    """
    return fetched_url if profile.url_params is not None and fetched_url else canonical_url
