"""Store articles and their links in MongoDB through the batched writer thread.

``open_spider`` opens the crawl's catalogue (``crawler.storage.catalogue``: its client,
indexes and migrations) and refuses to start the crawl when the database does not answer
(the error names the redacted URI), on a thread so that the reactor stays free; the writer
thread then reads what it needs of the catalogue before its first batch.  ``process_item`` only
builds the document and queues it; when the queue is full it waits on a worker thread, so
the reactor never blocks and Scrapy's ``CONCURRENT_ITEMS`` turns into back-pressure.
``close_spider`` returns once everything queued is written and acknowledged.  When the
database goes away for longer than the retry limit, the crawl is closed with reason
``database_unavailable`` (see ``crawler.storage.writer``).
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.threads import deferToThread

from crawler.items import ArticleItem
from crawler.storage.catalogue import Catalogue
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter, StorageUnavailable

logger = logging.getLogger(__name__)

CLOSE_REASON = "database_unavailable"


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.uri: str = s.get("MONGO_URI")
        self.catalogue = Catalogue.from_crawler(crawler)
        self.threshold = s.getfloat("NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD")
        self.writer_options: dict[str, Any] = {
            "batch_size": s.getint("NEWSCRAWL_STORE_BATCH_SIZE"),
            "flush_interval": s.getfloat("NEWSCRAWL_STORE_FLUSH_INTERVAL"),
            "queue_size": s.getint("NEWSCRAWL_STORE_QUEUE_SIZE"),
            "retry_times": s.getint("NEWSCRAWL_STORE_RETRY_TIMES"),
            "backoff": s.getfloat("NEWSCRAWL_STORE_RETRY_BACKOFF"),
            "backoff_max": s.getfloat("NEWSCRAWL_STORE_RETRY_BACKOFF_MAX"),
            "held_links_max": s.getint("NEWSCRAWL_STORE_HELD_LINKS_MAX"),
            "slow_batch": s.getfloat("NEWSCRAWL_STORE_SLOW_BATCH"),
        }
        self.writer: ArticleWriter | None = None
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        await maybe_deferred_to_future(deferToThread(self.open_storage))

    def open_storage(self) -> None:
        """Connect, prepare the schema and start the writer (blocking: off the reactor)."""
        from crawler.storage.client import redact_uri

        db = self.catalogue.open().db
        assert db is not None
        writer = ArticleWriter(db, catalogue=self.catalogue, stats=self.crawler.stats,
                               on_fatal=self._on_fatal, **self.writer_options)
        writer.start()
        self.writer = writer
        logger.info("storing articles in %s database %s",
                    redact_uri(self.uri) or "the local server", db.name)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.writer is not None
        doc = build_article(item, threshold=self.threshold)
        if not self.writer.try_put(doc):
            self.crawler.stats.inc_value("storage/backpressure")
            await maybe_deferred_to_future(deferToThread(self.writer.put, doc))
        return item

    async def close_spider(self) -> None:
        if self.writer is not None:
            await maybe_deferred_to_future(deferToThread(self.writer.close))
            if self.writer.failed is not None:
                self.crawler.stats.set_value("storage/error", str(self.writer.failed))
                logger.error("storage failed: %s; %d article(s) not stored",
                             self.writer.failed, len(self.writer.unstored))

    def _on_fatal(self, error: StorageUnavailable) -> None:
        """Called from the writer thread once: stop the crawl from the reactor thread."""
        reactor.callFromThread(self._stop_crawl, error)

    def _stop_crawl(self, error: StorageUnavailable) -> None:
        if self._stopping:
            return
        self._stopping = True
        logger.error("stopping the crawl: %s", error)
        self.crawler.stats.set_value("storage/error", str(error))
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
