"""URL canonicalisation shared by the spiders (fetch once per run) and the pipelines.

One canonical form per article: lower-case scheme and host, no default port, no fragment,
no tracking parameters, sorted query, no ``/amp/`` suffix, and a trailing slash on
extension-less paths (the WordPress permalink form).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl"
    r"|igshid|ref_src|ref_url|cmpid|ncid|ocid|spm|__twitter_impression|amp)$",
    re.IGNORECASE,
)
_AMP_SUFFIX = re.compile(r"/amp/?$")
_HAS_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


@lru_cache(maxsize=4096)
def canonicalize(url: str) -> str:
    """Return the canonical form of ``url`` (see module docstring).

    Cached: pages of one site link the same URLs over and over (menus, "latest" blocks).
    A string no URL parser accepts (an unclosed IPv6 literal, a port that is not one) is
    its own canonical form, stripped: it never matches a fetchable URL.
    """
    try:
        return _canonical(url)
    except ValueError:
        return url.strip()


def _canonical(url: str) -> str:
    url = safe_url_string(url.strip())
    parts = urlsplit(url)
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else (
        f"{host}:{port}"
    )
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    path = _AMP_SUFFIX.sub("/", parts.path) or "/"
    if not path.endswith("/") and not _HAS_EXTENSION.search(path.rsplit("/", 1)[-1]):
        path += "/"
    rebuilt = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def match_form(url: str) -> str:
    """The one form every profile regex is matched against: the path and the query string
    exactly as written (parameters in their order, no scheme, host or fragment), as an
    address bar shows them after the host: ``/news/index?page=article&id=3f2a``."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def article_id(canonical_url: str) -> str:
    """Stable document id for an article: a hash of its canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def in_domains(url: str, domains: list[str] | tuple[str, ...]) -> bool:
    """True when ``url``'s host is one of ``domains`` or a subdomain of one."""
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in domains)
