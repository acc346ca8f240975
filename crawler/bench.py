"""End-to-end throughput and memory benchmark.

One run: a local database, an offline mirror of N article pages served from its own process,
a crawl of it with politeness delays off (in its own process tree, sampled for RSS), and, as
the reference ceiling on the same pages, plain trafilatura's single-process extraction rate.
Prints a table and writes a JSON file.  Nothing here is asserted on: machines are noisy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

import psutil

PROFILE = "russianstudiesromania"
# The profile's politeness (2 requests at a time per domain) is for the live site; the
# benchmark measures the crawler, so the loopback mirror is crawled at full concurrency.
UNTHROTTLED = ("-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")


@dataclass
class BenchResult:
    pages_requested: int
    articles_expected: int
    articles_stored: int
    responses: int
    elapsed_s: float
    pages_per_s: float
    articles_per_s: float
    stage_ms_per_page: dict[str, float]
    stage_share: dict[str, float]
    peak_rss_mb: float
    peak_rss_main_mb: float
    workers: int
    trafilatura_pages_per_s: float
    trafilatura_sample: int
    speedup_vs_trafilatura: float
    finish_reason: str
    extra: dict[str, Any] = field(default_factory=dict)


class RssSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_total = 0
        self.peak_main = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                main = root.memory_info().rss
            except psutil.NoSuchProcess:
                return
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            self.peak_total = max(self.peak_total, total)
            self.peak_main = max(self.peak_main, main)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def start_mirror(pages: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        _cli("mirror", "serve", "--articles", str(pages), "--port", "0", "--no-traps"),
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("serving "):
        proc.kill()
        raise RuntimeError(f"mirror did not start: {line!r}")
    return proc, line.split(" ", 1)[1]


def trafilatura_rate(base_url: str, urls: list[str]) -> float:
    """Plain trafilatura, one process, defaults: pages per second over ``urls``."""
    import trafilatura

    pages = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as resp:
            pages.append(resp.read())
    started = time.perf_counter()
    for body in pages:
        trafilatura.extract(body)
    return len(pages) / (time.perf_counter() - started)


def article_urls(manifest_url: str, limit: int) -> tuple[list[str], int]:
    """The first ``limit`` article URLs of the mirror, and how many articles it has."""
    with urllib.request.urlopen(manifest_url, timeout=60) as resp:
        manifest = json.load(resp)
    return [a["url"] for a in manifest["articles"]][:limit], len(manifest["articles"])


def run_bench(pages: int, workers: int = 0, sample: int = 300) -> BenchResult:
    """Run one benchmark at ``pages`` mirror articles."""
    from crawler.storage.client import connect
    from crawler.storage.server import resolve_server

    database = f"bench_{uuid.uuid4().hex[:8]}"
    with resolve_server() as server:
        mirror, base_url = start_mirror(pages)
        try:
            urls, expected = article_urls(f"{base_url}/__manifest__.json", sample)
            env = dict(os.environ, MONGO_URI=server.uri, MONGO_DATABASE=database)
            args = ["crawl", PROFILE, "--base-url", base_url, "--no-delay",
                    "--discover", "sitemaps", "-s", "LOG_LEVEL=WARNING", *UNTHROTTLED]
            if workers:
                args += ["--workers", str(workers)]
            started = time.perf_counter()
            crawl = subprocess.Popen(_cli(*args), env=env)
            sampler = RssSampler(crawl.pid)
            sampler.start()
            crawl.wait()
            elapsed = time.perf_counter() - started
            sampler.stop()
            reference = trafilatura_rate(base_url, urls)
        finally:
            mirror.terminate()
            mirror.wait(timeout=10)
        client, db = connect(server.uri, database)
        try:
            run = db.crawl_runs.find_one(sort=[("started_at", -1)]) or {}
            stored = db.articles.count_documents({})
        finally:
            client.drop_database(database)
            client.close()
    return summarise(run, pages, expected, stored, elapsed, sampler, reference, len(urls))


STAGES = {
    "download": "timing/download_ms",
    "extraction": "extract/ms_total",
    "pipelines": "timing/pipeline_ms",
    "storage": "storage/ms_total",
}


def summarise(run: dict[str, Any], pages: int, expected: int, stored: int, elapsed: float,
              sampler: RssSampler, reference: float, sample: int) -> BenchResult:
    stats = run.get("stats", {})
    responses = int(stats.get("downloader/response_count", 0))
    per_page = {name: stats.get(key, 0.0) / max(responses, 1) for name, key in STAGES.items()}
    total = sum(per_page.values()) or 1.0
    articles_per_s = stored / elapsed if elapsed else 0.0
    return BenchResult(
        pages_requested=pages, articles_expected=expected, articles_stored=stored,
        responses=responses, elapsed_s=round(elapsed, 2),
        pages_per_s=round(responses / elapsed, 2) if elapsed else 0.0,
        articles_per_s=round(articles_per_s, 2),
        stage_ms_per_page={k: round(v, 2) for k, v in per_page.items()},
        stage_share={k: round(v / total, 3) for k, v in per_page.items()},
        peak_rss_mb=round(sampler.peak_total / 2**20, 1),
        peak_rss_main_mb=round(sampler.peak_main / 2**20, 1),
        workers=int(stats.get("workers/count", 0)),
        trafilatura_pages_per_s=round(reference, 2), trafilatura_sample=sample,
        speedup_vs_trafilatura=round(articles_per_s / reference, 2) if reference else 0.0,
        finish_reason=str(run.get("finish_reason", "")),
    )


def format_table(results: list[BenchResult]) -> str:
    rows = [
        ("pages (mirror articles)", lambda r: f"{r.articles_expected}"),
        ("articles stored", lambda r: f"{r.articles_stored}"),
        ("responses", lambda r: f"{r.responses}"),
        ("elapsed s", lambda r: f"{r.elapsed_s:.1f}"),
        ("pages/s end to end", lambda r: f"{r.pages_per_s:.1f}"),
        ("articles stored/s", lambda r: f"{r.articles_per_s:.1f}"),
        ("plain trafilatura pages/s (1 process)", lambda r: f"{r.trafilatura_pages_per_s:.1f}"),
        ("speed-up vs plain trafilatura", lambda r: f"{r.speedup_vs_trafilatura:.2f}x"),
        *[(f"ms/page {stage}", (lambda s: lambda r: f"{r.stage_ms_per_page[s]:.2f} "
                                 f"({r.stage_share[s]:.0%})")(stage)) for stage in STAGES],
        ("peak RSS, all processes MB", lambda r: f"{r.peak_rss_mb:.0f}"),
        ("peak RSS, crawler main MB", lambda r: f"{r.peak_rss_main_mb:.0f}"),
        ("extraction workers", lambda r: f"{r.workers}"),
        ("finish reason", lambda r: r.finish_reason),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{r.pages_requested:>14}" for r in results)]
    for label, cell in rows:
        lines.append(f"{label:{width}}  " + "  ".join(f"{cell(r):>14}" for r in results))
    return "\n".join(lines)
