"""The catalogue's digest: every stored article's keys in compact arrays (read once).

Read from the ``catalogue`` collection (``crawler.storage.keys``) when a crawl opens, on a
thread, while the first requests go out.  No Python object per article: per article its
``_id`` (20 bytes, binary), its canonical URL (UTF-8 in one shared buffer, 4 bytes of
offset), version key, content key and date stamp (8 bytes each), one sorted 12-byte entry
(64-bit key, row) per URL, and one sorted 8-byte entry per LSH band (the band key's first
40 bits and the row, in one integer: a collision of 40-bit band keys only adds a
near-duplicate candidate, whose signature is then read and compared).  About 240 bytes per
article with 16 bands, plus its URL (100,000 articles with 95-character URLs: about
33 MB).  Lookups are binary searches.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from crawler.storage.indexes import CATALOGUE, LINK_TARGETS
from crawler.storage.keys import content_key, key64, url_key

if TYPE_CHECKING:
    from pymongo.database import Database

    from crawler.storage.catalogue import StoredArticle

BATCH = 2000  # catalogue entries per cursor batch and per key conversion
ROW_BITS = 24  # rows in a packed band entry: at most 16,777,216 articles in memory
MAX_ROWS = 1 << ROW_BITS
_ROW_MASK = MAX_ROWS - 1


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


class _PackedIndex:
    """Sorted entries ``key >> 24 << 24 | row`` in one array, sorted in place (no copy)."""

    def __init__(self, entries: array) -> None:
        self.entries = (np.frombuffer(entries, dtype=np.uint64) if len(entries)
                        else np.zeros(0, np.uint64))
        self.entries.sort()

    def rows_of(self, key: int) -> list[int]:
        low = key & ~_ROW_MASK & 0xFFFFFFFFFFFFFFFF
        lo = int(np.searchsorted(self.entries, np.uint64(low), side="left"))
        hi = int(np.searchsorted(self.entries, np.uint64(low | _ROW_MASK), side="right"))
        return [int(e) & _ROW_MASK for e in self.entries[lo:hi]]


class _Loader:
    """Catalogue entries into the digest's arrays; their packed keys a batch at a time."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.rows = 0
        self.ids, self.url_text = bytearray(), bytearray()
        self.url_ends = array("I")
        self.versions, self.contents, self.stamps = array("Q"), array("Q"), array("d")
        self.url_keys, self.url_rows = array("Q"), array("I")
        self.bands = array("Q")
        self._packed = bytearray()  # big-endian keys of the batch's entries
        self._counts: list[int] = []

    def add(self, doc: dict[str, Any]) -> bool:
        """Take one entry; False past ``max_rows``."""
        if self.rows >= self.max_rows:
            return False
        row = self.rows
        self.rows += 1
        _id = bytes.fromhex(doc["_id"])  # a hex sha1 (crawler.urls.article_id)
        self.ids += _id
        self.url_text += doc["url"].encode()
        self.url_ends.append(len(self.url_text))
        when = doc.get("t")
        self.stamps.append(when.replace(tzinfo=UTC).timestamp() if when else math.nan)
        self.url_keys.append(int.from_bytes(_id[:8], "big"))  # url_key of its own URL
        self.url_rows.append(row)
        for alias in doc.get("aliases") or ():
            self.url_keys.append(url_key(alias))
            self.url_rows.append(row)
        packed = doc["k"]
        self._packed += packed
        self._counts.append(len(packed) // 8)
        if len(self._counts) >= BATCH:
            self._flush()
        return True

    def _flush(self) -> None:
        """Split the batch's packed keys: version, content, then bands (with their row)."""
        if not self._counts:
            return
        keys = np.frombuffer(bytes(self._packed), dtype=">u8").astype(np.uint64)
        counts = np.asarray(self._counts, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        self.versions.frombytes(keys[starts].tobytes())
        self.contents.frombytes(keys[starts + 1].tobytes())
        is_band = np.ones(len(keys), dtype=bool)
        is_band[starts] = is_band[starts + 1] = False
        first = self.rows - len(counts)
        rows = np.repeat(np.arange(first, self.rows, dtype=np.uint64), counts - 2)
        self.bands.frombytes(((keys[is_band] & ~np.uint64(_ROW_MASK)) | rows).tobytes())
        self._packed, self._counts = bytearray(), []

    def digest(self) -> Digest:
        self._flush()
        digest = Digest()
        digest.ids = (np.frombuffer(bytes(self.ids), dtype="S20") if self.ids
                      else np.zeros(0, "S20"))
        digest.url_text = bytes(self.url_text)
        digest.url_ends = np.frombuffer(self.url_ends, dtype=np.uint32)
        digest.versions_ = np.frombuffer(self.versions, dtype=np.uint64)
        digest.content_rows = np.frombuffer(self.contents, dtype=np.uint64)
        digest.stamps = np.frombuffer(self.stamps, dtype=np.float64)
        digest.by_url = _KeyIndex(self.url_keys, self.url_rows)
        digest.by_content = _KeyIndex(self.contents, array("I", range(self.rows)))
        digest.by_band = _PackedIndex(self.bands)
        return digest


class Digest:
    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype="S20")
        self.url_text = b""  # every canonical URL, UTF-8, back to back
        self.url_ends = np.zeros(0, dtype=np.uint32)  # where each row's URL ends
        self.versions_ = np.zeros(0, dtype=np.uint64)
        self.stamps = np.zeros(0, dtype=np.float64)
        self.content_rows = np.zeros(0, dtype=np.uint64)  # content key per row
        self.by_url = _KeyIndex(array("Q"), array("I"))
        self.by_content = _KeyIndex(array("Q"), array("I"))
        self.by_band = _PackedIndex(array("Q"))
        self.pending: set[int] = set()

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def load(cls, db: Database, max_articles: int) -> Digest | None:
        """Read the catalogue; None when it holds more than ``max_articles`` entries."""
        if max_articles <= 0:
            return None
        loader = _Loader(min(max_articles, MAX_ROWS))
        for doc in db[CATALOGUE].find({}, batch_size=BATCH):
            if not loader.add(doc):
                return None
        digest = loader.digest()
        digest.pending = {url_key(d["url"]) for d in db[LINK_TARGETS].find({}, {"url": 1})
                          if d.get("url")}
        return digest

    # --- rows -------------------------------------------------------------------------
    def id(self, row: int) -> str:
        return bytes(self.ids[row]).ljust(20, b"\0").hex()

    def url(self, row: int) -> str:
        start = int(self.url_ends[row - 1]) if row else 0
        return self.url_text[start:int(self.url_ends[row])].decode()

    def stored(self, row: int) -> StoredArticle:
        from crawler.storage.catalogue import StoredArticle

        when = float(self.stamps[row])
        return StoredArticle(self.id(row), self.url(row),
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
                if self.id(row) == _id:
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
        return {"_id": self.id(row), "canonical_url": self.url(row), "aliases": [],
                "content_hash": content_hash if same else None, "minhash": [],
                "duplicate_of": None}
