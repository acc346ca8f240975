"""The mirror's content model: authors, sections, tags, posts and article bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    bio: str


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    id: int


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str


@dataclass(frozen=True)
class Post:
    """One article's metadata; its body comes from :func:`post_body`."""

    index: int  # position in generation order: the seed of its text
    id: int  # WordPress post id
    slug: str
    title: str
    published: datetime
    modified: datetime
    authors: tuple[Author, ...]
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    opening: str = ""  # fixed first paragraph (seed block targets)
    fixed_body: tuple[tuple[str, str], ...] = ()  # (tag, text) blocks: the seed article
    changed: bool = False  # the revision-2 change applies to this post
    language: str = "en"
    encoding_trap: bool = False  # body has Cyrillic text; page is served as windows-1251
    utc_dates: bool = False  # every instant on the page in UTC, only the local date printed

    @property
    def category(self) -> Category:
        return self.categories[0]


@dataclass(frozen=True)
class BodyBlock:
    tag: str  # p | h2 | h3 | figure | ad | source
    html: str  # inner HTML (figure: the whole <figure>)
    text: str  # text the extractor should produce ("" for figure/ad/source)


@dataclass(frozen=True)
class Body:
    blocks: tuple[BodyBlock, ...]
    inline: tuple[tuple[Post, str], ...]  # (target post, anchor text) in page order

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.text)

    @property
    def plain(self) -> str:
        """All visible body words joined by spaces (what a teaser excerpt is cut from)."""
        return " ".join(b.text for b in self.blocks if b.text)
