"""Site profiles: everything newscrawl knows about a site, as data.

A profile is a YAML file in ``crawler/sites/`` (or any path).  It is validated when loaded:
unknown keys, bad regular expressions, bad selectors and missing start URLs are errors
that name the file and the key.  Paths in ``start_urls``, ``sitemaps`` and ``feeds`` are
relative to ``base_url``; ``with_base_url`` points a profile at a mirror or copy of the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from parsel import Selector

SITES_DIR = Path(__file__).parent / "sites"
RELATED_LABELS = ("related", "latest", "must_read", "recommended")


class ProfileError(ValueError):
    """A profile file is missing, malformed or invalid."""


@dataclass(frozen=True)
class RelatedBlock:
    """A labelled block of links to other articles (e.g. "Latest news")."""

    label: str
    block: str  # CSS selector of the block element(s)
    links: str = "a"  # CSS selector of the article links inside the block
    title: str | None = None  # regex the block's heading text must match, if given
    title_selector: str = ".td-block-title, .block-title, .td-related-title, h2, h3, h4"


@dataclass(frozen=True)
class Pagination:
    pattern: str = r"/page/(\d+)/?$"
    max_pages: int = 50


@dataclass(frozen=True)
class SiteProfile:
    name: str
    base_url: str
    allowed_domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    article_url: tuple[str, ...]
    description: str = ""
    listing_url: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    pagination: Pagination = field(default_factory=Pagination)
    body: tuple[str, ...] = ()  # CSS selectors of the body container, first match wins
    body_exclude: tuple[str, ...] = ()  # CSS selectors removed from inside the body
    related: tuple[RelatedBlock, ...] = ()
    article_types: tuple[str, ...] = ("article",)  # og:type values that confirm an article
    politeness: dict[str, Any] = field(default_factory=dict)  # Scrapy setting overrides
    path: str = ""
    inferred: bool = False  # built from an address (profile-less crawl), not from a file

    def url(self, path_or_url: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", path_or_url)

    def is_article_url(self, url: str) -> bool:
        return _matches(self.article_url, url) and not self.is_excluded(url)

    def is_listing_url(self, url: str) -> bool:
        return _matches(self.listing_url, url) and not self.is_excluded(url)

    def is_excluded(self, url: str) -> bool:
        return _matches(self.exclude, url)

    def with_base_url(self, base_url: str) -> SiteProfile:
        """The same profile pointed at another origin (a mirror or copy of the site)."""
        host = urlsplit(base_url).hostname or ""
        return replace(self, base_url=base_url.rstrip("/"),
                       allowed_domains=tuple(dict.fromkeys((host, *self.allowed_domains))))


POLITENESS_KEYS = {
    "download_delay": "DOWNLOAD_DELAY",
    "concurrent_requests_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "autothrottle_target_concurrency": "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "download_timeout": "DOWNLOAD_TIMEOUT",
    "user_agent": "USER_AGENT",
}


def _matches(patterns: tuple[str, ...], url: str) -> bool:
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    return any(re.search(p, target) for p in patterns)


def _tuple(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ProfileError(f"{where}: '{key}' must be a string or a list of strings")


def _check_regexes(patterns: tuple[str, ...], key: str, where: str) -> None:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ProfileError(f"{where}: '{key}' has a bad regex {p!r}: {exc}") from exc


def _check_css(selectors: tuple[str, ...], key: str, where: str) -> None:
    probe = Selector(text="<html></html>")
    for s in selectors:
        try:
            probe.css(s)
        except Exception as exc:
            raise ProfileError(f"{where}: '{key}' has a bad CSS selector {s!r}: {exc}") from exc


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(extra)}; "
                           f"allowed: {', '.join(sorted(allowed))}")


TOP_KEYS = {
    "name", "description", "base_url", "allowed_domains", "start_urls", "article_url",
    "listing_url", "exclude", "sitemaps", "feeds", "pagination", "body", "body_exclude",
    "related", "article_types", "politeness",
}


def parse_profile(data: Any, where: str = "<profile>") -> SiteProfile:
    """Validate a profile mapping and build a :class:`SiteProfile`."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile must be a mapping")
    _unknown(data, TOP_KEYS, where)
    for key in ("name", "base_url"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ProfileError(f"{where}: missing required key '{key}'")
    start_urls = _tuple(data.get("start_urls"), "start_urls", where)
    if not start_urls:
        raise ProfileError(f"{where}: missing required key 'start_urls' (at least one URL)")
    article_url = _tuple(data.get("article_url"), "article_url", where)
    if not article_url:
        raise ProfileError(f"{where}: missing required key 'article_url'")
    listing_url = _tuple(data.get("listing_url"), "listing_url", where)
    exclude = _tuple(data.get("exclude"), "exclude", where)
    for key, pats in (("article_url", article_url), ("listing_url", listing_url),
                      ("exclude", exclude)):
        _check_regexes(pats, key, where)
    pag_data = data.get("pagination") or {}
    if not isinstance(pag_data, dict):
        raise ProfileError(f"{where}: 'pagination' must be a mapping")
    _unknown(pag_data, {"pattern", "max_pages"}, f"{where}: pagination")
    pagination = Pagination(**pag_data)
    _check_regexes((pagination.pattern,), "pagination.pattern", where)
    body = _tuple(data.get("body"), "body", where)
    body_exclude = _tuple(data.get("body_exclude"), "body_exclude", where)
    _check_css(body + body_exclude, "body", where)
    related = []
    for i, block in enumerate(data.get("related") or []):
        bwhere = f"{where}: related[{i}]"
        if not isinstance(block, dict):
            raise ProfileError(f"{bwhere} must be a mapping")
        _unknown(block, {"label", "block", "links", "title", "title_selector"}, bwhere)
        if block.get("label") not in RELATED_LABELS:
            raise ProfileError(f"{bwhere}: 'label' must be one of {', '.join(RELATED_LABELS)}")
        if not block.get("block"):
            raise ProfileError(f"{bwhere}: missing required key 'block'")
        rb = RelatedBlock(**block)
        _check_css((rb.block, rb.links, rb.title_selector), "related", bwhere)
        if rb.title:
            _check_regexes((rb.title,), "related.title", bwhere)
        related.append(rb)
    politeness = data.get("politeness") or {}
    if not isinstance(politeness, dict):
        raise ProfileError(f"{where}: 'politeness' must be a mapping")
    _unknown(politeness, set(POLITENESS_KEYS), f"{where}: politeness")
    domains = _tuple(data.get("allowed_domains"), "allowed_domains", where) or (
        urlsplit(data["base_url"]).hostname or "",
    )
    return SiteProfile(
        name=data["name"], description=data.get("description", ""),
        base_url=data["base_url"].rstrip("/"), allowed_domains=domains,
        start_urls=start_urls, article_url=article_url, listing_url=listing_url,
        exclude=exclude, sitemaps=_tuple(data.get("sitemaps"), "sitemaps", where),
        feeds=_tuple(data.get("feeds"), "feeds", where), pagination=pagination,
        body=body, body_exclude=body_exclude, related=tuple(related),
        article_types=_tuple(data.get("article_types"), "article_types", where) or ("article",),
        politeness=dict(politeness), path=where,
    )


def load_profile(name_or_path: str) -> SiteProfile:
    """Load a profile by name (``crawler/sites/NAME.yaml``) or by file path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SITES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SITES_DIR.glob("*.yaml")))
        raise ProfileError(f"no site profile {name_or_path!r} (known: {known})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    return parse_profile(data, str(path))


def available_profiles() -> list[Path]:
    return sorted(SITES_DIR.glob("*.yaml"))


def profile_for_url(url: str) -> SiteProfile | None:
    """The shipped profile whose domains include ``url``'s host, if any."""
    host = urlsplit(url).hostname or ""
    for path in available_profiles():
        profile = load_profile(str(path))
        if any(host == d or host.endswith("." + d) for d in profile.allowed_domains):
            return profile
    return None
