"""Headline choice and cleaning: the on-page headline without a site-name suffix."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"\s+[|–—\-:·•»«/]{1,2}\s+|\s+::\s+|\s*[｜|]\s*|--+|\s+_\s+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def clean_space(text: str | None) -> str:
    """Collapse whitespace; characters are kept as the page wrote them (no normalisation)."""
    return _SPACE.sub(" ", text or "").strip()


def title_key(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Remove leading/trailing segments that name the site (``Headline | Site``)."""
    title = clean_space(title)
    names = {title_key(n) for n in site_names if n and title_key(n)}
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    separators = _SEPARATORS.findall(title)

    def is_site(segment: str) -> bool:
        key = title_key(segment)
        compact = key.replace(" ", "")
        return bool(key) and any(
            key == n or compact == n.replace(" ", "") or (len(key) > 3 and key in n)
            or (len(n) >= 3 and n in key and len(key.split()) <= len(n.split()) + 3)
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
    """Pick the headline the page's own signals agree on.

    Every source (``metas``: ``(source, title)`` in trust order, plus the first visible
    ``h1``) votes for its title once site-name affixes are stripped; the title with the
    most votes wins, ties going to the more trusted source.  The winner is written as the
    most trusted source that voted for it spells it.  Returns ``(title, source)``.
    """
    site_names = [n for n in site_names if n]
    names = {title_key(n) for n in site_names}
    candidates = [(src, strip_site_name(t, site_names)) for src, t in metas if clean_space(t)]
    for h1 in h1s[:1]:
        h1 = clean_space(h1)
        if h1 and len(h1) <= 400 and title_key(h1) not in names:
            candidates.insert(0, ("h1", h1))
    candidates = [(src, t) for src, t in candidates if title_key(t)]
    if not candidates:
        return None, None
    votes: dict[str, int] = {}
    rank: dict[str, int] = {}
    for i, (_, title) in enumerate(candidates):
        key = title_key(title)
        votes[key] = votes.get(key, 0) + 1
        rank.setdefault(key, i)
    best = max(votes, key=lambda k: (votes[k], -rank[k]))
    spelled = [(src, t) for src, t in candidates if title_key(t) == best]
    src, title = next(((s, t) for s, t in spelled if s != "h1"), spelled[0])
    if votes[best] > 1 and spelled[0][0] == "h1":
        src = "h1"
    return title, src
