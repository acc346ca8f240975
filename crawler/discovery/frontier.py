"""What this run has already scheduled (what the database holds is the crawl's catalogue,
``crawler.storage.catalogue``).

Article requests are deduplicated by canonical URL here, not by Scrapy's persisted
request fingerprints: after a crash the job directory may list a request as seen whose
article never reached the database, and such an article must be fetched again.
"""

from __future__ import annotations

import uuid
from typing import Any


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
