"""Headline choice and cleaning: the on-page headline without a site-name suffix."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"\s+[|–—\-:·•»«/]{1,2}\s+|\s+::\s+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def clean_space(text: str | None) -> str:
    """Collapse whitespace; characters are kept as the page wrote them (no normalisation)."""
    return _SPACE.sub(" ", text or "").strip()


def _key(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Remove leading/trailing segments that name the site (``Headline | Site``)."""
    title = clean_space(title)
    names = {_key(n) for n in site_names if n and _key(n)}
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    separators = _SEPARATORS.findall(title)

    def is_site(segment: str) -> bool:
        key = _key(segment)
        compact = key.replace(" ", "")
        return bool(key) and any(
            key == n or compact == n.replace(" ", "") or (len(key) > 3 and key in n)
            or (len(n) > 3 and n in key and len(key) <= len(n) + 12)
            for n in names)

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
        separators.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
        separators.pop(0)
    out = parts[0]
    for sep, part in zip(separators, parts[1:], strict=False):
        out += sep + part
    return out.strip()


def similar(a: str, b: str) -> float:
    """Token overlap of ``a`` with ``b`` (share of a's words found in b)."""
    ta, tb = _WORD.findall(a.lower()), set(_WORD.findall(b.lower()))
    if not ta:
        return 0.0
    return sum(1 for t in ta if t in tb) / len(ta)


def choose_title(h1s: list[str], metas: list[tuple[str, str]],
                 site_names: Iterable[str]) -> tuple[str | None, str | None]:
    """Pick the headline: a visible ``h1`` that a meta title confirms, else the best meta title.

    ``metas`` is a list of ``(source, title)`` in trust order.  Returns ``(title, source)``.
    """
    site_names = list(site_names)
    cleaned = [(src, strip_site_name(t, site_names)) for src, t in metas if clean_space(t)]
    for h1 in h1s:
        h1 = clean_space(h1)
        if not h1 or len(h1) > 400:
            continue
        if any(_key(h1) == _key(n) for n in site_names if n):
            continue
        for _, meta in cleaned:
            if similar(h1, meta) >= 0.8 or similar(meta, h1) >= 0.8:
                return h1, "h1"
    if len([h for h in h1s if clean_space(h)]) == 1 and not cleaned:
        return clean_space(h1s[0]), "h1"
    for src, meta in cleaned:
        if meta:
            return meta, src
    return None, None
