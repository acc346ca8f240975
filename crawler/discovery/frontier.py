"""What this run has already scheduled, and what the database already holds.

Article requests are deduplicated by canonical URL here, not by Scrapy's persisted
request fingerprints: after a crash the job directory may list a request as seen whose
article never reached the database, and such an article must be fetched again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.discovery.dates import parse_date
from crawler.urls import canonicalize


@dataclass(frozen=True)
class StoredArticle:
    canonical_url: str
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header as stored
    modified_at: datetime | None = None  # newest of modified/published/last fetched
    url: str | None = None  # the address it was last fetched at

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> StoredArticle:
        http = doc.get("http") or {}
        stamps = [parse_date(_as_text(doc.get(k)))
                  for k in ("modified_at", "published_at")]
        stamps = [s for s in stamps if s is not None]
        if not stamps:
            stamps = [s for s in (parse_date(_as_text(doc.get(k)))
                                  for k in ("fetched_at", "last_seen")) if s is not None]
        return cls(canonical_url=canonicalize(doc["canonical_url"]), etag=http.get("etag") or None,
                   last_modified=http.get("last_modified") or None,
                   modified_at=max(stamps) if stamps else None,
                   url=doc.get("url") if isinstance(doc.get("url"), str) else None)


def _as_text(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, str) else None


class KnownArticles:
    """The site's stored articles, by canonical URL and by alias."""

    PROJECTION = {"canonical_url": 1, "url": 1, "aliases": 1, "http": 1, "modified_at": 1,
                  "published_at": 1, "fetched_at": 1, "last_seen": 1}

    def __init__(self) -> None:
        self._by_url: dict[str, StoredArticle] = {}
        self.articles: list[StoredArticle] = []

    def __len__(self) -> int:
        return len(self.articles)

    def add(self, doc: dict[str, Any]) -> None:
        if not doc.get("canonical_url"):
            return
        stored = StoredArticle.from_doc(doc)
        self.articles.append(stored)
        for url in (doc["canonical_url"], *(doc.get("aliases") or [])):
            if isinstance(url, str) and url:
                self._by_url[canonicalize(url)] = stored

    def get(self, canonical_url: str) -> StoredArticle | None:
        return self._by_url.get(canonical_url)

    def __contains__(self, canonical_url: str) -> bool:
        return canonical_url in self._by_url

    @classmethod
    def load(cls, db: Any, site: str) -> KnownArticles:
        """Read the site's articles (blocking: call it from a thread)."""
        known = cls()
        for doc in db["articles"].find({"site": site}, cls.PROJECTION, batch_size=2000):
            known.add(doc)
        return known


class Frontier:
    """Canonical URLs claimed by this run; a claim is made once per URL per run."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self._claimed: set[str] = set()

    def claim(self, canonical_url: str) -> bool:
        """True the first time ``canonical_url`` is claimed in this run."""
        if canonical_url in self._claimed:
            return False
        self._claimed.add(canonical_url)
        return True

    def __contains__(self, canonical_url: str) -> bool:
        return canonical_url in self._claimed

    def __len__(self) -> int:
        return len(self._claimed)


def open_database(settings: Any) -> tuple[Any, Any]:
    """A client and database for the crawl's ``MONGO_URI`` / ``MONGO_DATABASE``."""
    from crawler.storage.client import connect

    return connect(settings.get("MONGO_URI") or None, settings.get("MONGO_DATABASE") or None)
