"""Items that flow from spiders to pipelines.

The stored shape of an article is documented in ``docs/data-model.md`` and its JSON
Schema in ``crawler/schema/article.schema.json``; a test checks these classes against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extraction.result import ExtractionResult


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
    published_at: str | None = None  # ISO 8601 instant (stored as a UTC date)
    published_local: str | None = None  # ISO 8601 as the page states it, with its own offset
    published_day: str | None = None  # YYYY-MM-DD, the publisher's calendar day
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

    @classmethod
    def from_extraction(cls, result: ExtractionResult, *, site: str, url: str,
                        redirects: list[str] | None = None, status: int = 200,
                        etag: str | None = None, last_modified: str | None = None
                        ) -> ArticleItem:
        """The item of one fetched page: the one place an extraction becomes an item.

        ``redirects``: the URLs requested before ``url`` (Scrapy's ``redirect_urls``).
        """
        chain = list(redirects or [])
        related = [RelatedLink(url=r.get("url", ""), text=r.get("text") or "",
                               label=r.get("label") or "related",
                               position=int(r.get("position") or 0))
                   for r in result.related if r.get("url")]
        return cls(
            url=url, site=site,
            request_url=chain[0] if chain else url,
            aliases=[u for u in chain if u != url],
            page_canonical=result.page_canonical or "",
            title=result.title or "", description=result.description or "",
            authors=list(result.authors), credits=list(result.credits),
            published_at=result.published_at, published_local=result.published_local,
            published_day=result.published_day, modified_at=result.modified_at,
            language=result.language, categories=list(result.categories),
            tags=list(result.tags), image=dict(result.image) if result.image else None,
            site_name=result.site_name or "", text=result.text,
            body_markdown=result.body_markdown, word_count=result.word_count,
            content_hash=result.content_hash, minhash=list(result.minhash),
            related=related, provenance=dict(result.provenance),
            page_type=result.page_type,
            reject_reason=None if result.ok else (result.reason or "extract_failed"),
            http={"status": status, "etag": etag, "last_modified": last_modified},
            fetched_at=datetime.now(UTC).isoformat(),
        )
