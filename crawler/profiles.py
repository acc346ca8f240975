"""Site profiles: everything newscrawl knows about a site, as data.

A profile is a YAML file in ``crawler/sites/`` (or any path).  It is validated when loaded
against ``crawler/schema/profile.schema.json`` (keys and types), then its regular
expressions and CSS selectors (the schema's ``x-regex``/``x-css`` values) are compiled; the
first problem is an error naming the file and the key.  Every regex is matched against one
form of a URL (:func:`crawler.urls.match_form`).  Paths in ``start_urls``, ``sitemaps`` and
``feeds`` are relative to ``base_url``; ``with_base_url`` points a profile at a mirror or
copy of the site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from parsel import Selector

from crawler.urls import match_form

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
class FieldSelectors:
    """Per-field CSS selectors (``fields:`` in a profile); each overrides generic extraction.

    A selector may end in ``::attr(NAME)`` to read an attribute instead of the text.
    """

    title: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    authors_split: str | None = None  # regex between two names in one byline
    authors_exclude: tuple[str, ...] = ()  # regexes of credits that are not people
    published: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    date_format: tuple[str, ...] = ()  # strptime patterns tried first
    day_first: bool | None = None  # how to read 05/09/2019
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.title, self.authors, self.published, self.modified, self.categories,
                    self.tags, self.image))


@dataclass(frozen=True)
class UrlParams:
    """Which query parameters make an article's identity (``keep``), or which do not."""

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


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
    body_start: tuple[str, ...] = ()  # the body begins after this element ...
    body_stop: tuple[str, ...] = ()  # ... and ends before this one
    body_exclude: tuple[str, ...] = ()  # CSS selectors removed from inside the body
    fields: FieldSelectors = field(default_factory=FieldSelectors)
    url_params: UrlParams | None = None
    related: tuple[RelatedBlock, ...] = ()
    article_types: tuple[str, ...] = ("article",)  # og:type values that confirm an article
    politeness: dict[str, Any] = field(default_factory=dict)  # Scrapy setting overrides
    path: str = ""

    def url(self, path_or_url: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", path_or_url)

    def is_article_url(self, url: str) -> bool:
        return _matches(self.article_url, url) and not self.is_excluded(url)

    def is_listing_url(self, url: str) -> bool:
        return _matches(self.listing_url, url) and not self.is_excluded(url)

    def is_excluded(self, url: str) -> bool:
        return _matches(self.exclude, url)

    def canonical(self, url: str) -> str:
        """The canonical URL of ``url`` under this profile (see :mod:`crawler.urlidentity`)."""
        from crawler.urlidentity import canonical_for

        return canonical_for(self, url)

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
    form = match_form(url)
    return any(re.search(p, form) for p in patterns)


SCHEMA_PATH = Path(__file__).parent / "schema" / "profile.schema.json"


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _key(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    """A jsonschema error as a sentence that names the key."""
    key = _key(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    where = f"'{key}'" if key else "the profile"
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))
        prefix = f"{key}: " if key else ""
        return f"{prefix}unknown key(s) {', '.join(extra)}; allowed: {', '.join(allowed)}"
    if kind == "required":
        missing = next((k for k in expected if k not in value), expected[0])
        inner = f"{key}.{missing}" if key else missing
        return f"missing required key '{inner}'"
    if kind == "type":
        names = {"string": "a string", "array": "a list of strings", "integer": "an integer",
                 "number": "a number", "boolean": "true or false", "object": "a mapping"}
        types = expected if isinstance(expected, list) else [expected]
        return f"{where} must be {' or '.join(names.get(t, t) for t in types)} (got {value!r})"
    if kind == "enum":
        return f"{where} must be one of {', '.join(map(str, expected))} (got {value!r})"
    if kind in ("minLength", "minItems"):
        return f"{where} must not be empty"
    if kind in ("minimum", "exclusiveMinimum"):
        bound = "at least" if kind == "minimum" else "more than"
        return f"{where} must be {bound} {expected} (got {value!r})"
    if kind in ("minProperties", "maxProperties"):
        return f"{where} takes exactly one of {', '.join(sorted(error.schema['properties']))}"
    if kind == "pattern":
        return f"{where} is not valid: {value!r}"
    return f"{where}: {error.message}"


def _check_schema(data: Any, where: str) -> None:
    errors = sorted(_validator().iter_errors(data),
                    key=lambda e: (len(list(e.absolute_path)), list(map(str, e.absolute_path))))
    if errors:
        raise ProfileError(f"{where}: {_message(errors[0])}")


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _check_values(schema: dict[str, Any], data: Any, path: tuple[Any, ...], where: str) -> None:
    """Compile what the schema marks ``x-regex`` and ``x-css`` (a bad one names its key)."""
    if "$ref" in schema:
        ref = _validator().schema["$defs"][schema["$ref"].rsplit("/", 1)[1]]
        schema = {**ref, **{k: v for k, v in schema.items() if k != "$ref"}}
    if isinstance(data, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in data:
                _check_values(sub, data[key], (*path, key), where)
        return
    if isinstance(data, list) and isinstance(schema.get("items"), dict) and (
            schema["items"].get("type") == "object"):
        for i, item in enumerate(data):
            _check_values(schema["items"], item, (*path, i), where)
        return
    key = _key(path)
    if schema.get("x-regex"):
        for p in _strings(data):
            try:
                re.compile(p)
            except re.error as exc:
                raise ProfileError(f"{where}: '{key}' has a bad regex {p!r}: {exc}") from exc
    if schema.get("x-css"):
        probe = Selector(text="<html></html>")
        for s in _strings(data):
            try:
                probe.css(split_attribute(s)[0])
            except Exception as exc:
                raise ProfileError(
                    f"{where}: '{key}' has a bad CSS selector {s!r}: {exc}") from exc


_ATTRIBUTE = re.compile(r"::attr\(\s*([\w:-]+)\s*\)\s*$")


def split_attribute(selector: str) -> tuple[str, str | None]:
    """``"img.lead::attr(src)"`` -> ``("img.lead", "src")``; no suffix -> ``(selector, None)``."""
    m = _ATTRIBUTE.search(selector)
    return (selector[:m.start()].strip(), m.group(1)) if m else (selector, None)


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(_strings(value))


def parse_profile(data: Any, where: str = "<profile>") -> SiteProfile:
    """Validate a profile mapping against ``profile.schema.json`` and build a profile.

    The schema checks keys and types; regular expressions and CSS selectors are then
    compiled.  The first problem raises :class:`ProfileError` naming the file and the key.
    """
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile must be a mapping")
    _check_schema(data, where)
    _check_values(_validator().schema, data, (), where)
    related = tuple(RelatedBlock(**block) for block in data.get("related") or [])
    politeness = data.get("politeness") or {}
    domains = _tuple(data.get("allowed_domains")) or (urlsplit(data["base_url"]).hostname or "",)
    params = data.get("url_params") or {}
    fields = data.get("fields") or {}
    return SiteProfile(
        name=data["name"], description=data.get("description", ""),
        base_url=data["base_url"].rstrip("/"), allowed_domains=domains,
        start_urls=_tuple(data["start_urls"]), article_url=_tuple(data["article_url"]),
        listing_url=_tuple(data.get("listing_url")), exclude=_tuple(data.get("exclude")),
        sitemaps=_tuple(data.get("sitemaps")), feeds=_tuple(data.get("feeds")),
        pagination=Pagination(**(data.get("pagination") or {})),
        body=_tuple(data.get("body")), body_start=_tuple(data.get("body_start")),
        body_stop=_tuple(data.get("body_stop")), body_exclude=_tuple(data.get("body_exclude")),
        fields=FieldSelectors(
            **{k: _tuple(v) if k not in ("authors_split", "day_first") else v
               for k, v in fields.items()}),
        url_params=UrlParams(keep=tuple(params.get("keep") or ()),
                             drop=tuple(params.get("drop") or ())) if params else None,
        related=related,
        article_types=_tuple(data.get("article_types")) or ("article",),
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
