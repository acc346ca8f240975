"""One catalogue of stored articles per crawl: known URLs, dedup keys and link targets.

Built once per crawler (:meth:`Catalogue.from_crawler`, kept on the crawler) and shared by
the spider (known URLs, incremental decisions), the fetch-once middleware, the dedup
pipeline and the writer (versions, link targets, pending edges).  It owns the crawl's one
database client.  Every lookup takes a batch of keys and returns what is stored.

Two sources answer, chosen when the catalogue opens:

* **the digest** (``crawler.storage.digest``): a compact snapshot of every stored article's
  keys read from the ``catalogue`` collection (one small document per article, see
  ``crawler.storage.keys``) on a thread, while the crawl starts; about 240 bytes per article
  plus its URL in memory, and no Python object per article.  Used when the archive holds
  at most ``NEWSCRAWL_CATALOGUE_MEMORY_MAX`` articles.  Most lookups are then answered in
  memory; the database is read only for a near-duplicate candidate's signature, an HTTP
  validator or pending edges, by ``_id``.
* **lookups by key**: one ``$in`` query per batch on indexed fields of ``articles`` and on
  ``link_targets._id``.  Used above that size, and for keys the digest lacks when the
  catalogue is *shared* (``NEWSCRAWL_CATALOGUE_SHARED``: other processes store articles
  during the run, e.g. distributed workers).

What this process stores during the run is tracked by its users (the writer's view, the
deduplicator's run index), not here.  On FerretDB 1.24 every query, ``_id`` equality
included, scans its collection (docs/ferretdb.md), so the digest is what keeps an
incremental run against a large archive fast there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.storage.digest import Digest
from crawler.storage.indexes import ARTICLES, LINK_TARGETS, UNLINKED, ensure_schema
from crawler.storage.keys import stamp, target_id, version_key
from crawler.urls import canonicalize

if TYPE_CHECKING:
    from pymongo.database import Database
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Keys per ``$in`` query.
CHUNK = 1000
# On a server without an ``_id`` index (FerretDB 1.24), up to this many ``_id``s are read
# one ``{_id: key}`` query each: SQLite evaluates that filter without FerretDB decoding
# every document, where one ``$in`` decodes the whole collection (docs/ferretdb.md).
ONE_BY_ONE_MAX = 8
CANDIDATE_FIELDS = {"canonical_url": 1, "aliases": 1, "content_hash": 1, "minhash": 1,
                    "duplicate_of": 1}


@dataclass(frozen=True)
class StoredArticle:
    """What the spider needs of a stored article to decide whether to fetch it again."""

    id: str
    canonical_url: str
    modified_at: datetime | None = None  # newest of modified/published, else last fetched
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header as stored
    url: str | None = None  # the address it was last fetched at (when read from the article)

    @classmethod
    def from_article(cls, doc: dict[str, Any]) -> StoredArticle:
        http = doc.get("http") or {}
        url = doc.get("url")
        return cls(doc["_id"], canonicalize(doc["canonical_url"]), stamp(doc),
                   http.get("etag") or None, http.get("last_modified") or None,
                   url if isinstance(url, str) else None)


class Catalogue:
    """Stored articles by key; see the module docstring.  Lookups block: call them off
    the reactor, except when :attr:`in_memory` says they need no round trip."""

    def __init__(self, uri: str = "", database: str = "newscrawl", *, timeout_ms: int = 5000,
                 memory_max: int = 500_000, shared: bool = False,
                 db: Database | None = None, stats: Any = None) -> None:
        self.uri = uri
        self.stats = stats
        self._crawler: Crawler | None = None  # its stats exist once the crawl runs
        self.database = database
        self.timeout_ms = timeout_ms
        self.memory_max = memory_max
        self.shared = shared
        self.client: Any = None
        self.db: Database | None = db
        self.id_index = True  # the server answers _id lookups from an index
        self.digest: Digest | None = None
        self.load_ms = 0.0
        self.load_error: Exception | None = None
        self._lock = threading.Lock()
        self._opened = False
        self._loaded = threading.Event()
        self._loader: threading.Thread | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Catalogue:
        """The crawl's catalogue, built on first use and kept on the crawler."""
        existing = getattr(crawler, "catalogue", None)
        if isinstance(existing, Catalogue):
            return existing
        s = crawler.settings
        catalogue = cls(s.get("MONGO_URI", ""), s.get("MONGO_DATABASE", "newscrawl"),
                        timeout_ms=s.getint("NEWSCRAWL_DB_CONNECT_TIMEOUT_MS"),
                        memory_max=s.getint("NEWSCRAWL_CATALOGUE_MEMORY_MAX"),
                        shared=s.getbool("NEWSCRAWL_CATALOGUE_SHARED"))
        catalogue._crawler = crawler
        crawler.catalogue = catalogue  # type: ignore[attr-defined]
        crawler.signals.connect(catalogue.spider_closed, signal=signals.spider_closed)
        return catalogue

    def spider_closed(self) -> None:
        """Every user is done (the pipelines closed before this signal): disconnect."""
        self.close()

    # --- opening ------------------------------------------------------------------------
    def open(self) -> Catalogue:
        """Connect and prepare the schema, then read the digest on a thread of its own
        (blocking, idempotent: every user calls it; the first does the work)."""
        with self._lock:
            if self._opened:
                return self
            from crawler.storage.client import capabilities, connect

            if self.db is None:
                self.client, self.db = connect(self.uri or None, self.database or None,
                                               timeout_ms=self.timeout_ms)
            ensure_schema(self.db)
            self.id_index = capabilities(self.db).id_index
            self._opened = True
            self._loader = threading.Thread(target=self._load, name="newscrawl-catalogue",
                                            daemon=True)
            self._loader.start()
            return self

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            assert self.db is not None
            self.digest = Digest.load(self.db, self.memory_max)
        except Exception as exc:  # lookups by key still work
            self.load_error = exc
            logger.warning("catalogue: could not read the digest (%r); looking up by key", exc)
        finally:
            self.load_ms = (time.perf_counter() - started) * 1000
            self._loaded.set()
        size = len(self.digest) if self.digest is not None else -1
        stats = self.stats if self._crawler is None else self._crawler.stats
        if stats is not None:
            stats.set_value("catalogue/in_memory", size)
            stats.set_value("catalogue/load_ms", round(self.load_ms))
        if self.digest is None:
            logger.info("catalogue: stored articles looked up by key")
        else:
            logger.info("catalogue: %d stored article(s) in memory (read in %.1f s)",
                        size, self.load_ms / 1000)

    def wait_loaded(self) -> Catalogue:
        """Open if needed and wait for the digest (blocking)."""
        self.open()
        self._loaded.wait()
        return self

    @property
    def loaded(self) -> bool:
        return self._loaded.is_set()

    def close(self) -> None:
        if self._loader is not None:
            self._loader.join()
        if self.client is not None:
            self.client.close()
            self.client = None

    @property
    def in_memory(self) -> bool:
        """Loaded, and every lookup is answered from memory (no other process stores
        meanwhile)."""
        return self.loaded and self.digest is not None and not self.shared

    @property
    def nothing_stored(self) -> bool:
        """In memory, and the database held no article when the crawl started: a stored
        article can only be one this crawl stored (which its users track themselves)."""
        return self.in_memory and self.digest is not None and len(self.digest) == 0

    def _database(self) -> Database:
        self.wait_loaded()
        assert self.db is not None
        return self.db

    # --- known URLs (spider, middleware) ------------------------------------------------
    def known(self, urls: Iterable[str]) -> dict[str, StoredArticle]:
        """The stored article of each of ``urls`` (canonical URLs) that is stored, as its
        canonical URL or an alias."""
        urls = list(dict.fromkeys(urls))
        found: dict[str, StoredArticle] = {}
        self.wait_loaded()
        if self.digest is not None:
            for url, row in self.digest.rows_of_urls(urls).items():
                found[url] = self.digest.stored(row)
            if not self.shared:
                return found
        missing = [u for u in urls if u not in found]
        for doc in self._articles({"aliases": {"$in": missing}}, {
                "canonical_url": 1, "aliases": 1, "http": 1, "modified_at": 1,
                "published_at": 1, "fetched_at": 1, "last_seen": 1}):
            stored = StoredArticle.from_article(doc)
            for url in doc.get("aliases") or ():
                if url in missing:
                    found[url] = stored
        return found

    def http(self, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """(ETag, Last-Modified) of stored articles, for conditional requests."""
        out = {}
        for doc in self._articles({"_id": {"$in": list(dict.fromkeys(ids))}}, {"http": 1}):
            http = doc.get("http") or {}
            out[doc["_id"]] = (http.get("etag") or None, http.get("last_modified") or None)
        return out

    def site_articles(self, site: str, batch: int = 1000) -> Iterator[list[StoredArticle]]:
        """Every stored article of ``site``, in batches (``--refresh``; a scan)."""
        cursor = self._database()[ARTICLES].find({"site": site}, {
            "canonical_url": 1, "url": 1, "http": 1, "modified_at": 1, "published_at": 1,
            "fetched_at": 1, "last_seen": 1}, batch_size=batch)
        chunk: list[StoredArticle] = []
        for doc in cursor:
            if doc.get("canonical_url"):
                chunk.append(StoredArticle.from_article(doc))
            if len(chunk) >= batch:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    # --- the writer ---------------------------------------------------------------------
    def versions(self, ids: Iterable[str]) -> dict[str, int]:
        """The version key (content hash and title) of each stored article of ``ids``."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, int] = {}
        self.wait_loaded()
        if self.digest is not None:
            found = self.digest.versions(ids)
            if not self.shared:
                return found
        missing = [i for i in ids if i not in found]
        for doc in self._articles({"_id": {"$in": missing}}, {"content_hash": 1, "title": 1}):
            found[doc["_id"]] = version_key(doc.get("content_hash"), doc.get("title"))
        return found

    def owners(self, urls: Iterable[str]) -> dict[str, str]:
        """The ``_id`` of the stored article each of ``urls`` belongs to (link targets)."""
        urls = list(dict.fromkeys(urls))
        found: dict[str, str] = {}
        self.wait_loaded()
        if self.digest is not None:
            found = {u: self.digest.id(r) for u, r in self.digest.rows_of_urls(urls).items()}
            if not self.shared:
                return found
        missing = [u for u in urls if u not in found]
        for doc in self._articles({"aliases": {"$in": missing}}, {"aliases": 1}):
            for url in doc.get("aliases") or ():
                if url in missing:
                    found.setdefault(url, doc["_id"])
        return found

    def pending(self, urls: Iterable[str]) -> dict[str, set[str]]:
        """Edges stored without their target, for each of ``urls`` that has some."""
        urls = list(dict.fromkeys(urls))
        self.wait_loaded()
        if not self._database()[LINK_TARGETS].find_one({}, {"_id": 1}):
            return {}  # nothing waits (the usual case: no query by key at all)
        ids = {target_id(u): u for u in urls}
        found: dict[str, set[str]] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids)[start:start + CHUNK]
            for doc in self._database()[LINK_TARGETS].find({"_id": {"$in": chunk}}):
                if doc.get("edges"):
                    found[ids[doc["_id"]]] = set(doc["edges"])
        return found

    def all_pending(self) -> Iterator[tuple[str, set[str]]]:
        """Every target URL with edges waiting for it (a scan of ``link_targets``)."""
        for doc in self._database()[LINK_TARGETS].find({}, batch_size=5000):
            if doc.get("url") and doc.get("edges"):
                yield doc["url"], set(doc["edges"])

    def unlinked(self) -> list[str]:
        """Articles whose edges a writer held and never stored (a crawl killed)."""
        return [d["_id"] for d in self._database()[UNLINKED].find({}, {"_id": 1})]

    # --- dedup --------------------------------------------------------------------------
    def dedup_candidates(self, urls: list[str], content_hash: str, bands: list[str],
                         limit: int) -> list[dict[str, Any]]:
        """Stored articles sharing a URL, the content hash or an LSH band with an item:
        documents with ``canonical_url``, ``aliases``, ``content_hash``, ``minhash`` and
        ``duplicate_of`` (at most ``limit``; URL and hash matches first)."""
        self.wait_loaded()
        if self.digest is not None:
            docs = self.digest.candidates(urls, content_hash, bands, limit)
            if docs and any(d.get("minhash") is None for d in docs):
                need = [d["_id"] for d in docs if d.get("minhash") is None]
                full = {d["_id"]: d for d in self._articles({"_id": {"$in": need}},
                                                            CANDIDATE_FIELDS)}
                docs = [full.get(d["_id"], d) for d in docs]
            if docs or not self.shared:
                return [d for d in docs if d.get("canonical_url")]
        cursor = self._database()[ARTICLES].find(
            {"$or": [{"aliases": {"$in": urls}}, {"content_hash": content_hash},
                     {"minhash_bands": {"$in": bands}}]}, CANDIDATE_FIELDS).limit(limit)
        return list(cursor)

    # --- helpers ------------------------------------------------------------------------
    def _articles(self, query: dict[str, Any], projection: dict[str, Any]
                  ) -> Iterator[dict[str, Any]]:
        """``query`` with its one ``$in`` list split into chunks of ``CHUNK`` keys; a few
        ``_id``s one by one where no index answers them (``ONE_BY_ONE_MAX``)."""
        (field, cond), = query.items()
        keys = cond["$in"]
        if not keys:
            return
        articles = self._database()[ARTICLES]
        if field == "_id" and not self.id_index and len(keys) <= ONE_BY_ONE_MAX:
            for key in keys:
                doc = articles.find_one({"_id": key}, projection)
                if doc is not None:
                    yield doc
            return
        for start in range(0, len(keys), CHUNK):
            yield from articles.find({field: {"$in": keys[start:start + CHUNK]}}, projection)
