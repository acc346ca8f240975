"""Incremental crawl against a large stored archive: time to first request, elapsed, memory.

``newscrawl bench --archive N [--new M]``: a mirror of N + M articles; N of them are seeded
straight into a fresh database (bulk inserts of synthetic article documents with valid
``_id``s, LSH band keys and catalogue entries, no crawling), then the site is crawled
through its sitemaps, which list all N + M URLs: the crawl must skip the N stored ones and
fetch the M new ones.  As the reference, the same incremental work (a mirror of M articles)
is crawled into an empty database.  Time to first request is measured by the mirror (the
first request it receives), from the moment the crawl process is started; next to it, the
CPU time the crawl's main process had used by then, which a busy machine does not inflate.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import psutil

from newscrawl_dev.bench import PROFILE, UNTHROTTLED, _cli, column_table
from newscrawl_dev.sampler import ProcessSampler

SEED_BATCH = 1000
FILLER = ("The archive holds this synthetic article body so that its documents weigh what "
          "stored articles weigh. ") * 20


@dataclass
class ArchiveRun:
    archive: int
    new: int
    seed_s: float
    first_request_s: float
    first_request_cpu_s: float
    elapsed_s: float
    catalogue_read_s: float
    peak_rss_main_mb: float
    peak_rss_mb: float
    articles_new: int
    known_skipped: int
    article_requests: int
    finish_reason: str


def start_mirror(articles: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        _cli("mirror", "serve", "--articles", str(articles), "--port", "0", "--no-traps"),
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("serving "):
        proc.kill()
        raise RuntimeError(f"mirror did not start: {line!r}")
    return proc, line.split(" ", 1)[1]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=600) as resp:
        return json.load(resp)


def sitemap_urls(base_url: str) -> list[str]:
    """The article URLs the mirror's sitemaps list (its manifest renders every page: too slow
    for a large archive)."""
    from crawler.discovery.sitemaps import parse_sitemap

    urls: list[str] = []
    todo, seen = [f"{base_url}/sitemap_index.xml"], set()
    while todo:
        sitemap = todo.pop(0)
        with urllib.request.urlopen(sitemap, timeout=60) as resp:
            entries = list(parse_sitemap(resp.read()))
        for entry in entries:
            if entry.is_sitemap:
                if entry.loc not in seen:
                    seen.add(entry.loc)
                    todo.append(entry.loc)
            elif "/post-sitemap" in sitemap:
                urls.append(entry.loc)
    return list(dict.fromkeys(urls))


def synthetic_article(url: str, index: int, now: datetime, threshold: float) -> dict[str, Any]:
    """A stored article document as the writer would have built it."""
    from crawler.fingerprint import band_keys
    from crawler.storage.indexes import SCHEMA_VERSION
    from crawler.urls import article_id, canonicalize

    canonical = canonicalize(url)
    rng = np.random.default_rng(index)
    minhash = rng.integers(0, 2**32, size=128, dtype=np.uint64).tolist()
    text = f"Archived article {index}. {FILLER}"
    return {
        "_id": article_id(canonical), "url": url, "canonical_url": canonical,
        "aliases": [canonical], "site": PROFILE, "site_name": "Archive",
        "title": f"Archived article {index}", "description": "", "authors": [],
        "published_at": now, "published_day": now.strftime("%Y-%m-%d"), "modified_at": now,
        "language": "en", "categories": [], "tags": [], "image": None, "text": text,
        "body_markdown": text, "word_count": len(text.split()),
        "content_hash": hashlib.sha1(text.encode()).hexdigest(), "minhash": minhash,
        "minhash_bands": band_keys(minhash, threshold), "related": [], "provenance": {},
        "duplicate_of": None, "http": {"status": 200, "etag": None, "last_modified": None},
        "schema_version": SCHEMA_VERSION, "first_seen": now, "last_seen": now,
        "updated_at": now, "fetch_count": 1,
    }


def seed(uri: str, database: str, urls: list[str], threshold: float = 0.8) -> float:
    """Insert one stored article and its catalogue entry per URL; seconds taken."""
    from crawler.storage.client import connect
    from crawler.storage.indexes import ARTICLES, CATALOGUE, ensure_schema
    from crawler.storage.keys import catalogue_doc

    started = time.perf_counter()
    client, db = connect(uri, database)
    try:
        ensure_schema(db)
        now = datetime.now(UTC).replace(microsecond=0)
        for start in range(0, len(urls), SEED_BATCH):
            docs = [synthetic_article(url, start + i, now, threshold)
                    for i, url in enumerate(urls[start:start + SEED_BATCH])]
            db[ARTICLES].insert_many(docs, ordered=False)
            db[CATALOGUE].insert_many([catalogue_doc(d) for d in docs], ordered=False)
    finally:
        client.close()
    return time.perf_counter() - started


def crawl(uri: str, database: str, mirror: subprocess.Popen[str], base_url: str,
          archive: int, new: int, seed_s: float, workers: int) -> ArchiveRun:
    from crawler.storage.client import connect

    env = dict(os.environ, MONGO_URI=uri, MONGO_DATABASE=database)
    args = ["crawl", PROFILE, "--base-url", base_url, "--no-delay", "--discover", "sitemaps",
            "-s", "LOG_LEVEL=WARNING", *UNTHROTTLED]
    if workers:
        args += ["--workers", str(workers)]
    get_json(f"{base_url}/__requests__.json?reset=1")  # the bench's own requests do not count
    launched = time.time()
    started = time.perf_counter()
    proc = subprocess.Popen(_cli(*args), env=env)
    sampler = ProcessSampler(proc.pid)
    sampler.start()
    first_cpu = -1.0
    while proc.poll() is None and first_cpu < 0:
        try:
            cpu = ProcessSampler._cpu(proc.pid)
        except psutil.Error:  # it has just ended
            break
        if get_json(f"{base_url}/__requests__.json").get("first_request_at"):
            first_cpu = cpu
        else:
            time.sleep(0.05)
    proc.wait()
    elapsed = time.perf_counter() - started
    sampler.stop()
    seen = get_json(f"{base_url}/__requests__.json")
    client, db = connect(uri, database)
    try:
        run = db.crawl_runs.find_one(sort=[("started_at", -1)]) or {}
    finally:
        client.drop_database(database)
        client.close()
    stats = run.get("stats", {})
    first = seen.get("first_request_at")
    return ArchiveRun(
        archive=archive, new=new, seed_s=round(seed_s, 1),
        first_request_s=round(first - launched, 2) if first else -1.0,
        first_request_cpu_s=round(first_cpu, 2),
        elapsed_s=round(elapsed, 1),
        catalogue_read_s=round(float(stats.get("catalogue/load_ms", 0)) / 1000, 1),
        peak_rss_main_mb=round(sampler.peak_main / 2**20, 1),
        peak_rss_mb=round(sampler.peak_total / 2**20, 1),
        articles_new=int(stats.get("articles/new", 0)),
        known_skipped=int(stats.get("discovery/known_skipped", 0)),
        article_requests=int(seen.get("articles", 0)),
        finish_reason=str(run.get("finish_reason", "")))


def run_archive_bench(archive: int, new: int = 100, workers: int = 0) -> list[ArchiveRun]:
    """The reference run (empty database, M articles), then the archive run."""
    from crawler.storage.server import resolve_server

    runs = []
    with resolve_server() as server:
        for size, stored in ((new, 0), (archive + new, archive)):
            mirror, base_url = start_mirror(size)
            try:
                urls = sitemap_urls(base_url)
                database = f"bench_{uuid.uuid4().hex[:8]}"
                seed_s = seed(server.uri, database, urls[:stored]) if stored else 0.0
                runs.append(crawl(server.uri, database, mirror, base_url, stored,
                                  len(urls) - stored, seed_s, workers))
            finally:
                mirror.terminate()
                mirror.wait(timeout=30)
    return runs


def format_archive(runs: list[ArchiveRun]) -> str:
    rows = [
        ("stored articles (archive)", lambda r: f"{r.archive}"),
        ("new articles in the sitemaps", lambda r: f"{r.new}"),
        ("seeding s (not part of the run)", lambda r: f"{r.seed_s:.1f}"),
        ("first request s after start", lambda r: f"{r.first_request_s:.2f}"),
        ("main process CPU s before it", lambda r: f"{r.first_request_cpu_s:.2f}"),
        ("elapsed s", lambda r: f"{r.elapsed_s:.1f}"),
        ("catalogue read into memory s", lambda r: f"{r.catalogue_read_s:.1f}"),
        ("articles stored (new)", lambda r: f"{r.articles_new}"),
        ("article pages requested", lambda r: f"{r.article_requests}"),
        ("known URLs skipped", lambda r: f"{r.known_skipped}"),
        ("peak RSS, crawler main MB", lambda r: f"{r.peak_rss_main_mb:.0f}"),
        ("peak RSS, all processes MB", lambda r: f"{r.peak_rss_mb:.0f}"),
        ("finish reason", lambda r: r.finish_reason),
    ]
    lines = [column_table(rows, ["archive" if r.archive else "empty DB" for r in runs], runs)]
    if len(runs) == 2:
        lines.append(f"peak RSS main, archive minus empty: "
                     f"{runs[1].peak_rss_main_mb - runs[0].peak_rss_main_mb:+.0f} MB")
    return "\n".join(lines)
