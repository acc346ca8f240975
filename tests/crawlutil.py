"""Running ``newscrawl crawl`` in a subprocess against a mirror and the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.urls import canonicalize

REPO = Path(__file__).resolve().parent.parent


@dataclass
class CrawlResult:
    code: int
    stdout: str
    stderr: str
    run: dict[str, Any] | None  # the run's crawl_runs document

    @property
    def stats(self) -> dict[str, Any]:
        return (self.run or {}).get("stats") or {}

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)


def crawl_env(mongo_uri: str, database: str, jobs_dir: Path | None = None,
              **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWSCRAWL_"))}
    env.update({"MONGO_URI": mongo_uri, "MONGO_DATABASE": database,
                "NEWSCRAWL_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"})
    if jobs_dir is not None:
        env["NEWSCRAWL_JOBS_DIR"] = str(jobs_dir)
    env.update(extra)
    return env


def crawl_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", *args]


def run_crawl(db: Any, mongo_uri: str, *args: str, workers: int = 2, timeout: float = 240,
              env: dict[str, str] | None = None, cwd: Path | None = None) -> CrawlResult:
    """``newscrawl crawl ARGS --no-delay --workers N`` to its end; its run record."""
    before = {d["_id"] for d in db["crawl_runs"].find({}, {"_id": 1})}
    proc = subprocess.run(
        crawl_command(*args, "--no-delay", "--workers", str(workers),
                      "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
        env=env or crawl_env(mongo_uri, db.name), cwd=cwd or REPO, capture_output=True,
        text=True, timeout=timeout, check=False,
    )
    runs = [d for d in db["crawl_runs"].find() if d["_id"] not in before]
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, runs[-1] if runs else None)


def stored_articles(db: Any, site: str | None = None) -> list[dict[str, Any]]:
    query = {"site": site} if site else {}
    return list(db["articles"].find(query, {"canonical_url": 1, "aliases": 1,
                                            "duplicate_of": 1, "http": 1}))


def originals(db: Any, site: str | None = None) -> set[str]:
    """Canonical URLs of stored articles that are not duplicates of another."""
    return {d["canonical_url"] for d in stored_articles(db, site) if not d.get("duplicate_of")}


def found_urls(db: Any, site: str | None = None) -> set[str]:
    """Canonical URLs and aliases of everything stored: what the crawl found."""
    urls: set[str] = set()
    for doc in stored_articles(db, site):
        urls.add(doc["canonical_url"])
        urls.update(canonicalize(u) for u in doc.get("aliases") or [])
    return urls


def assert_all_found(db: Any, manifest: dict[str, Any], site: str) -> None:
    """Every manifest article stored once; a republished copy may be either of the pair."""
    expected = manifest_articles(manifest)
    assert len(expected) == manifest["expected_article_count"]
    missing = expected - found_urls(db, site)
    assert not missing, sorted(missing)
    kept = originals(db, site)
    assert len(kept) == len(expected), sorted(kept - expected)
    copies = {canonicalize(d["url"]) for d in manifest.get("duplicates") or []}
    assert kept <= expected | copies, sorted(kept - expected - copies)


def manifest_articles(manifest: dict[str, Any]) -> set[str]:
    return {canonicalize(a["url"]) for a in manifest["articles"]}


def hits_since(before: Counter, after: Counter) -> Counter:
    return Counter({k: after[k] - before.get(k, 0) for k in after if after[k] > before.get(k, 0)})


def stored_edges(db: Any, manifest: dict[str, Any]) -> set[tuple[str, str, str]]:
    """``(from URL, to URL, label)`` of every stored link, each article named by its
    manifest URL: a republished copy seen first keeps the document, and the original's
    URL is then one of its aliases."""
    known = manifest_articles(manifest)
    names = {}
    for doc in db["articles"].find({}, {"canonical_url": 1, "aliases": 1}):
        urls = [doc["canonical_url"], *map(canonicalize, doc.get("aliases") or [])]
        names[doc["_id"]] = next((u for u in urls if u in known), doc["canonical_url"])
    return {(names.get(link["from_id"], link["from_id"]), link["to_url"], link["label"])
            for link in db["links"].find({}, {"from_id": 1, "to_url": 1, "label": 1})}


def manifest_edges(manifest: dict[str, Any]) -> set[tuple[str, str, str]]:
    """The manifest's graph in the same form (``expected_link_count`` triples)."""
    return {(canonicalize(a["url"]), canonicalize(r["url"]), r["label"])
            for a in manifest["articles"] for r in a["related"]}


class Counts(Counter):
    """Scrapy's stats collector interface over a Counter, for components used outside a
    crawl (the writer, in tests)."""

    def inc_value(self, key: str, count: float = 1, start: float = 0) -> None:
        self[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)
