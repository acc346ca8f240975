"""A profile's per-field selectors (``fields:``): values read where the site prints them.

Each field with a selector is read from the page and, when the selector matches, replaces
what generic extraction found; its provenance is ``profile:<field>``.  A selector that
matches nothing leaves the field to generic extraction.  Authors are the exception that
proves the rule: a byline that names no person ("By Staff", "From wire reports", removed by
``authors_exclude``) decides that the article has no author.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.extraction.authors import clean_authors
from crawler.extraction.css import css
from crawler.extraction.dates import normalize_date, publisher_day, to_utc
from crawler.extraction.printeddates import parse_text_date
from crawler.extraction.titles import clean_space
from crawler.profiles import FieldSelectors, split_attribute

_BY = re.compile(r"^\s*(?:by|from)\s*:?\s+", re.IGNORECASE)
_IMAGE_ATTRIBUTES = ("src", "data-src", "content", "href")


def _matches(tree: etree._Element, selectors: tuple[str, ...]) -> list[str]:
    """Values of the first selector that matches: texts, or the named attribute."""
    for selector in selectors:
        path, attribute = split_attribute(selector)
        found = css(tree, path)
        if not found:
            continue
        if attribute:
            return [clean_space(el.get(attribute)) for el in found if el.get(attribute)]
        return [clean_space(el.text_content()) for el in found]
    return []


def _authors(values: list[str], fields: FieldSelectors) -> list[str]:
    if fields.authors_split:
        split = re.compile(fields.authors_split, re.IGNORECASE)
        parts = [clean_space(p) for v in values for p in split.split(_BY.sub("", v))]
        names = clean_authors(p for p in parts if p)
    else:
        names = clean_authors(_BY.sub("", v) for v in values)
    exclude = [re.compile(p, re.IGNORECASE) for p in fields.authors_exclude]
    return [n for n in names if not any(p.search(n) for p in exclude)]


def _date(values: list[str], fields: FieldSelectors) -> str | None:
    for value in values:
        found = normalize_date(value) if re.match(r"^\d{4}-\d\d-\d\d", value) else None
        found = found or parse_text_date(value, fields.date_format, fields.day_first)
        if found:
            return found
    return None


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v.lower() not in {s.lower() for s in seen}:
            seen[v] = None
    return list(seen)


def _image(tree: etree._Element, url: str, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        path, attribute = split_attribute(selector)
        for el in css(tree, path):
            names = (attribute,) if attribute else _IMAGE_ATTRIBUTES
            ref = next((el.get(n).strip() for n in names if (el.get(n) or "").strip()), None)
            if ref:
                return urljoin(url, ref)
    return None


def profile_fields(tree: etree._Element, url: str, fields: FieldSelectors) -> dict[str, Any]:
    """The fields the profile's selectors found on this page (absent: not found), by the
    profile's names (``published``, ``modified``, ...)."""
    out: dict[str, Any] = {}
    if fields.title:
        title = next((t for t in _matches(tree, fields.title) if t), None)
        if title:
            out["title"] = title
    if fields.authors:
        values = _matches(tree, fields.authors)
        if values:
            out["authors"] = _authors(values, fields)
    for name in ("published", "modified"):
        selectors = getattr(fields, name)
        if selectors:
            value = _date(_matches(tree, selectors), fields)
            if value:
                out[name] = value
    for name in ("categories", "tags"):
        selectors = getattr(fields, name)
        if selectors:
            values = _unique(_matches(tree, selectors))
            if values:
                out[name] = values
    if fields.image:
        image = _image(tree, url, fields.image)
        if image:
            out["image"] = {"url": image, "caption": None}
    return out


def apply_fields(meta: dict[str, Any], provenance: dict[str, str], tree: etree._Element,
                 url: str, fields: FieldSelectors) -> None:
    """Override ``meta`` (the extraction result's fields) with what the selectors found.

    ``published`` sets the page's own spelling, its UTC instant and the publisher's day (a
    date printed without a time is that day); ``modified`` the UTC modification time.
    """
    for name, value in profile_fields(tree, url, fields).items():
        source = f"profile:{name}"
        if name == "published":
            meta["published_local"] = value
            meta["published_at"] = to_utc(value)
            meta["published_day"] = publisher_day(value, tree)[0]
            provenance.update(published_at=source, published_day=source)
        elif name == "modified":
            meta["modified_at"] = to_utc(value)
            provenance["modified_at"] = source
        else:
            meta[name] = value
            provenance[name] = source
