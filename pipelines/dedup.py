"""Decide whether an article is new, another URL of a known one, or a near-duplicate.

In order of precedence:

1. one of its URLs is a known article's canonical URL or alias: the same article;
2. its normalised body hash is a known article's: another URL of that article, so the item
   is re-pointed at it (its URLs become aliases of the first) -- ``dedup/alias``;
3. its MinHash is at least ``NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD`` similar to a known article's:
   a repost with small edits, stored as its own document with ``duplicate_of`` set to the
   original's id -- ``dedup/near_duplicate``.

Articles of this run are looked up in memory (a compact LSH index,
:class:`crawler.signature_index.SignatureIndex`, for step 3) because they may still be
waiting in the writer's queue.  Stored articles are the crawl's catalogue's
(``crawler.storage.catalogue``): its candidates sharing a URL, the content hash or an LSH
band, the signatures of band candidates read by ``_id``.  A check that needs the database
runs on a single worker thread of this pipeline, never on the reactor; one the catalogue
answers from memory runs inline.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Self

from pymongo.errors import PyMongoError
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from crawler.fingerprint import band_keys, similarity
from crawler.items import ArticleItem
from crawler.signature_index import SignatureIndex
from crawler.storage.catalogue import Catalogue
from crawler.urls import article_id

logger = logging.getLogger(__name__)

SAME, ALIAS, NEAR_DUPLICATE, NEW = "same", "alias", "near_duplicate", "new"


@dataclass(frozen=True, slots=True)
class _Known:
    """What a near-duplicate match needs to know of an indexed article."""

    id: str
    canonical_url: str
    duplicate_of: str | None


class Deduplicator:
    """The dedup decision, synchronous; one instance per crawl, used from one thread at a
    time."""

    def __init__(self, catalogue: Catalogue | None, threshold: float = 0.8,
                 candidates: int = 20, pause_on_error: float = 30.0) -> None:
        self.catalogue = catalogue
        self.threshold = threshold
        self.candidates = candidates
        self.signatures: SignatureIndex[_Known] = SignatureIndex(threshold)
        self.by_url: dict[str, str] = {}  # any URL -> canonical URL
        self.by_hash: dict[str, str] = {}  # content hash -> canonical URL
        self.indexed: set[str] = set()  # ids of the articles in ``signatures``
        self.lookup_errors = 0
        self.pause_on_error = pause_on_error
        self._skip_db_until = 0.0

    def inline(self, item: ArticleItem) -> bool:
        """True when checking ``item`` needs no round trip to the database (run it on the
        reactor rather than hop to the thread)."""
        catalogue = self.catalogue
        if catalogue is None:
            return True
        if catalogue.nothing_stored:
            return True
        if not catalogue.in_memory:
            return False
        assert catalogue.digest is not None
        urls = list(dict.fromkeys([item.canonical_url, *item.aliases]))
        return all(d.get("minhash") is not None for d in catalogue.digest.candidates(
            urls, item.content_hash, band_keys(item.minhash, self.threshold)
            if item.minhash else [], self.candidates))

    def check(self, item: ArticleItem) -> str:
        """Classify ``item`` and re-point it where needed; returns the decision."""
        urls = list(dict.fromkeys([item.canonical_url, *item.aliases]))
        decision, target = self._in_memory(item, urls)
        # A near-duplicate of this run's may still be a stored article's URL or body.
        if decision in (NEW, NEAR_DUPLICATE) and self.catalogue is not None and (
                not self.catalogue.nothing_stored):
            if time.monotonic() < self._skip_db_until:
                self.lookup_errors += 1
            else:
                try:
                    stored, found = self._stored(item, urls)
                    if decision == NEW or stored in (SAME, ALIAS):
                        decision, target = stored, found
                except PyMongoError as exc:
                    # The item goes on to the store, which retries or counts it unstored;
                    # meanwhile do not wait for the server on every item.
                    self.lookup_errors += 1
                    self._skip_db_until = time.monotonic() + self.pause_on_error
                    logger.warning("dedup lookups paused for %.0fs (%s); %s treated as new",
                                   self.pause_on_error, exc.__class__.__name__, item.url)
        if decision in (SAME, ALIAS) and target and target["canonical_url"] != (
                item.canonical_url):
            item.canonical_url = target["canonical_url"]
            item.aliases = list(dict.fromkeys([target["canonical_url"], *urls]))
        if decision == NEAR_DUPLICATE and target:
            item.duplicate_of = target["_id"]
        item.dedup = decision
        self._remember(item)
        return decision

    def _in_memory(self, item: ArticleItem, urls: list[str]) -> tuple[str, dict | None]:
        for url in urls:
            if url in self.by_url:
                canonical = self.by_url[url]
                if canonical != item.canonical_url and (
                        self.by_hash.get(item.content_hash) == canonical):
                    return ALIAS, {"canonical_url": canonical}  # a known copy's URL again
                return SAME, {"canonical_url": canonical}
        if item.content_hash in self.by_hash:
            return ALIAS, {"canonical_url": self.by_hash[item.content_hash]}
        matches = self.signatures.query(item.minhash, self.threshold)
        if matches:
            _, known = max(matches, key=lambda m: (m[0], m[1].id))
            return NEAR_DUPLICATE, {"_id": known.duplicate_of or known.id,
                                    "canonical_url": known.canonical_url}
        return NEW, None

    def _stored(self, item: ArticleItem, urls: list[str]) -> tuple[str, dict | None]:
        assert self.catalogue is not None
        bands = band_keys(item.minhash, self.threshold) if item.minhash else []
        docs = self.catalogue.dedup_candidates(urls, item.content_hash, bands,
                                               self.candidates)
        for doc in docs:
            if set(doc.get("aliases") or ()) & set(urls):
                if doc["canonical_url"] != item.canonical_url and (
                        doc.get("content_hash") == item.content_hash):
                    return ALIAS, doc  # a known copy's URL again
                return SAME, doc
        for doc in docs:
            if doc.get("content_hash") == item.content_hash:
                return ALIAS, doc
        scored = [(similarity(item.minhash, d.get("minhash") or []), d["_id"], d) for d in docs]
        scored = [s for s in scored if s[0] >= self.threshold]
        if scored:
            _, key, doc = max(scored, key=lambda s: (s[0], s[1]))
            return NEAR_DUPLICATE, {"_id": doc.get("duplicate_of") or key,
                                    "canonical_url": doc["canonical_url"]}
        return NEW, None

    def _index(self, key: str, canonical: str, signature: list[int] | None,
               duplicate_of: str | None) -> None:
        if signature and key not in self.indexed and self.signatures.add(
                signature, _Known(key, canonical, duplicate_of)):
            self.indexed.add(key)

    def _remember(self, item: ArticleItem) -> None:
        canonical = item.canonical_url
        for url in (canonical, *item.aliases):
            self.by_url.setdefault(url, canonical)
        self.by_hash.setdefault(item.content_hash, canonical)
        self._index(article_id(canonical), canonical, item.minhash, item.duplicate_of)


class DedupPipeline:
    def __init__(self, stats: StatsCollector, catalogue: Catalogue, threshold: float) -> None:
        self.stats = stats
        self.catalogue = catalogue
        self.threshold = threshold
        self.dedup: Deduplicator | None = None
        self._pool: ThreadPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, Catalogue.from_crawler(crawler),
                   crawler.settings.getfloat("NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD"))

    async def open_spider(self) -> None:
        self._pool = ThreadPool(1, 1, name="newscrawl-dedup")
        self._pool.start()
        try:
            await maybe_deferred_to_future(
                deferToThreadPool(reactor, self._pool, self.catalogue.open))
        except BaseException:
            self._pool.stop()
            self._pool = None
            raise
        self.dedup = Deduplicator(self.catalogue, self.threshold)

    def close_spider(self) -> None:
        if self._pool is not None:
            self._pool.stop()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.dedup is not None and self._pool is not None
        errors = self.dedup.lookup_errors
        if self.dedup.inline(item):
            # Answered from memory: a check takes microseconds, less than a thread hop.
            decision = self.dedup.check(item)
        else:
            decision = await maybe_deferred_to_future(
                deferToThreadPool(reactor, self._pool, self.dedup.check, item))
        if self.dedup.lookup_errors > errors:
            self.stats.inc_value("dedup/lookup_failed")
        if decision in (ALIAS, NEAR_DUPLICATE):
            self.stats.inc_value(f"dedup/{decision}")
            logger.debug("%s is %s of %s", item.url, decision.replace("_", " "),
                         item.duplicate_of or item.canonical_url)
        return item
