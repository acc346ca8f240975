"""Incremental crawls: a new revision of the site refetches only what changed and keeps the
changed article's previous revision, and ``--since`` keeps only articles published from a
date on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.cli import EXIT_OK
from crawler.urls import canonicalize
from newscrawl_dev.mirror.server import MirrorServer
from tests.crawlutil import CrawlResult, hits_since, manifest_articles, originals, run_crawl
from tests.factories import SITE
from tests.fixtures_db import own_database


@dataclass
class Revised:
    """A crawl of a private 20-article mirror, then a crawl of its revision 2 into the same
    database, with the mirror's hits of the second.  Tests only read it."""

    mirror: MirrorServer
    db: Any
    first: CrawlResult
    first_stored: set[str]
    first_manifest: dict[str, Any]
    second: CrawlResult
    second_hits: Counter


@pytest.fixture(scope="module")
def revised(mongo_server) -> Iterator[Revised]:
    with (own_database(mongo_server.uri) as db,
          MirrorServer(articles=20, traps=False) as mirror):
        first = run_crawl(db, mongo_server.uri, SITE, "--base-url", mirror.base_url)
        first_stored, first_manifest = originals(db, SITE), mirror.manifest
        mirror.set_revision(2)
        before = Counter(mirror.hits)
        second = run_crawl(db, mongo_server.uri, SITE, "--base-url", mirror.base_url)
        yield Revised(mirror, db, first, first_stored, first_manifest, second,
                      hits_since(before, Counter(mirror.hits)))


def test_new_revision_refetches_the_changed_article_and_finds_the_new_one(
        revised: Revised) -> None:
    first, second = revised.first, revised.second
    assert first.code == EXIT_OK, first.stderr[-3000:]
    assert revised.first_stored == manifest_articles(revised.first_manifest)

    manifest = revised.mirror.manifest
    changed = urlsplit(manifest["changed_in_revision_2"]).path
    added = manifest["added_in_revision_2"]
    assert second.code == EXIT_OK, second.stderr[-3000:]
    article_paths = {urlsplit(a["url"]).path for a in manifest["articles"]}
    fetched = {p for p in revised.second_hits if p in article_paths}
    expected_fetch = {changed} | ({urlsplit(added).path} if added else set())
    assert fetched == expected_fetch
    assert second.stat("refresh/lastmod_newer") >= 1
    assert second.stat("articles/updated") == 1
    assert second.stat("articles/new") == (1 if added else 0)
    assert originals(revised.db, SITE) == manifest_articles(manifest)


def test_the_changed_article_keeps_its_previous_revision(revised: Revised) -> None:
    manifest, articles = revised.mirror.manifest, revised.db.articles
    assert articles.count_documents({}) == manifest["expected_article_count"]
    stored = articles.find_one({"canonical_url": canonicalize(manifest["changed_in_revision_2"])})
    revisions = list(revised.db.revisions.find({"article_id": stored["_id"]}))
    assert len(revisions) == 1
    assert revisions[0]["content_hash"] != stored["content_hash"]


def test_since_keeps_only_articles_published_from_that_date(
        make_mirror, mongo_db, mongo_server) -> None:
    mirror = make_mirror(articles=20, traps=False)
    published = sorted(datetime.fromisoformat(a["published"])
                       for a in mirror.manifest["articles"])
    since = published[len(published) // 2]
    day = since.date().isoformat()
    expected = {canonicalize(a["url"]) for a in mirror.manifest["articles"]
                if datetime.fromisoformat(a["published"]).date().isoformat() >= day}
    assert 0 < len(expected) < len(published)
    result = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url,
                       "--since", day)
    assert result.code == EXIT_OK, result.stderr[-3000:]
    assert originals(mongo_db, SITE) == expected
    # Dates in sitemaps, feeds and listings spare most of the old articles a fetch.
    assert result.stat("discovery/before_since") > 0
    assert result.stat("extract/ok") < len(published)


def test_database_lost_mid_crawl_is_a_partial_failure(make_mirror, private_mongo_server,
                                                      tmp_path) -> None:
    import os
    import signal
    import subprocess

    from crawler.cli import EXIT_PARTIAL
    from tests.crawlutil import REPO, crawl_command, crawl_env

    server = private_mongo_server()
    mirror = make_mirror(articles=40, traps=False)
    # The crawl stops itself (SIGSTOP) after two items; the database is killed meanwhile.
    env = crawl_env(server.uri, "outage", NEWSCRAWL_DB_CONNECT_TIMEOUT_MS="1000",
                    SCRAPY_SETTINGS_MODULE="tests.fault_settings")
    proc = subprocess.Popen(
        crawl_command(SITE, "--base-url", mirror.base_url, "--no-delay", "--workers", "1",
                      "-s", "NEWSCRAWL_STORE_BATCH_SIZE=2",
                      "-s", "NEWSCRAWL_STORE_FLUSH_INTERVAL=0.2",
                      "-s", "NEWSCRAWL_STORE_RETRY_TIMES=1",
                      "-s", "NEWSCRAWL_STORE_RETRY_BACKOFF=0.1",
                      "-s", "FAULT_STOP_AFTER_ITEMS=2"),
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _, status = os.waitpid(proc.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status), "the crawl ended before the database could be killed"
        server.kill()
        os.kill(proc.pid, signal.SIGCONT)
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == EXIT_PARTIAL, err[-3000:]
    assert "UNSTORED" in out or "database_unavailable" in out
