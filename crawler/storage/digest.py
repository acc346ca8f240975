"""The catalogue's digest: every stored article's keys in compact arrays (read once).

Read from the ``catalogue`` collection (``crawler.storage.keys``) when a crawl opens.  Per
article: its ``_id`` (40 bytes), canonical URL (a Python string), version key and date
stamp (8 bytes each), and sorted 64-bit key arrays with the row they point at (16 bytes
per key): one per URL, one for the content hash, one per LSH band.  About 250 bytes per
article plus its URL; 100,000 articles take about 35 MB.  Lookups are binary searches.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from crawler.storage.indexes import CATALOGUE, LINK_TARGETS
from crawler.storage.keys import (
    content_key,
    key64,
    unpack_keys,
    url_key,
)

if TYPE_CHECKING:
    from pymongo.database import Database

    from crawler.storage.catalogue import StoredArticle


class _KeyIndex:
    """Sorted 64-bit keys, each with the row it belongs to."""

    def __init__(self, keys: array, rows: array) -> None:
        k = np.frombuffer(keys, dtype=np.uint64) if len(keys) else np.zeros(0, np.uint64)
        r = np.frombuffer(rows, dtype=np.uint32) if len(rows) else np.zeros(0, np.uint32)
        order = np.argsort(k, kind="stable")
        self.keys = k[order]
        self.rows = r[order]

    def rows_of(self, key: int) -> list[int]:
        lo = int(np.searchsorted(self.keys, np.uint64(key), side="left"))
        hi = int(np.searchsorted(self.keys, np.uint64(key), side="right"))
        return [int(r) for r in self.rows[lo:hi]]


class Digest:
    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype="S40")
        self.urls: list[str] = []
        self.versions_ = np.zeros(0, dtype=np.uint64)
        self.stamps = np.zeros(0, dtype=np.float64)
        self.content_rows = np.zeros(0, dtype=np.uint64)  # content key per row
        self.by_url = _KeyIndex(array("Q"), array("I"))
        self.by_content = _KeyIndex(array("Q"), array("I"))
        self.by_band = _KeyIndex(array("Q"), array("I"))
        self.pending: set[int] = set()

    def __len__(self) -> int:
        return len(self.urls)

    @classmethod
    def load(cls, db: Database, max_articles: int) -> Digest | None:
        """Read the catalogue; None when it holds more than ``max_articles`` entries."""
        if max_articles <= 0:
            return None
        ids = bytearray()  # 40 bytes per article
        urls: list[str] = []
        versions, contents, stamps = array("Q"), array("Q"), array("d")
        url_keys, url_rows = array("Q"), array("I")
        band_keys, band_rows = array("Q"), array("I")
        digest = cls()
        for doc in db[CATALOGUE].find({}, batch_size=5000):
            row = len(urls)
            if row >= max_articles:
                return None
            keys = unpack_keys(doc["k"])
            ids += doc["_id"].encode().ljust(40)[:40]
            urls.append(doc["url"])
            versions.append(int(keys[0]))
            contents.append(int(keys[1]))
            when = doc.get("t")
            stamps.append(when.replace(tzinfo=UTC).timestamp() if when else math.nan)
            for url in (doc["url"], *(doc.get("aliases") or ())):
                url_keys.append(url_key(url))
                url_rows.append(row)
            band_keys.extend(int(k) for k in keys[2:])
            band_rows.extend([row] * (len(keys) - 2))
        digest.ids = np.frombuffer(bytes(ids), dtype="S40") if ids else np.zeros(0, "S40")
        digest.urls = urls
        digest.versions_ = np.frombuffer(versions, dtype=np.uint64).copy()
        digest.content_rows = np.frombuffer(contents, dtype=np.uint64).copy()
        digest.stamps = np.frombuffer(stamps, dtype=np.float64).copy()
        digest.by_url = _KeyIndex(url_keys, url_rows)
        digest.by_content = _KeyIndex(contents, array("I", range(len(urls))))
        digest.by_band = _KeyIndex(band_keys, band_rows)
        digest.pending = {url_key(d["url"]) for d in db[LINK_TARGETS].find({}, {"url": 1})
                          if d.get("url")}
        return digest

    # --- rows -------------------------------------------------------------------------
    def id(self, row: int) -> str:
        return self.ids[row].decode()

    def stored(self, row: int) -> StoredArticle:
        from crawler.storage.catalogue import StoredArticle

        when = float(self.stamps[row])
        return StoredArticle(self.id(row), self.urls[row],
                             None if math.isnan(when) else datetime.fromtimestamp(when, UTC))

    def rows_of_urls(self, urls: Iterable[str]) -> dict[str, int]:
        found = {}
        for url in urls:
            rows = self.by_url.rows_of(url_key(url))
            if rows:
                found[url] = rows[0]
        return found

    def versions(self, ids: Iterable[str]) -> dict[str, int]:
        found = {}
        for _id in ids:
            for row in self.by_url.rows_of(int(_id[:16], 16)):
                if self.ids[row] == _id.encode():
                    found[_id] = int(self.versions_[row])
                    break
        return found

    def candidates(self, urls: list[str], content_hash: str, bands: list[str],
                   limit: int) -> list[dict[str, Any]]:
        """Candidate documents for the deduplicator: URL and content matches complete
        (``minhash`` empty: not needed), band matches by ``_id`` only (``minhash`` None:
        to be read), most shared bands first."""
        key = content_key(content_hash)
        docs: dict[int, dict[str, Any]] = {}
        for url, row in self.rows_of_urls(urls).items():
            doc = docs.setdefault(row, self._doc(row, key, content_hash))
            doc["aliases"].append(url)
        for row in self.by_content.rows_of(key):
            docs.setdefault(row, self._doc(row, key, content_hash))
        shared: dict[int, int] = {}
        for band in bands:
            for row in self.by_band.rows_of(key64(band)):
                if row not in docs:
                    shared[row] = shared.get(row, 0) + 1
        out = list(docs.values())
        for row in sorted(shared, key=lambda r: (-shared[r], r))[:max(0, limit - len(out))]:
            out.append({"_id": self.id(row), "minhash": None})
        return out[:limit]

    def _doc(self, row: int, key: int, content_hash: str) -> dict[str, Any]:
        same = int(self.content_rows[row]) == key
        return {"_id": self.id(row), "canonical_url": self.urls[row], "aliases": [],
                "content_hash": content_hash if same else None, "minhash": [],
                "duplicate_of": None}
