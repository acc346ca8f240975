"""What the caller tells the extractor about a page."""

from __future__ import annotations

from dataclasses import dataclass

from crawler import settings
from crawler.profiles import SiteProfile


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
