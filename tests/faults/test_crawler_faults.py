"""Fault matrix, crawler side: kills and resumes, the database failing or slow, a worker
killed, the job directory full, two runs of one site at once.

Every trial runs ``newscrawl crawl`` against a private mirror and a fresh database; the
fault is triggered from inside the crawl at an exact item or response count
(tests/faulthooks.py), never by polling the database.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pymongo
import pytest

from crawler.cli import EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL
from tests.crawlutil import found_urls
from tests.faults.dbproxy import LatencyProxy
from tests.faults.matrix import (
    SITE,
    Crawl,
    assert_nothing_lost,
    check_run,
    finish,
    tally,
)

pytestmark = pytest.mark.faults
ARTICLES = 30  # the mirror's articles: about 31 items with the republished copy

# Ten kill points spread over the crawl: one during discovery (responses), nine at items.
KILLS = [("RESPONSES", 3)] + [("ITEMS", n) for n in (3, 6, 9, 12, 15, 18, 21, 24, 28)]
SHORT_KILLS = {("ITEMS", 15)}


def short(*values: object, include: bool = True) -> object:
    return pytest.param(*values, marks=[pytest.mark.faults_short] if include else [],
                        id="-".join(str(v) for v in values))


@pytest.fixture
def crawl(make_mirror, mongo_db, mongo_server, tmp_path: Path) -> Crawl:
    mirror = make_mirror(articles=ARTICLES)
    c = Crawl(mongo_db, mongo_server.uri, mirror.base_url, tmp_path / "jobs")
    c.mirror = mirror  # type: ignore[attr-defined]
    return c


@pytest.mark.parametrize(("unit", "count"), [short(u, n, include=(u, n) in SHORT_KILLS)
                                             for u, n in KILLS])
def test_sigkill_then_resume(crawl: Crawl, unit: str, count: int) -> None:
    killed = crawl.run("--job", "nightly", "-s", f"FAULT_KILL_AFTER_{unit}={count}",
                       hooks=True)
    assert killed.code == -signal.SIGKILL, killed.stderr[-3000:]
    stored_at_kill = found_urls(crawl.db, SITE)
    resumed = crawl.run("--job", "nightly")
    check_run(resumed, EXIT_OK, r"resuming job: \d+ unfinished request")
    assert stored_at_kill <= found_urls(crawl.db, SITE)
    trial = tally("crawler SIGKILLed (10 points), then resumed", crawl.db,
                  crawl.mirror.manifest, f"-9, then {resumed.code}", resumed.seconds)
    assert_nothing_lost(trial)
    assert not (Path(crawl.jobs_dir) / "nightly" / "journal.jsonl").exists()


@pytest.mark.faults_short
def test_database_killed_and_restarted_mid_run(make_mirror, private_mongo_server,
                                               tmp_path: Path) -> None:
    server = private_mongo_server()
    client = pymongo.MongoClient(server.uri, tz_aware=True)
    mirror = make_mirror(articles=ARTICLES)
    crawl = Crawl(client["faults"], server.uri, mirror.base_url, tmp_path / "jobs")
    try:
        # Server selection gives up after 1 s, so a write during the outage fails (rather
        # than waiting for the server to come back) and the writer's retry is exercised.
        proc, out = crawl.start("-s", "FAULT_STOP_AFTER_ITEMS=8",
                                "-s", "NEWSCRAWL_DB_CONNECT_TIMEOUT_MS=1000", hooks=True)
        assert finish(proc, out, until_stopped=True).stopped
        started = time.monotonic()
        server.kill()
        os.kill(proc.pid, signal.SIGCONT)
        # The outage lasts until the writer has failed and scheduled its first retry.
        failed = out.wait_for(r"database write failed \(\w+\); retry 1/", timeout=60)
        server.start()
        run = finish(proc, out)
        assert failed, f"no failed write during the outage:\n{run.stderr[-3000:]}"
        check_run(run, EXIT_OK, None)
        trial = tally("database killed and restarted mid-run", crawl.db, mirror.manifest,
                      str(run.code), time.monotonic() - started)
        assert_nothing_lost(trial)
    finally:
        client.close()


def test_database_slowed_down(crawl: Crawl) -> None:
    parts = urlsplit(crawl.uri)
    with LatencyProxy((parts.hostname or "127.0.0.1", parts.port or 27017), 0.02) as proxy:
        crawl.uri = urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))
        run = crawl.run("-s", "NEWSCRAWL_STORE_SLOW_BATCH=0.1")
    check_run(run, EXIT_OK, r"slow database: a batch of \d+ article\(s\) took")
    trial = tally("database slowed down (20 ms a round trip)", crawl.db,
                  crawl.mirror.manifest, str(run.code), run.seconds)
    assert_nothing_lost(trial)


def test_worker_killed_while_it_holds_pages(crawl: Crawl) -> None:
    run = crawl.run("-s", "FAULT_KILL_WORKER_AFTER_ITEMS=5", hooks=True)
    check_run(run, EXIT_OK, r"extraction worker died on .*page retried|idle extraction worker")
    trial = tally("extraction worker killed while it holds pages", crawl.db,
                  crawl.mirror.manifest, str(run.code), run.seconds)
    assert_nothing_lost(trial)


def _file_size_limit() -> None:
    """The job directory's disk is full: no file of the crawl may grow past 8 KB."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def test_job_directory_disk_full(crawl: Crawl) -> None:
    full = crawl.run("--job", "nightly", preexec=_file_size_limit)
    check_run(full, EXIT_PARTIAL, r"job journal .*journal\.jsonl: disk full .*; stopping the crawl")
    resumed = crawl.run("--job", "nightly")
    check_run(resumed, EXIT_OK, r"resuming job: \d+ unfinished request")
    trial = tally("disk full for the job directory", crawl.db, crawl.mirror.manifest,
                  f"{full.code}, then {resumed.code} on resume", resumed.seconds)
    assert_nothing_lost(trial)


@pytest.mark.faults_short
def test_two_crawls_of_one_site_started_together(crawl: Crawl) -> None:
    first = crawl.start()
    second = crawl.start()
    runs = sorted((finish(*first), finish(*second)), key=lambda r: r.code)
    check_run(runs[0], EXIT_OK, None)
    check_run(runs[1], EXIT_LOCKED, rf"locked: {SITE}/- is already being crawled by run ")
    trial = tally("two crawls of one site started together", crawl.db, crawl.mirror.manifest,
                  f"{runs[0].code} and {runs[1].code}", runs[0].seconds)
    assert_nothing_lost(trial)
    assert runs[1].seconds < runs[0].seconds
