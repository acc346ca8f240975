"""What both mirror themes share: URLs, which posts each block lists, HTML helpers.

A :class:`Site` is the content of one site (:mod:`newscrawl_dev.mirror.content`) seen through a
theme at one base URL.  The theme modules subclass it and render pages; the manifest is
built from the same methods the pages are rendered from, so the two cannot disagree.
"""

from __future__ import annotations

import functools
import html
import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newscrawl_dev.mirror.bodies import lead_text, post_body
from newscrawl_dev.mirror.content import SiteContent
from newscrawl_dev.mirror.model import Author, Body, Category, Post, Tag
from newscrawl_dev.mirror.words import excerpt

PER_PAGE = 10


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def wp_date(dt: datetime) -> str:
    return f"{dt:%B} {dt.day}, {dt.year}"


def utc(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def rfc822(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def http_date(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def jsonld(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@dataclass(frozen=True)
class Block:
    """A labelled list of teasers on an article page."""

    label: str  # related | latest | must_read | recommended
    heading: str
    posts: tuple[Post, ...]


@dataclass(frozen=True)
class Listing:
    kind: str  # home | category | tag | author | date
    key: str
    title: str
    path: str  # page-1 path
    posts: list[Post]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.posts) / PER_PAGE))

    def page_path(self, n: int) -> str:
        return self.path if n == 1 else f"{self.path}page/{n}/"

    def page_posts(self, n: int) -> list[Post]:
        return self.posts[(n - 1) * PER_PAGE:n * PER_PAGE]


class Site:
    """One mirror site at one base URL; themes subclass it."""

    theme = ""
    lang = "en-US"
    static_pages: dict[str, str] = {}  # path -> title
    sitemaps: Any = None  # set by the app: feeds.YoastSitemaps or feeds.CoreSitemaps

    def __init__(self, content: SiteContent, base_url: str, traps: bool = True) -> None:
        self.content = content
        self.spec = content.spec
        self.base = base_url.rstrip("/")
        self.traps = traps
        self.body = functools.lru_cache(maxsize=256)(self._body)

    # --- URLs ---------------------------------------------------------------------------
    def post_path(self, post: Post) -> str:
        raise NotImplementedError

    def url(self, path: str) -> str:
        return self.base + path

    def post_url(self, post: Post) -> str:
        return self.base + self.post_path(post)

    def category_path(self, cat: Category) -> str:
        return f"/category/{cat.slug}/"

    def tag_path(self, tag: Tag) -> str:
        return f"/tag/{tag.slug}/"

    def author_path(self, author: Author) -> str:
        return f"/author/{author.slug}/"

    def image_path(self, post: Post) -> str:
        return f"/wp-content/uploads/{post.published:%Y/%m}/{post.slug[:40]}.jpg"

    @functools.cached_property
    def post_paths(self) -> dict[str, Post]:
        return {self.post_path(p): p for p in self.content.posts}

    # --- text ---------------------------------------------------------------------------
    def _body(self, post: Post) -> Body:
        return post_body(post, self.content, self.base, self.post_url,
                         lambda c: self.url(self.category_path(c)))

    def excerpt(self, post: Post, words: int) -> str:
        return excerpt(lead_text(post, self.spec.key), words)

    def description(self, post: Post) -> str:
        return self.excerpt(post, 30)

    # --- blocks -------------------------------------------------------------------------
    def blocks(self, post: Post) -> list[Block]:
        """The labelled teaser blocks of ``post``'s page, in page order."""
        raise NotImplementedError

    def picks(self, post: Post, salt: str, pool: list[Post], count: int) -> tuple[Post, ...]:
        """``count`` posts of ``pool`` other than ``post``, chosen by a seeded draw."""
        rng = random.Random(f"{salt}:{self.spec.key}:{post.index}")
        chosen: list[Post] = []
        if len(pool) <= count + 1:
            return tuple(p for p in pool if p is not post)[:count]
        while len(chosen) < count:
            cand = pool[rng.randrange(len(pool))]
            if cand.id != post.id and cand not in chosen:
                chosen.append(cand)
        return tuple(chosen)

    def truncated(self, post: Post) -> bool:
        """Whether the page of ``post`` is served cut off after the body (a trap)."""
        return False

    def related(self, post: Post) -> list[dict]:
        """The manifest's ``related`` entries of ``post``: inline links, then the blocks."""
        out = [{"url": self.post_url(t), "text": text, "label": "inline", "position": i}
               for i, (t, text) in enumerate(self.body(post).inline)]
        if self.truncated(post):
            return out
        for block in self.blocks(post):
            out += [{"url": self.post_url(t), "text": t.title, "label": block.label,
                     "position": i} for i, t in enumerate(block.posts)]
        return out

    # --- listings -----------------------------------------------------------------------
    @functools.cached_property
    def listings(self) -> dict[str, Listing]:
        """Every listing by its page-1 path."""
        c = self.content
        out = [Listing("home", "", self.spec.name, "/", c.posts)]
        out += [Listing("category", cat.slug, cat.name, self.category_path(cat),
                        c.by_category[cat.slug]) for cat in self.spec.categories
                if c.by_category[cat.slug]]
        tags = {t.slug: t for t in self.spec.tags}
        out += [Listing("tag", slug, tags[slug].name, self.tag_path(tags[slug]), posts)
                for slug, posts in c.by_tag.items()]
        authors = {a.slug: a for a in self.spec.authors}
        out += [Listing("author", slug, authors[slug].name, self.author_path(authors[slug]),
                        posts) for slug, posts in c.by_author.items()]
        out += self.date_listings()
        return {lst.path: lst for lst in out}

    def date_listings(self) -> list[Listing]:
        return []

    def listing_page(self, path: str) -> tuple[Listing, int] | None:
        """(listing, page number) for a listing path, page 1 also as ``.../page/1/``."""
        base, page = path, 1
        if "/page/" in path:
            head, _, tail = path.rpartition("page/")
            num = tail.rstrip("/")
            if not (num.isdigit() and tail.endswith("/") and not num.startswith("0")):
                return None
            base, page = head, int(num)
        listing = self.listings.get(base)
        if listing is None or page > listing.pages:
            return None
        return listing, page

    def feed_posts(self) -> list[Post]:
        return self.content.posts
