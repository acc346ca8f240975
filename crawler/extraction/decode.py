"""Bytes to text: HTTP header, byte-order mark, ``<meta>`` declaration, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels pages declare that browsers read as a wider encoding (WHATWG encoding standard).
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "us-ascii": "cp1252", "ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
            "x-sjis": "shift_jis", "tis-620": "cp874"}


def _lookup(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes | str, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``; never raises for undecodable bytes (replacement chars)."""
    if isinstance(data, str):
        return data, "str"
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace"), name
    header = _HEADER_CHARSET.search(content_type or "")
    for label in (header.group(1) if header else None,
                  _meta_label(data)):
        encoding = _lookup(label)
        text = _try(data, encoding)
        if text is not None:
            return text, encoding or ""
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    best = from_bytes(_non_ascii_words(data)).best()
    encoding = _lookup(best.encoding) if best else None
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    return data.decode("utf-8", errors="replace"), "utf-8"


def _non_ascii_words(data: bytes, limit: int = 200_000) -> bytes:
    """The words that carry non-ASCII bytes: detection is not drowned by ASCII text."""
    words = [w for w in data[: limit * 10].split() if any(b > 127 for b in w)]
    sample = b" ".join(words)[:limit]
    return sample or data[:limit]


def _meta_label(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None
