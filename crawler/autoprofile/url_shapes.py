"""URL shapes: what the URLs of a site's articles, listings and other pages look like.

A shape abstracts a URL's path into tokens: ``/2024/05/12/some-long-slug/`` becomes
``/<d4>/<d2>/<d2>/<slug>/``, ``/category/local/page/2/`` becomes
``/category/<w>/page/<n>/``, ``/section/city?page=1`` becomes ``/section/<w>?page``.  The
first path segment stays literal unless it is a slug or a number: sections and kinds of
pages (``category``, ``author``, ``news``) are usually named there.

:class:`ShapeBook` counts the pages of each shape that were confirmed to be articles,
listings or other pages during a crawl, and predicts the kind of a new URL before it is
fetched when a shape's evidence is strong.  Each shape also gives a regular expression, the
``article_url``/``listing_url`` of a suggested profile.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

KINDS = ("article", "listing", "other")
_SLUG = re.compile(r"^[^\W_]+(?:[-_][^\W_]+){2,}(?:\.html?|\.php)?$")
_NUMBER = re.compile(r"^\d+$")
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Words kept literal wherever they appear: they name the kind of page, not an item.
STRUCTURAL = {"page", "amp", "feed", "print", "printable", "tag", "tags", "category",
              "author", "authors", "section", "sections", "topic", "topics", "archive",
              "archives", "news", "node", "user", "users", "search", "taxonomy", "term"}
PAGE_PARAMS = {"page", "p", "pg", "paged", "start", "offset"}


def segment_token(segment: str, first: bool) -> str:
    low = segment.lower()
    if _NUMBER.match(segment):
        if len(segment) == 4 and 1990 <= int(segment) <= 2099:
            return "<d4>"  # a year
        return "<d2>" if len(segment) <= 2 else "<n>"  # month, day or page; an id
    if _SLUG.match(segment) or _DATED.match(segment):
        return "<slug>"
    if first or low in STRUCTURAL:
        return low
    return "<w>"


def shape_of(url: str) -> str:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    tokens = [segment_token(s, i == 0) for i, s in enumerate(segments)]
    path = "/" + "/".join(tokens)
    if tokens and parts.path.endswith("/"):
        path += "/"
    keys = sorted({k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith("utm_")})
    return path + ("?" + "&".join(keys) if keys else "")


_TOKEN_RE = {"<d4>": r"\d{4}", "<d2>": r"\d{1,2}", "<n>": r"\d+", "<slug>": r"[^/?#]+",
             "<w>": r"[^/?#]+"}


def shape_regex(shape: str) -> str:
    """A regular expression (on path + query, as profiles use) matching ``shape``'s URLs."""
    path, _, query = shape.partition("?")
    parts: list[str] = []
    for token in path.strip("/").split("/") if path.strip("/") else []:
        after_page = bool(parts) and parts[-1] == "page"
        parts.append(r"\d+" if after_page and token.startswith("<d")
                     else _TOKEN_RE.get(token, re.escape(token)))
    body = "^/" + "/".join(parts)
    if path.endswith("/") and parts:
        body += "/"
    if query:
        keys = query.split("&")
        return body + r"\?(?:[^#]*&)?" + re.escape(keys[0]) + "="
    return body + "$"


@dataclass
class ShapeStats:
    counts: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ShapeBook:
    """Confirmed kinds per URL shape, and predictions from them.

    A prediction needs ``min_pages`` confirmed pages of the shape and a share of at least
    ``min_share`` for the winning kind; otherwise the page must be fetched and judged.
    """

    min_pages: int = 3
    min_share: float = 0.9
    shapes: dict[str, ShapeStats] = field(default_factory=dict)

    def learn(self, url: str, kind: str) -> None:
        stats = self.shapes.setdefault(shape_of(url), ShapeStats())
        stats.counts[kind] += 1
        if len(stats.examples) < 5:
            stats.examples.append(url)

    def predict(self, url: str) -> str | None:
        stats = self.shapes.get(shape_of(url))
        if stats is None or stats.total < self.min_pages:
            return None
        kind, n = stats.counts.most_common(1)[0]
        return kind if n / stats.total >= self.min_share else None

    def evidence(self, kind: str) -> list[tuple[str, int, int]]:
        """``(shape, pages of kind, pages of other kinds)`` for shapes where ``kind`` wins."""
        out = []
        for shape, stats in self.shapes.items():
            n = stats.counts[kind]
            if n and n == max(stats.counts.values()):
                out.append((shape, n, stats.total - n))
        return sorted(out, key=lambda row: (-row[1], row[0]))
