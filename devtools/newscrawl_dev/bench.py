"""End-to-end throughput and memory benchmark.

One run: a local database, an offline mirror of N article pages served from its own process,
a crawl of it with politeness delays off (in its own process tree, sampled for RSS and CPU),
and, as the reference ceiling on the same pages, plain trafilatura's single-process
extraction rate (the best of three passes over a sample).  Prints a table and writes a JSON
file.  Nothing here is asserted on: machines are noisy.

Per-stage milliseconds per page are CPU time, the cost each stage puts on the machine:
extraction is the workers' CPU plus what the crawler process spends handing pages to them
and taking results back, pipelines and storage the CPU of the pipeline chain and of the
writer thread, and download the rest of the crawler process (Scrapy's engine, HTTP,
scheduling, spider callbacks).  Wall-clock latencies are reported
too, but with 16 requests in flight a page's download latency is mostly queueing: summed
over pages it says more about concurrency than about cost.

What a crawl here runs with, so that it measures the engine rather than politeness:
``--no-delay`` (no download delay, no AutoThrottle), 16 requests in flight, all to the
one mirror host (``CONCURRENT_REQUESTS`` and ``CONCURRENT_REQUESTS_PER_DOMAIN`` 16; the
profile's 2 per domain are for the live site), sitemap discovery only, one extraction
worker per core (``redis:N``: the cores shared out between the N processes), and in
distributed mode a 1 s idle time before the run ends, taken off the elapsed time.  Elapsed
time runs from process start to exit (imports, database open and the writer's close
included).  The mirror answers in well under a millisecond of CPU per page, so on an idle
machine the crawl is bound by its own CPU.  It rarely is idle where this runs: the row
"crawler waiting for a CPU" is the share of the crawl's runnable time spent queued for a
core (Linux schedstat); when it is high, articles/s measures the machine's load, and CPU
per page is the figure to compare.

The profile-less row crawls the same mirror again from its address alone (no profile, the
same sitemap discovery) and compares the crawler's CPU per page with the profiled crawl's.

The process sampler (RSS and CPU of the crawl's process tree) is
:mod:`newscrawl_dev.sampler`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newscrawl_dev.sampler import ProcessSampler

PROFILE = "russianstudiesromania"
# The profile's politeness (2 requests at a time per domain) is for the live site; the
# benchmark measures the crawler, so the loopback mirror is crawled at full concurrency.
UNTHROTTLED = ("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")


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


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def start_mirror(pages: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        _cli("mirror", "serve", "--articles", str(pages), "--port", "0", "--no-traps",
             "--prerender"),
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("serving "):
        proc.kill()
        raise RuntimeError(f"mirror did not start: {line!r}")
    return proc, line.split(" ", 1)[1]


def trafilatura_rate(base_url: str, urls: list[str], passes: int = 3) -> float:
    """Plain trafilatura, one process, defaults: pages per second over ``urls``, the best of
    ``passes`` passes (the ceiling the crawler is compared with)."""
    import trafilatura

    pages = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as resp:
            pages.append(resp.read())
    best = 0.0
    for _ in range(passes):
        started = time.perf_counter()
        for body in pages:
            trafilatura.extract(body)
        best = max(best, len(pages) / (time.perf_counter() - started))
    return best


def article_urls(manifest_url: str, limit: int) -> tuple[list[str], int]:
    """The first ``limit`` article URLs of the mirror, and how many articles it has."""
    with urllib.request.urlopen(manifest_url, timeout=60) as resp:
        manifest = json.load(resp)
    return [a["url"] for a in manifest["articles"]][:limit], len(manifest["articles"])


# Distributed mode: seconds the shared frontier must stay empty before the run ends.  The
# wait is configured idleness, not work, so it is taken off the elapsed time.
IDLE_TIMEOUT = 1.0


@dataclass(frozen=True)
class Mode:
    """``local`` (one process, no Redis) or ``redis:N`` (N worker processes sharing a run)."""

    distributed: bool
    processes: int = 1

    @classmethod
    def parse(cls, text: str) -> Mode:
        name, _, count = text.partition(":")
        if name not in ("local", "redis") or (name == "local" and count):
            raise ValueError(f"mode: local, redis or redis:N, not {text!r}")
        return cls(name == "redis", int(count or 1))

    def __str__(self) -> str:
        return f"redis:{self.processes}" if self.distributed else "local"


def _crawl(server: Any, mirror: subprocess.Popen[str], database: str, target: list[str],
           workers: int, mode: Mode = Mode(False)
           ) -> tuple[dict[str, Any], int, float, ProcessSampler, list[dict[str, Any]]]:
    """One crawl of the mirror into ``database``: its run record (the workers' records
    summed in distributed mode), articles stored, seconds, the sampler and the records."""
    from crawler.storage.client import connect

    env = dict(os.environ, MONGO_URI=server.uri, MONGO_DATABASE=database)
    args = ["crawl", *target, "--no-delay", "--discover", "sitemaps", "-s", "LOG_LEVEL=WARNING",
            *UNTHROTTLED]
    if mode.processes > 1 and not workers:
        # The cores are shared out: N processes with one Nth of the workers each.
        workers = max(1, (os.cpu_count() or 1) // mode.processes)
    if workers:
        args += ["--workers", str(workers)]
    others = {"mirror": mirror.pid, "database": getattr(server, "pid", None)}
    with _redis(mode) as redis:
        if redis is not None:
            args += ["--redis", redis.url, "-s", f"NEWSCRAWL_REDIS_IDLE_TIMEOUT={IDLE_TIMEOUT}"]
            others["redis"] = getattr(getattr(redis, "proc", None), "pid", None)
        started = time.perf_counter()
        crawl = _start_crawlers(_cli(*args), env, mode.processes)
        sampler = ProcessSampler(crawl.pid, others)
        sampler.start()
        crawl.wait()
        elapsed = time.perf_counter() - started - (IDLE_TIMEOUT if redis else 0.0)
        sampler.stop()
    client, db = connect(server.uri, database)
    try:
        records = list(db.crawl_runs.find())
        stored = db.articles.count_documents({})
    finally:
        client.drop_database(database)
        client.close()
    return combine(records) if records else {}, stored, elapsed, sampler, records


def cpu_ms_per_page(run: dict[str, Any]) -> float:
    stats = run.get("stats", {})
    responses = int(stats.get("downloader/response_count", 0))
    return sum(stage_cpu_ms(stats).values()) / max(responses, 1)


def run_bench(pages: int, workers: int = 0, sample: int = 300,
              profileless: bool = True, mode: Mode = Mode(False)) -> BenchResult:
    """Run one benchmark at ``pages`` mirror articles; with ``profileless`` (local mode),
    crawl the same mirror a second time from its address alone (no profile) and compare
    CPU per page.  ``mode``: local, or distributed with N worker processes."""
    from crawler.storage.server import resolve_server

    with resolve_server() as server:
        mirror, base_url = start_mirror(pages)
        try:
            urls, expected = article_urls(f"{base_url}/__manifest__.json", sample)
            run, stored, elapsed, sampler, records = _crawl(
                server, mirror, f"bench_{uuid.uuid4().hex[:8]}",
                [PROFILE, "--base-url", base_url], workers, mode)
            reference = trafilatura_rate(base_url, urls)
            extra: dict[str, Any] = {}
            if profileless and not mode.distributed:
                auto, auto_stored, auto_elapsed, _, _ = _crawl(
                    server, mirror, f"bench_{uuid.uuid4().hex[:8]}", [base_url + "/"], workers)
                profiled_ms, auto_ms = cpu_ms_per_page(run), cpu_ms_per_page(auto)
                extra = {"profileless": {
                    "articles_stored": auto_stored, "elapsed_s": round(auto_elapsed, 2),
                    "responses": int(auto.get("stats", {}).get("downloader/response_count", 0)),
                    "cpu_ms_per_page": round(auto_ms, 2),
                    "profiled_cpu_ms_per_page": round(profiled_ms, 2),
                    "ratio": round(auto_ms / profiled_ms, 2) if profiled_ms else 0.0,
                    "finish_reason": str(auto.get("finish_reason", ""))}}
        finally:
            mirror.terminate()
            mirror.wait(timeout=10)
    result = summarise(run, pages, expected, stored, elapsed, sampler, reference, len(urls))
    result.extra.update(extra)
    result.extra["mode"] = str(mode)
    result.extra["processes"] = mode.processes
    result.extra["pages_per_process"] = [
        int((r.get("stats") or {}).get("downloader/response_count", 0)) for r in records]
    return result


def _redis(mode: Mode) -> Any:
    """The Redis of a distributed run (a local server unless NEWSCRAWL_REDIS_URL is set)."""
    from contextlib import nullcontext

    from crawler.distributed.server import resolve_redis

    return resolve_redis() if mode.distributed else nullcontext(None)


def _start_crawlers(command: list[str], env: dict[str, str], n: int) -> subprocess.Popen:
    """One crawl, or ``n`` under one parent process (the sampler sums its process tree)."""
    if n == 1:
        return subprocess.Popen(command, env=env)
    script = ("import subprocess, sys\n"
              f"procs = [subprocess.Popen({command!r}) for _ in range({n})]\n"
              "sys.exit(max(p.wait() for p in procs))\n")
    return subprocess.Popen([sys.executable, "-c", script], env=env)


def combine(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The run records of several worker processes as one: numeric stats summed."""
    if len(records) == 1:
        return records[0]
    stats: dict[str, Any] = {}
    for record in records:
        for key, value in (record.get("stats") or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                stats[key] = stats.get(key, 0) + value
    reasons = {str(r.get("finish_reason", "")) for r in records}
    return {"stats": stats, "finish_reason": reasons.pop() if len(reasons) == 1 else
            ",".join(sorted(reasons))}


# Stage -> stats key of its CPU milliseconds; "download" is the crawler process's remainder.
CPU_STAGES = {
    "extraction": "extract/cpu_ms_total",
    "pipelines": "pipelines/cpu_ms",
    "storage": "storage/cpu_ms",
}
STAGES = ("download", "extraction", "pipelines", "storage")
# Wall-clock totals (waits included) and what each is divided by.
WALL = {
    "download latency": ("timing/download_ms", "downloader/response_count"),
    "extraction": ("extract/ms_total", "extract/pages_timed"),
    "pipelines": ("timing/pipeline_ms", "item_scraped_count"),
    "storage (writer)": ("storage/ms_total", "downloader/response_count"),
}


HANDOFF = "extract/handoff_cpu_ms"


def stage_cpu_ms(stats: dict[str, Any]) -> dict[str, float]:
    """CPU milliseconds of each stage, whole run (the workers report their own CPU)."""
    total: dict[str, float] = {k: float(stats.get(key, 0.0)) for k, key in CPU_STAGES.items()}
    handoff = float(stats.get(HANDOFF, 0.0))
    main = float(stats.get("process/cpu_ms", 0.0))
    total["download"] = max(0.0, main - total["pipelines"] - total["storage"] - handoff)
    total["extraction"] += handoff
    return {k: total[k] for k in STAGES}


def summarise(run: dict[str, Any], pages: int, expected: int, stored: int, elapsed: float,
              sampler: ProcessSampler, reference: float, sample: int) -> BenchResult:
    stats = run.get("stats", {})
    responses = int(stats.get("downloader/response_count", 0))
    per_page = {k: v / max(responses, 1)
                for k, v in stage_cpu_ms(stats).items()}
    total = sum(per_page.values()) or 1.0
    wall = {name: stats.get(key, 0.0) / max(int(stats.get(div, 0)), 1)
            for name, (key, div) in WALL.items()}
    cpu_per_page = {name: round(seconds * 1000.0 / max(responses, 1), 2)
                    for name, seconds in sampler.other_cpu.items()}
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
        extra={"wall_ms_per_page": {k: round(v, 2) for k, v in wall.items()},
               "extraction_handoff_cpu_ms_per_page": round(
                   float(stats.get(HANDOFF, 0.0)) / max(responses, 1), 2),
               "other_processes_cpu_ms_per_page": cpu_per_page,
               "cpu_wait_share": round(sampler.cpu_wait_share, 3),
               "load_average_1min": round(os.getloadavg()[0], 1)},
    )


def _auto(result: BenchResult, key: str) -> str:
    return str(result.extra.get("profileless", {}).get(key, "-"))


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
        *[(f"CPU ms/page {stage}", (lambda s: lambda r: f"{r.stage_ms_per_page[s]:.2f} "
                                     f"({r.stage_share[s]:.1%})")(stage)) for stage in STAGES],
        ("CPU ms/page extraction: hand-off part", lambda r: (
            f"{r.extra['extraction_handoff_cpu_ms_per_page']:.2f}")),
        *[(f"wall ms/page {name}", (lambda n: lambda r: f"{r.extra['wall_ms_per_page'][n]:.1f}")(
            name)) for name in WALL],
        *[(f"CPU ms/page {name} (not crawler)", (lambda n: lambda r: (
            f"{r.extra['other_processes_cpu_ms_per_page'].get(n, 0.0):.2f}"))(name))
          for name in ("mirror", "database", "redis")],
        ("crawler waiting for a CPU (share of runnable)", lambda r: (
            f"{r.extra.get('cpu_wait_share', 0.0):.0%}")),
        ("load average (1 min) at the end", lambda r: f"{r.extra.get('load_average_1min', 0)}"),
        ("peak RSS, all processes MB", lambda r: f"{r.peak_rss_mb:.0f}"),
        ("peak RSS, crawler main MB", lambda r: f"{r.peak_rss_main_mb:.0f}"),
        ("extraction workers", lambda r: f"{r.workers}"),
        ("crawler processes (pages each)", lambda r: "/".join(
            str(n) for n in r.extra.get("pages_per_process", [r.responses]))),
        ("profile-less: articles stored", lambda r: _auto(r, "articles_stored")),
        ("profile-less: CPU ms/page (profiled)", lambda r: (
            f"{_auto(r, 'cpu_ms_per_page')} ({_auto(r, 'profiled_cpu_ms_per_page')})")),
        ("profile-less: CPU ratio to profiled", lambda r: f"{_auto(r, 'ratio')}x"),
        ("finish reason", lambda r: r.finish_reason),
    ]
    return column_table(rows, [f"{r.pages_requested} {r.extra.get('mode', 'local')}"
                               for r in results], results)


def column_table(rows: list[tuple[str, Callable[[Any], str]]], headers: list[str],
                 results: list[Any]) -> str:
    """One column per result under its header, one line per (label, cell) row."""
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{h:>14}" for h in headers)]
    for label, cell in rows:
        lines.append(f"{label:{width}}  " + "  ".join(f"{cell(r):>14}" for r in results))
    return "\n".join(lines)


def versus(results: list[BenchResult]) -> str:
    """Each distributed result against the local one of the same size (and redis:N against
    redis:1): articles/s ratio and total crawler CPU per page, Redis server included."""
    def cpu(r: BenchResult) -> float:
        return (sum(r.stage_ms_per_page.values())
                + r.extra["other_processes_cpu_ms_per_page"].get("redis", 0.0))

    lines = []
    by_key = {(r.pages_requested, r.extra.get("mode", "local")): r for r in results}
    for r in results:
        mode = r.extra.get("mode", "local")
        base = by_key.get((r.pages_requested, "redis:1" if mode not in ("local", "redis:1")
                           else "local"))
        if mode == "local" or base is None or not base.articles_per_s:
            continue
        lines.append(f"{r.pages_requested} pages {mode} vs {base.extra.get('mode', 'local')}: "
                     f"articles/s x{r.articles_per_s / base.articles_per_s:.2f}, CPU ms/page "
                     f"{cpu(r):.2f} vs {cpu(base):.2f} "
                     f"({cpu(r) / cpu(base) - 1 if cpu(base) else 0.0:+.1%})")
    return "\n".join(lines)
