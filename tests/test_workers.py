"""The extraction pool: real extraction in spawned workers, hangs and crashes survived."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from crawler.extraction import ExtractionResult
from crawler.profiles import load_profile
from crawler.workers.pool import ExtractionPool, worker_count
from tests.factories import project_crawler
from tests.factories import stats as stats_collector
from tests.worker_faults import CRASH, EXTRACT_WITH_FAULTS, HANG

PARAGRAPH = ("The committee met on Tuesday to discuss the regional energy strategy and its "
             "consequences for the neighbouring economies over the coming decade. ")
ARTICLE = f"""<!doctype html><html lang="en"><head><title>Energy strategy debated</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-03-05T10:00:00+00:00">
<link rel="canonical" href="https://russianstudiesromania.eu/2024/03/05/energy-strategy/">
</head><body><article><h1 class="entry-title">Energy strategy debated</h1>
<div class="td-post-content">{"<p>" + PARAGRAPH * 3 + "</p>"}{"<p>" + PARAGRAPH * 2 + "</p>"}
</div></article></body></html>""".encode()
URL = "https://russianstudiesromania.eu/2024/03/05/energy-strategy/"


def run_pages(pool: ExtractionPool, pages: list[bytes]) -> list[ExtractionResult]:
    async def main() -> list[ExtractionResult]:
        profile = load_profile("russianstudiesromania")
        return list(await asyncio.gather(
            *(pool.extract(body, URL, profile, "text/html; charset=utf-8") for body in pages)))

    try:
        return asyncio.run(main())
    finally:
        pool.close()


def test_worker_count_defaults_to_cores() -> None:
    assert worker_count(0) >= 1
    assert worker_count(3) == 3


def test_pool_extracts_and_fingerprints_in_workers() -> None:
    stats = stats_collector()
    pool = ExtractionPool(workers=2, timeout=60, max_tasks=10, stats=stats)
    results = run_pages(pool, [ARTICLE, ARTICLE, b"<html><body>nothing</body></html>"])
    assert results[0].ok, results[0].reason
    assert results[0].title == "Energy strategy debated"
    assert len(results[0].content_hash) == 40
    assert len(results[0].minhash) > 10
    assert results[0].content_hash == results[1].content_hash
    assert not results[2].ok
    assert stats.get_value("extract/ok", 0) == 2
    assert stats.get_value("extract/failed", 0) == 1
    assert stats.get_value(f"extract/failed/{results[2].reason}", 0) == 1
    assert stats.get_value("extract/ms_total", 0) > 0


def test_hung_and_crashed_workers_are_replaced() -> None:
    stats = stats_collector()
    pool = ExtractionPool(workers=2, timeout=4, max_tasks=0, stats=stats,
                          extract=EXTRACT_WITH_FAULTS)
    results = run_pages(pool, [HANG + ARTICLE, CRASH + ARTICLE, ARTICLE,
                               ARTICLE, ARTICLE])
    assert [r.ok for r in results] == [False, False, True, True, True]
    assert results[0].reason == "worker_timeout"
    assert results[1].reason == "worker_crashed"
    assert stats.get_value("extract/timeout", 0) == 1
    assert stats.get_value("extract/worker_crashed", 0) in (1, 2)  # a page gets at most two workers
    assert stats.get_value("extract/failed", 0) == 2
    assert stats.get_value("extract/ok", 0) == 3


def test_fault_markers_are_inert_in_the_shipped_extraction() -> None:
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=0, stats=stats_collector())
    (result,) = run_pages(pool, [CRASH + ARTICLE])
    assert result.ok


def test_workers_killed_while_idle_are_replaced_without_losing_a_page() -> None:
    stats = stats_collector()
    pool = ExtractionPool(workers=2, timeout=60, max_tasks=0, stats=stats)
    pool.start()
    for worker in list(pool._all):
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=5)
    results = run_pages(pool, [ARTICLE, ARTICLE, ARTICLE])
    assert [r.ok for r in results] == [True, True, True]
    assert stats.get_value("extract/failed", 0) == 0 and stats.get_value("extract/ok", 0) == 3
    assert pool.started >= 3


def test_workers_are_recycled_after_max_tasks() -> None:
    stats = stats_collector()
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=2, stats=stats)
    results = run_pages(pool, [ARTICLE] * 5)
    assert all(r.ok for r in results)
    assert pool.started == 3  # pages 1-2, 3-4, 5
    assert stats.get_value("extract/handoff_cpu_ms", 0) > 0


def test_closing_the_pool_stops_every_worker() -> None:
    pool = ExtractionPool(workers=2, timeout=60, max_tasks=0, stats=stats_collector())
    pool.start()
    processes = [w.process for w in pool._all]
    pool.close()
    assert processes and not any(p.is_alive() for p in processes)
    assert run_pages(pool, [ARTICLE])[0].reason == "shutdown"


def test_a_page_queued_behind_a_crashing_one_is_retried_on_a_new_worker() -> None:
    stats = stats_collector()
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=0, stats=stats,
                          extract=EXTRACT_WITH_FAULTS)
    results = run_pages(pool, [CRASH + ARTICLE, ARTICLE, ARTICLE])
    assert [r.ok for r in results] == [False, True, True]
    assert results[0].reason == "worker_crashed"
    # The crashing page is tried twice; pages waiting in the dead workers are retried too.
    assert stats.get_value("extract/worker_crashed", 0) == 2
    assert stats.get_value("extract/retried", 0) >= 2


def test_extract_settings_reach_the_workers() -> None:
    crawler = project_crawler(NEWSCRAWL_EXTRACT_MIN_WORDS=10_000, NEWSCRAWL_WORKERS=1)
    pool = ExtractionPool.from_crawler(crawler)
    pool.stats = stats_collector()
    (result,) = run_pages(pool, [ARTICLE])
    assert result.reason == "empty_body"
    crawler = project_crawler(NEWSCRAWL_EXTRACT_MAX_BYTES=1000, NEWSCRAWL_WORKERS=1)
    pool = ExtractionPool.from_crawler(crawler)
    (result,) = run_pages(pool, [ARTICLE])
    assert result.reason == "too_large"


def test_a_page_whose_worker_is_killed_from_outside_is_extracted_on_another() -> None:
    stats = stats_collector()
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=0, stats=stats)

    async def main() -> Any:
        task = asyncio.ensure_future(pool.extract(ARTICLE, URL, None, None))
        while not any(w.inflight for w in pool._all):
            await asyncio.sleep(0)
        for worker in pool._all:
            os.kill(worker.process.pid, signal.SIGKILL)
        return await task

    try:
        result = asyncio.run(main())
    finally:
        pool.close()
    assert result.ok, result
    assert stats.get_value("extract/worker_crashed", 0) == 1
    assert stats.get_value("extract/retried", 0) == 1
