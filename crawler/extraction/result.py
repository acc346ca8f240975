"""What the extractor hands back: one flat, picklable record per page."""

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
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: dict[str, str | None] | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    text: str = ""
    markdown: str = ""
    word_count: int = 0
    related: list[dict[str, Any]] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None

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
        for name in ("authors", "credits", "categories", "tags"):
            data[name] = list(data[name])
        data["related"] = [dict(link) for link in self.related]
        data["provenance"] = dict(self.provenance)
        if self.image is not None:
            data["image"] = dict(self.image)
        return data


_FIELDS = tuple(f.name for f in fields(ExtractionResult))
