"""What the extractor hands back: one flat, picklable record per page, with stored names.

Field names are those of the stored article (``docs/data-model.md``), so the item is built
from it field by field (:meth:`crawler.items.ArticleItem.from_extraction`).  ``reason`` is
a snake_case identifier (``empty_body``, ``not_an_article``, ``article_type``,
``parse_error``, ``too_large``, ``unsupported_content_type``, ``empty_document``,
``timeout``), counted as ``extract/failed/<reason>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

PAGE_TYPES = ("article", "listing", "other")


@dataclass
class ExtractionResult:
    ok: bool = False
    reason: str | None = None
    page_type: str = "other"
    url: str = ""
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)  # people
    credits: list[str] = field(default_factory=list)  # agencies, desks, the outlet
    published_at: str | None = None  # UTC, ISO 8601
    published_local: str | None = None  # ISO 8601 as the page states it (its own offset)
    published_day: str | None = None  # YYYY-MM-DD, the publisher's calendar day
    modified_at: str | None = None  # UTC, ISO 8601
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: dict[str, str | None] | None = None
    page_canonical: str | None = None  # the page's own rel=canonical / og:url
    site_name: str | None = None
    text: str = ""
    body_markdown: str = ""
    word_count: int = 0
    related: list[dict[str, Any]] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    # Set by the extraction worker (crawler.workers), not by extract().
    content_hash: str = ""
    minhash: list[int] = field(default_factory=list)
    ms: float = 0.0  # wall time of the extraction
    cpu_ms: float = 0.0

    @classmethod
    def failed(cls, reason: str, url: str = "", **fields: Any) -> ExtractionResult:
        """A structured rejection: nothing but the reason (and what is already known)."""
        return cls(ok=False, reason=reason, url=url, **fields)

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives, without its recursive deepcopy.

        Values are scalars or one level of lists/dicts of scalars, so copying one level
        deep is a deep copy.
        """
        data = {name: getattr(self, name) for name in _FIELDS}
        for name in ("authors", "credits", "categories", "tags", "minhash"):
            data[name] = list(data[name])
        data["related"] = [dict(link) for link in self.related]
        data["provenance"] = dict(self.provenance)
        if self.image is not None:
            data["image"] = dict(self.image)
        return data


_FIELDS = tuple(f.name for f in fields(ExtractionResult))
