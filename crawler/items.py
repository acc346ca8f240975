"""Items that flow from spiders to pipelines.

The stored shape of an article is documented in ``docs/data-model.md`` and its JSON
Schema in ``crawler/schema/article.schema.json``; a test checks these classes against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RelatedLink:
    """One article-to-article link found on a page."""

    url: str
    text: str
    label: str  # related | latest | must_read | recommended | inline
    position: int


@dataclass
class ArticleItem:
    """An extracted article page, as the spider hands it to the pipelines."""

    url: str  # the URL that was fetched (after redirects)
    site: str  # profile name, or "generic"
    request_url: str = ""  # the URL as it was requested, before redirects
    canonical_url: str = ""  # set by the URL-normalisation pipeline
    aliases: list[str] = field(default_factory=list)
    page_canonical: str = ""  # the page's own rel=canonical / og:url, as found
    title: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)  # the people who wrote it
    credits: list[str] = field(default_factory=list)  # agencies, desks, the outlet credited
    published_at: str | None = None  # ISO 8601, timezone-aware where the page says so
    modified_at: str | None = None
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: dict[str, Any] | None = None  # {"url": ..., "caption": ...}
    site_name: str = ""
    text: str = ""  # plain text body, paragraphs separated by blank lines
    body_markdown: str = ""  # structured body: subheadings as Markdown headings
    word_count: int = 0
    content_hash: str = ""  # sha1 of the normalised body
    minhash: list[int] = field(default_factory=list)  # MinHash signature of body shingles
    related: list[RelatedLink] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)  # field -> where it came from
    page_type: str = "article"  # article | listing | other (from the extractor)
    reject_reason: str | None = None  # why the extractor says this is not a storable article
    http: dict[str, Any] = field(default_factory=dict)  # status, etag, last_modified
    fetched_at: str = ""
    duplicate_of: str | None = None
    dedup: str = ""  # set by the dedup pipeline: new | same | alias | near_duplicate
