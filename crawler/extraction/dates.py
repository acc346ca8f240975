"""Publication dates: the UTC instant, the page's own spelling, and the publisher's day.

A page states when it was published in up to three ways: structured instants (JSON-LD,
``article:*`` meta, ``<time datetime>``), which may carry the publisher's UTC offset or be
written in UTC; and the date printed for readers.  Stored are the UTC instant
(``published_at``, for range queries), the page's own spelling (``published_local``) and the
publisher's calendar day (``published_day``), taken from

``page-offset``
    an instant with the publisher's UTC offset (``2019-01-13T20:59:00-05:00``);
``page-date``
    a date or a wall time without any offset (``2019-01-13``), already the local day;
``printed-date``
    the date printed on the page, when every structured instant is in UTC (some CMSs write
    UTC everywhere and print only the local date) -- accepted within a day of the UTC day;
``utc``
    the UTC day, when the page says neither.

Without any structured date, htmldate's fast mode reads the page, then
:mod:`crawler.extraction.printeddates` the first date printed in its text (source ``text``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple

from lxml.html import HtmlElement

from crawler.extraction import selectors as sel
from crawler.extraction.jsonld import LinkedData, text_of
from crawler.extraction.printeddates import page_text_date

_TZ_COMPACT = re.compile(r"([+-]\d{2})(\d{2})$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOOSE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)")
_MIN_DATE, _MAX_DATE = datetime(1990, 1, 1), datetime(2100, 1, 1)

PAGE_OFFSET, PAGE_DATE, PRINTED_DATE, UTC_DAY = "page-offset", "page-date", "printed-date", "utc"


class PublicationDates(NamedTuple):
    published_at: str | None  # UTC, ISO 8601
    published_local: str | None  # as the page states it
    published_day: str | None  # YYYY-MM-DD, the publisher's calendar day
    modified_at: str | None  # UTC, ISO 8601
    provenance: dict[str, str]  # published_at / published_day / modified_at -> source


def normalize_date(value: Any) -> str | None:
    """ISO 8601 (with the page's UTC offset when it gives one), or None if unparseable."""
    if not isinstance(value, str):
        value = text_of(value)
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    text = _TZ_COMPACT.sub(r"\1:\2", text)
    if _DATE_ONLY.match(text):
        return text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_loose(value)
        if parsed is None:
            return None
    return parsed.isoformat()


def _parse_loose(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    m = _LOOSE.match(value)
    if m:
        try:
            return datetime.fromisoformat(f"{m[1]}T{m[2]}")
        except ValueError:
            return None
    return None


def _parse(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def to_utc(value: str | None) -> str | None:
    """The instant in UTC (ISO 8601); a date or a time without offset is read as UTC."""
    parsed = _parse(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat()


class _TimeValues:
    """The page's normalised ``<time datetime>`` values, read once when first needed."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        self._values: list[str | None] | None = None

    def __call__(self) -> list[str | None]:
        if self._values is None:
            self._values = [normalize_date(el.get("datetime"))
                            for el in sel.TIME_DATETIME(self.tree)]
        return self._values


def _earlier(a: str, b: str) -> bool:
    """``a`` is an earlier instant than ``b`` (days compared when either lacks an offset)."""
    da, db = _parse(a), _parse(b)
    if da is None or db is None:
        return False
    if (da.tzinfo is None) != (db.tzinfo is None):
        return da.date() < db.date()
    return da < db


def _is_update_stamp(el: HtmlElement) -> bool:
    """A ``<time>`` that the page labels as its last update, by markup or by the words
    printed just before it ("Last updated", "Aktualisiert", "Mis à jour"...)."""
    if el.get("itemprop") == "dateModified" or sel.UPDATED_CLASS.search(el.get("class") or ""):
        return True
    parent = el.getparent()
    label = (parent.text or "") if parent is not None else ""
    prev = el.getprevious()
    if prev is not None:
        label += " " + prev.text_content() + (prev.tail or "")
    if parent is not None and sel.UPDATED_CLASS.search(parent.get("class") or ""):
        return True
    return bool(sel.UPDATED_LABEL.search(label[-60:]))


def _time_element(tree: HtmlElement) -> str | None:
    for el in sel.TIME_DATETIME(tree):
        if _is_update_stamp(el):
            continue
        value = normalize_date(el.get("datetime"))
        if value:
            return value
    return None


def _htmldate(tree: HtmlElement, url: str, original: bool) -> tuple[str | None, str]:
    """htmldate without its extensive search, then the page's first printed date.

    htmldate's extensive search hands every plausible text segment to dateparser (tens of
    milliseconds a call, seconds for the first call in a process): on pages without date
    metadata it was the slowest step of extraction.  Its fast mode plus one bounded regular
    expression pass (:func:`crawler.extraction.printeddates.page_text_date`) finds the same
    dates.
    """
    from htmldate import find_date

    try:
        found = find_date(tree, url=url or None, original_date=original,
                          extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:
        found = None
    if found:
        return found, "htmldate"
    return page_text_date(tree), "text"


def _is_utc(value: str | None) -> bool:
    parsed = _parse(value)
    return bool(parsed and parsed.tzinfo is not None and not parsed.utcoffset())


def _local_spelling(value: str | None, times: _TimeValues,
                    others: list[str | None]) -> str | None:
    """The same instant as the page writes it with its own UTC offset, if it does somewhere."""
    if not _is_utc(value):
        return value
    instant = _parse(value)
    for other in [*others, *times()]:
        parsed = _parse(other)
        if parsed and parsed.tzinfo and parsed.utcoffset() and parsed == instant:
            return other
    return value


def printed_dates(tree: HtmlElement) -> list[date]:
    """Dates printed for readers near the article's date line, in page order.

    Publication date elements first (``itemprop=datePublished``, ``published`` classes), then
    other ``<time>`` elements and date/byline lines; modification dates are skipped.
    htmldate's date-expression parser reads each text.
    """
    from htmldate.extractors import try_date_expr

    found: list[date] = []
    for el in sel.PRINTED_DATES(tree):
        text = el.text_content()
        if not text or len(text) > 120:
            continue
        value = try_date_expr(text, "%Y-%m-%d", False, _MIN_DATE, _MAX_DATE)
        if value:
            day = date.fromisoformat(value)
            if day not in found:
                found.append(day)
    return found


def publisher_day(local: str | None, tree: HtmlElement) -> tuple[str | None, str | None]:
    """``(YYYY-MM-DD, source)`` of the publisher's calendar day for the stated instant."""
    if not local:
        return None, None
    if _DATE_ONLY.match(local):
        return local, PAGE_DATE
    parsed = _parse(local)
    if parsed is None:
        return None, None
    if parsed.tzinfo is None:
        return parsed.date().isoformat(), PAGE_DATE
    if parsed.utcoffset():
        return parsed.date().isoformat(), PAGE_OFFSET
    utc_day = parsed.date()
    for day in printed_dates(tree):
        if abs(day - utc_day) <= timedelta(days=1):
            return day.isoformat(), PRINTED_DATE
    return utc_day.isoformat(), UTC_DAY


def publication_dates(tree: HtmlElement, url: str, ld: LinkedData,
                      meta: dict[str, list[str]]) -> PublicationDates:
    """Published and modified dates in the trust order JSON-LD, meta, ``<time>``, htmldate.

    A meta publication time later than the JSON-LD ``datePublished`` is an update stamp
    (the earlier one wins), and a ``<time>`` the page labels as an update is skipped.
    """
    prov: dict[str, str] = {}

    def first_meta(keys: tuple[str, ...]) -> tuple[str | None, str | None]:
        for key in keys:
            if meta.get(key):
                return meta[key][0], f"meta:{key}"
        return None, None

    published, src = normalize_date(ld.get("datePublished") or ld.get("dateCreated")), "json-ld"
    raw, meta_src = first_meta(sel.META_PUBLISHED)
    declared = normalize_date(raw)
    if not published or (declared and _earlier(declared, published)):
        # a meta tag that names a later instant than the JSON-LD is an update stamp
        published, src = declared, meta_src
    if not published:
        published, src = _time_element(tree), "time"
    if not published:
        published, src = _htmldate(tree, url, original=True)
    times = _TimeValues(tree)
    local = _local_spelling(published, times, [normalize_date(v) for v in
                                               meta.get("article:published_time", [])])
    if local and src:
        prov["published_at"] = src
    day, day_src = publisher_day(local, tree)
    if day and day_src:
        prov["published_day"] = day_src

    modified, src = normalize_date(ld.get("dateModified")), "json-ld"
    if not modified:
        raw, src = first_meta(sel.META_MODIFIED)
        modified = normalize_date(raw)
    if modified and src:
        prov["modified_at"] = src
    return PublicationDates(to_utc(local), local, day, to_utc(modified), prov)
