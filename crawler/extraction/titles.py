"""Headline choice and cleaning: the on-page headline without a site-name suffix."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese portals join headline, section and site with a bare underscore.
_SEPARATORS = re.compile(r"\s+[|–—\-:·•»«/]{1,2}\s+|\s+::\s+|\s*[｜|]\s*|--+|\s+_\s+"
                         rf"|(?<=[{_CJK}])_(?=[{_CJK}])")
_SPACE = re.compile(r"\s+")
# A separator left at either end once a CMS printed an empty site name ("Headline |").
_DANGLING = re.compile(r"^\s*[|｜]+\s+|\s+[|｜]+\s*$")
_WORD = re.compile(r"\w+")


def clean_space(text: str | None) -> str:
    """Collapse whitespace; characters are kept as the page wrote them (no normalisation)."""
    return _SPACE.sub(" ", text or "").strip()


def title_key(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Remove leading/trailing segments that name the site (``Headline | Site``)."""
    title = _DANGLING.sub("", clean_space(title))
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


# Sources that are copies of one field: og:title and twitter:title are usually both filled
# from the page's "social title", so together they count as one witness.
_FAMILIES = {"meta:og:title": "social", "meta:twitter:title": "social"}
# <title> is the least reliable witness: sites rewrite it for search engines.
_WEIGHTS = {"title": 0.5}
# Where pages add words around the headline: a kicker over the visible headline, a section
# or site name after the document title.
_AFFIXED = {"h1", "title", "visible"}


def _affix_of(longer: list[str], shorter: list[str]) -> bool:
    """``shorter`` is ``longer`` without a kicker before it or a section name after it."""
    n = len(shorter)
    return (4 <= n < len(longer) and n >= 0.6 * len(longer)
            and (longer[:n] == shorter or longer[-n:] == shorter))


def choose_title(h1s: list[str], metas: list[tuple[str, str]], site_names: Iterable[str],
                 headings: Iterable[str] = ()) -> tuple[str | None, str | None]:
    """Pick the headline the page's own signals agree on.

    Each independent witness votes once for a title (site-name affixes stripped): the
    visible ``h1``, the JSON-LD article (headline and name), the social meta tags
    (og/twitter, one witness), ``<title>`` (half a vote) and other metas.  A visible
    headline or ``<title>`` that writes a title with a kicker before it or a section name
    after it (``Live: <title>``, ``<title> – Sport``) votes for the bare title too.  The
    title with the most witnesses wins, ties going to the visible headline, then to the
    more trusted source;
    it is written as the most trusted non-``h1`` source spells it.  ``headings`` are
    other visible headline candidates (an ``h2`` in the article header when the page has
    no usable ``h1``): they confirm a title other sources give, never stand alone.
    Returns ``(title, source)``.
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
    keys = [title_key(t) for _, t in candidates]
    tokens = {k: k.split() for k in keys}
    voters: dict[str, set[str]] = {}
    rank: dict[str, int] = {}

    def vote(key: str, family: str, position: int) -> None:
        voters.setdefault(key, set()).add(family)
        rank[key] = min(rank.get(key, position), position)

    for i, ((src, _), key) in enumerate(zip(candidates, keys, strict=True)):
        family = _FAMILIES.get(src, src)
        vote(key, family, i)
        for other in keys:
            if family in _AFFIXED and other != key and _affix_of(tokens[key], tokens[other]):
                vote(other, family, i)
    for heading in headings:
        key = title_key(clean_space(heading))
        seen = key.split()
        for other in dict.fromkeys(keys):
            if other == key or _affix_of(seen, tokens[other]):
                vote(other, "visible", -1)
        break
    def weight(key: str) -> float:
        return sum(_WEIGHTS.get(family, 1.0) for family in voters[key])

    best = max(voters, key=lambda k: (weight(k), -rank[k]))
    spelled = [(src, t) for (src, t), k in zip(candidates, keys, strict=True) if k == best]
    if not spelled:
        return None, None
    src, title = next(((s, t) for s, t in spelled if s != "h1"), spelled[0])
    if len(voters[best]) > 1 and spelled[0][0] == "h1":
        src = "h1"
    return title, src
