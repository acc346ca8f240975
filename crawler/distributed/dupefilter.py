"""scrapy-redis's duplicate filter keyed by canonical URL, per run.

The local crawl deduplicates by canonical URL (``crawler.discovery.frontier``); across
workers the same decision is made here, in a Redis set of the run (16-byte digests of the
canonical URLs), so the variants of a URL are fetched once by all workers together.  The
set belongs to one run and expires (see ``crawler.distributed.run``), so the next run reads
listings, feeds and sitemaps again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.urls import canonicalize


class CanonicalUrlDupeFilter(RFPDupeFilter):
    def __init__(self, server: Any, key: str, debug: bool = False) -> None:
        super().__init__(server, key, debug)

    def request_fingerprint(self, request: Request) -> bytes:  # type: ignore[override]
        return hashlib.blake2b(canonicalize(request.url).encode(), digest_size=16).digest()

    def close(self, reason: str = "") -> None:
        """Keep the set: other workers of the run still use it (it expires instead)."""
