"""The extraction pool: real extraction in spawned workers, hangs and crashes survived."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter

from crawler.profiles import load_profile
from crawler.workers import ExtractionPool, worker_count
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


class Stats(Counter):
    def inc_value(self, key: str, count: float = 1, start: int = 0) -> None:
        self[key] += count


def run_pages(pool: ExtractionPool, pages: list[bytes]) -> list[dict]:
    async def main() -> list[dict]:
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
    stats = Stats()
    pool = ExtractionPool(workers=2, timeout=60, max_tasks=10, stats=stats)
    results = run_pages(pool, [ARTICLE, ARTICLE, b"<html><body>nothing</body></html>"])
    assert results[0]["ok"], results[0].get("reason")
    assert results[0]["title"] == "Energy strategy debated"
    assert len(results[0]["content_hash"]) == 40
    assert len(results[0]["minhash"]) > 10
    assert results[0]["content_hash"] == results[1]["content_hash"]
    assert not results[2]["ok"]
    assert stats["extract/ok"] == 2
    assert stats["extract/failed"] == 1
    assert stats[f"extract/failed/{results[2]['reason']}"] == 1
    assert stats["extract/ms_total"] > 0


def test_hung_and_crashed_workers_are_replaced() -> None:
    stats = Stats()
    pool = ExtractionPool(workers=2, timeout=4, max_tasks=0, stats=stats,
                          extract=EXTRACT_WITH_FAULTS)
    results = run_pages(pool, [HANG + ARTICLE, CRASH + ARTICLE, ARTICLE,
                               ARTICLE, ARTICLE])
    assert [r["ok"] for r in results] == [False, False, True, True, True]
    assert results[0]["reason"] == "worker_timeout"
    assert results[1]["reason"] == "worker_crashed"
    assert stats["extract/timeout"] == 1
    assert stats["extract/worker_crashed"] == 1
    assert stats["extract/failed"] == 2
    assert stats["extract/ok"] == 3


def test_fault_markers_are_inert_in_the_shipped_extraction() -> None:
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=0, stats=Stats())
    (result,) = run_pages(pool, [CRASH + ARTICLE])
    assert result["ok"]


def test_workers_killed_while_idle_are_replaced_without_losing_a_page() -> None:
    stats = Stats()
    pool = ExtractionPool(workers=2, timeout=60, max_tasks=0, stats=stats)
    pool.start()
    for worker in list(pool._all):
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=5)
    results = run_pages(pool, [ARTICLE, ARTICLE, ARTICLE])
    assert [r["ok"] for r in results] == [True, True, True]
    assert stats["extract/failed"] == 0 and stats["extract/ok"] == 3
    assert pool.started >= 3


def test_workers_are_recycled_after_max_tasks() -> None:
    stats = Stats()
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=2, stats=stats)
    results = run_pages(pool, [ARTICLE] * 5)
    assert all(r["ok"] for r in results)
    assert pool.started == 3  # pages 1-2, 3-4, 5
    assert stats["extract/handoff_cpu_ms"] > 0


def test_closing_the_pool_stops_every_worker() -> None:
    pool = ExtractionPool(workers=2, timeout=60, max_tasks=0, stats=Stats())
    pool.start()
    processes = [w.process for w in pool._all]
    pool.close()
    assert processes and not any(p.is_alive() for p in processes)
    assert run_pages(pool, [ARTICLE])[0]["reason"] == "shutdown"


def test_a_page_queued_behind_a_crashing_one_is_retried_on_a_new_worker() -> None:
    stats = Stats()
    pool = ExtractionPool(workers=1, timeout=60, max_tasks=0, stats=stats,
                          extract=EXTRACT_WITH_FAULTS)
    results = run_pages(pool, [CRASH + ARTICLE, ARTICLE, ARTICLE])
    assert [r["ok"] for r in results] == [False, True, True]
    assert results[0]["reason"] == "worker_crashed"
    assert stats["extract/retried"] == 1  # the second page was waiting in the dead worker
    assert stats["extract/worker_crashed"] == 1
