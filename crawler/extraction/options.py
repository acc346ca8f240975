"""What the caller tells the extractor about a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler import settings
from crawler.profiles import SiteProfile

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


@dataclass(frozen=True)
class ExtractOptions:
    """Options of one :func:`crawler.extraction.extract` call (frozen and picklable)."""

    url: str = ""
    profile: SiteProfile | None = None
    content_type: str | None = None
    include_captions: bool = False
    max_bytes: int = settings.NEWSCRAWL_EXTRACT_MAX_BYTES
    timeout: float = settings.NEWSCRAWL_EXTRACT_TIMEOUT
    min_words: int = settings.NEWSCRAWL_EXTRACT_MIN_WORDS
    with_related: bool = True

    @classmethod
    def from_settings(cls, s: BaseSettings) -> ExtractOptions:
        """The crawl's ``NEWSCRAWL_EXTRACT_*`` settings (per-page fields left empty)."""
        return cls(max_bytes=s.getint("NEWSCRAWL_EXTRACT_MAX_BYTES"),
                   timeout=s.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT"),
                   min_words=s.getint("NEWSCRAWL_EXTRACT_MIN_WORDS"))
