"""Dates printed as text ("Sept. 5, 2019", "5 September 2019 at 4:32 p.m.", "05/09/2019").

Used for a profile's ``published``/``modified`` selectors and, on pages without any date
metadata, as the bounded last resort of the generic path: one regular expression over the
page's text segments, in document order, instead of a date parser tried on every segment
(htmldate's extensive search hands each plausible segment to dateparser, which costs tens of
milliseconds a call and seconds for its first call in a process).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from lxml import etree

# English month names and abbreviations, AP style included ("Sept.", "Aug.").
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
          r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_TIME = (r"(?:,?\s+(?:at\s+)?(?P<hour>[0-2]?\d)(?::(?P<minute>[0-5]\d))?\s*"
         r"(?P<ampm>[ap]\.?\s?m\b\.?)?)?")
MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b{_TIME}", re.IGNORECASE)
DAY_FIRST = re.compile(rf"\b{_DAY}\.?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b{_TIME}", re.IGNORECASE)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)"
                 r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d))?")
NUMERIC = re.compile(r"\b(?P<a>[0-3]?\d)[./-](?P<b>[0-3]?\d)[./-](?P<year>(?:19|20)\d\d)\b"
                     rf"{_TIME}")
_CHEAP_CUE = re.compile(r"(?:19|20)\d\d")
# strptime directives as the regular expressions that find them inside a longer text.
_DIRECTIVES = {"d": r"[0-3]?\d", "m": r"[01]?\d", "Y": r"\d{4}", "y": r"\d\d",
               "b": r"[A-Za-z]{3,9}\.?", "B": r"[A-Za-z]{3,9}\.?", "a": r"[A-Za-z]{3,9}\.?",
               "A": r"[A-Za-z]{3,9}", "H": r"[0-2]?\d", "I": r"[01]?\d", "M": r"[0-5]\d",
               "S": r"[0-5]\d", "p": r"[AaPp]\.?\s?[Mm]\.?", "z": r"[+-]\d\d:?\d\d", "%": "%"}
_SKIP_TEXT = {"script", "style", "noscript", "a", "nav", "aside", "footer", "option", "button"}
MAX_SEGMENTS = 2000  # text segments a page-wide search reads at most


def _iso(year: int, month: int, day: int, hour: str | None = None, minute: str | None = None,
         ampm: str | None = None) -> str | None:
    try:
        if hour is None or (minute is None and ampm is None):
            return date(year, month, day).isoformat()
        h = int(hour)
        if ampm:
            if not 1 <= h <= 12:
                return date(year, month, day).isoformat()
            h = h % 12 + (12 if ampm.lower().startswith("p") else 0)
        return datetime(year, month, day, h, int(minute or 0)).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str], day_first: bool | None = None) -> str | None:
    groups = m.groupdict()
    if "a" in groups:
        a, b = int(groups["a"]), int(groups["b"])
        if day_first is None and a <= 12 and b <= 12 and a != b:
            return None  # 05/09/2019 without a hint: ambiguous
        day, month = (a, b) if day_first or (day_first is None and a > 12) else (b, a)
        return _iso(int(groups["year"]), month, day, groups.get("hour"), groups.get("minute"),
                    groups.get("ampm"))
    mon = groups["mon"]
    month = int(mon) if mon.isdigit() else _MONTHS[mon[:3].lower()]
    return _iso(int(groups["year"]), month, int(groups["day"]), groups.get("hour"),
                groups.get("minute"), groups.get("ampm"))


def parse_text_date(text: str, formats: Iterable[str] = (),
                    day_first: bool | None = None) -> str | None:
    """The first date written in ``text`` as ISO 8601 (date, or date and time), or None.

    ``formats`` are strptime patterns tried first, each found anywhere inside ``text``;
    month names match by their first three letters, so ``%b`` reads "Sept." and "September".
    Without them: ISO dates, English month-name dates (either order, with an optional time
    like "4:32 p.m.") and numeric dates, the latter only when unambiguous or given
    ``day_first``.
    """
    text = " ".join((text or "").split())
    if not text:
        return None
    for fmt in formats:
        value = _by_format(text, fmt)
        if value:
            return value
    found = [m for rx in (ISO, MONTH_FIRST, DAY_FIRST) for m in [rx.search(text)] if m]
    for m in sorted(found, key=lambda m: m.start()):
        value = _from_match(m)
        if value:
            return value
    m = NUMERIC.search(text)
    return _from_match(m, day_first) if m else None


def _by_format(text: str, fmt: str) -> str | None:
    pattern = "".join(
        f"(?:{_DIRECTIVES.get(part[0], re.escape(part[0]))}){re.escape(part[1:])}" if i else
        re.escape(part) for i, part in enumerate(fmt.split("%")))
    pattern = re.sub(r"(?:\\ )+", r"\\s+", pattern)
    for m in re.finditer(pattern, text, re.IGNORECASE):
        value = _normalise_names(m.group(0))
        try:
            parsed = datetime.strptime(value, _normalise_names(_PERIOD_AFTER_NAME.sub(r"\1", fmt)))
        except ValueError:
            continue
        timed = any(d in fmt for d in ("%H", "%I", "%M"))
        return parsed.isoformat() if timed else parsed.date().isoformat()
    return None


_PERIOD_AFTER_NAME = re.compile(r"(%[bBaA])\.")
_NAME = re.compile(r"[A-Za-z]{3,}\.?")
_AMPM = re.compile(r"\b([AaPp])\.?\s?[Mm]\b\.?")


def _normalise_names(text: str) -> str:
    """Month and day names cut to three letters without a period; "p.m." as "PM"."""
    text = _AMPM.sub(lambda m: m.group(1).upper() + "M", text)
    return _NAME.sub(lambda m: m.group(0).rstrip(".")[:3] if m.group(0)[:3].lower() in _NAMES
                     else m.group(0), text)


_NAMES = set(_MONTHS) | {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


def page_text_date(tree: etree._Element) -> str | None:
    """The first month-name or ISO date printed in the page's own text, in document order.

    Text inside links, navigation, sidebars and footers is skipped, and so is a date right
    after a link (a teaser's date).  Bounded: at most :data:`MAX_SEGMENTS` text segments.
    """
    seen = 0
    for el in tree.iter(etree.Element):
        if el.tag in _SKIP_TEXT:
            continue
        prev = el.getprevious()
        own = (el.text, prev is not None and prev.tag == "a")
        for text, after_link in (own, *((c.tail, c.tag == "a") for c in el)):
            if not text or not text.strip():
                continue
            seen += 1
            if seen > MAX_SEGMENTS:
                return None
            if after_link or not _CHEAP_CUE.search(text) or _skipped(el):
                continue
            value = parse_text_date(text) if len(text) < 300 else None
            if value:
                return value
    return None


def _skipped(el: etree._Element) -> bool:
    return any(a.tag in _SKIP_TEXT for a in el.iterancestors())
