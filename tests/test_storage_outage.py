"""Database failures: refusing to start, an outage mid-crawl, and re-storing after restart."""

from __future__ import annotations

import logging
import socket

import pytest

from crawler.storage.client import DatabaseUnavailable, connect
from crawler.storage.indexes import ensure_schema
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from pipelines.store import StorePipeline
from tests.crawlutil import Counts
from tests.factories import article_item, project_crawler


def doc(i: int) -> dict:
    text = " ".join(f"w{i}x{j}" for j in range(60))
    item = article_item(f"article-{i}", text, day=f"2024-05-{i:02d}", title=f"Article {i}")
    return build_article(item, threshold=0.8)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_open_spider_refuses_unreachable_database_with_redacted_uri():
    uri = f"mongodb://crawler:s3cret-pw@127.0.0.1:{free_port()}/news"
    crawler = project_crawler(MONGO_URI=uri, NEWSCRAWL_DB_CONNECT_TIMEOUT_MS=300)
    pipeline = StorePipeline.from_crawler(crawler)
    with pytest.raises(DatabaseUnavailable) as info:
        pipeline.open_storage()
    message = str(info.value)
    assert "***@127.0.0.1" in message
    assert "s3cret-pw" not in message and "crawler:" not in message
    assert pipeline.writer is None


def test_outage_counts_unstored_then_restores_after_restart(private_mongo_server, caplog):
    server = private_mongo_server()
    client, db = connect(server.uri, "outage", timeout_ms=300)
    ensure_schema(db)
    fatal: list[Exception] = []
    stats = Counts()
    writer = ArticleWriter(db, stats=stats, batch_size=100, flush_interval=60, retry_times=2,
                           backoff=0.05, on_fatal=fatal.append)
    writer.start()
    for i in range(3):
        writer.put(doc(i))
    assert writer.flush(timeout=30)
    assert db.articles.count_documents({}) == 3

    pending = [doc(i) for i in range(3, 8)]
    for d in pending:
        writer.put(d)  # queued, not yet written: the batch is neither full nor due
    server.kill()
    with caplog.at_level(logging.ERROR, logger="crawler.storage.writer"):
        assert writer.flush(timeout=60)
        writer.put(doc(8))  # arrives after the failure: not stored either, no new alarm
        assert writer.flush(timeout=60)
    writer.close(timeout=30)
    client.close()

    assert len(fatal) == 1 and "database unavailable" in str(fatal[0])
    assert stats["storage/retries"] == 2
    assert stats["storage/unstored"] == 6
    expected = [d["url"] for d in pending] + [doc(8)["url"]]
    assert writer.unstored == expected
    logged = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert all(url in logged for url in expected)

    server.start()
    client, db = connect(server.uri, "outage", timeout_ms=5000)
    try:
        # The database does not know the lost articles, so the next run fetches them again.
        assert db.articles.count_documents({"aliases": {"$in": expected}}) == 0
        again = Counts()
        ArticleWriter(db, stats=again).write_batch([*pending, doc(8)])
        assert db.articles.count_documents({}) == 9
        assert again["articles/new"] == 6
    finally:
        client.close()
