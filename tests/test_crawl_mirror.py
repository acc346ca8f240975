"""Crawling the offline mirrors end to end: discovery modes, traps, the stored graph,
incremental re-runs, conditional refresh, run records, the generic profile, URL lists and
exit codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.cli import EXIT_ALERT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from crawler.urls import canonicalize
from tests.crawlutil import (
    CrawlResult,
    assert_all_found,
    crawl_env,
    hits_since,
    manifest_articles,
    manifest_edges,
    originals,
    run_crawl,
    stored_edges,
)
from tests.factories import SITE
from tests.fixtures_db import own_database


def article_paths(manifest: dict) -> set[str]:
    return {urlsplit(a["url"]).path for a in manifest["articles"]}


@pytest.mark.parametrize("mode", ["sitemaps", "feeds", "listings"])
def test_each_discovery_mode_alone_finds_every_article(mirror, mongo_db, mongo_server,
                                                       mode: str) -> None:
    result = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url,
                       "--discover", mode)
    assert result.code == EXIT_OK, result.stderr[-3000:]
    assert_all_found(mongo_db, mirror.manifest, SITE)
    assert result.stat("discovery/from_related") == 0
    assert result.stat(f"discovery/from_{mode}") >= mirror.manifest["expected_article_count"]


@dataclass
class FullCrawl:
    """The default crawl of the session's newspaper mirror, then a re-run of it, into a
    database of their own, with the mirror's hits of each.  Tests only read it; the re-run
    stores nothing (its test checks), so what is stored is the first crawl's."""

    db: Any
    first: CrawlResult
    first_hits: Counter
    second: CrawlResult
    second_hits: Counter


@pytest.fixture(scope="module")
def full_crawl(mirror, mongo_server) -> Iterator[FullCrawl]:
    with own_database(mongo_server.uri) as db:
        before = Counter(mirror.hits)
        first = run_crawl(db, mongo_server.uri, SITE, "--base-url", mirror.base_url)
        first_hits = hits_since(before, Counter(mirror.hits))
        before = Counter(mirror.hits)
        second = run_crawl(db, mongo_server.uri, SITE, "--base-url", mirror.base_url)
        yield FullCrawl(db, first, first_hits, second, hits_since(before, Counter(mirror.hits)))


def test_full_crawl_is_bounded_and_recorded(full_crawl: FullCrawl, mirror) -> None:
    first, first_hits, db = full_crawl.first, full_crawl.first_hits, full_crawl.db
    assert first.code == EXIT_OK, first.stderr[-3000:]
    manifest = mirror.manifest
    expected = manifest_articles(manifest)
    assert_all_found(db, manifest, SITE)

    # Each article fetched once per run, whatever variant (utm, /amp/, no slash) links it.
    paths = article_paths(manifest)
    flaky = {urlsplit(f["url"]).path for f in manifest["trap_urls"]["flaky"]}
    wrong = {p: first_hits[p] for p in paths
             if not (first_hits[p] == 1 or (p in flaky and first_hits[p] == 2))}
    assert not wrong, wrong
    # Traps end: nothing is fetched over and over, and the whole crawl stays small.
    assert max(first_hits.values()) <= 3, first_hits.most_common(3)
    listing_pages = sum(1 for _ in manifest["listings"])
    assert sum(first_hits.values()) <= len(paths) + listing_pages + 60, first_hits
    assert not any(p.lower().endswith((".pdf", ".jpg", ".png")) for p in first_hits)

    run = first.run
    assert run is not None and run["status"] == "finished"
    assert run["finish_reason"] == "finished" and run["site"] == SITE
    assert run["counts"]["articles"]["new"] + run["counts"]["articles"].get("duplicate", 0) \
        == db["articles"].count_documents({})
    assert run["counts"]["links_new"] == db["links"].count_documents({})
    assert run["stats"]["extract/ok"] >= len(expected)
    assert all("." not in key and not key.startswith("$") for key in run["stats"])
    assert run["pid"] > 0 and run["finished_at"] >= run["started_at"]


def test_the_rerun_fetches_no_stored_article(full_crawl: FullCrawl, mirror) -> None:
    second, second_hits = full_crawl.second, full_crawl.second_hits
    assert second.code == EXIT_OK, second.stderr[-3000:]
    paths = article_paths(mirror.manifest)
    assert not set(second_hits) & paths, sorted(set(second_hits) & paths)
    assert second.stat("discovery/known_skipped") >= len(manifest_articles(mirror.manifest))
    assert second.stat("extract/ok") == 0
    # Listings, feeds and sitemaps are still read, but fewer pages than the first time.
    first_hits = full_crawl.first_hits
    assert second_hits and sum(second_hits.values()) < sum(first_hits.values())
    assert second.stat("listings/stopped_known") >= 1, {
        k: v for k, v in second.stats.items() if k.startswith(("listings", "pages"))}
    print(f"first run: {sum(first_hits.values())} requests, "
          f"re-run: {sum(second_hits.values())} requests")


def test_each_article_is_stored_once_with_the_manifest_graph(full_crawl: FullCrawl,
                                                              mirror) -> None:
    manifest, db = mirror.manifest, full_crawl.db
    docs = list(db.articles.find({}, {"canonical_url": 1, "aliases": 1, "duplicate_of": 1}))
    assert len(docs) == manifest["expected_article_count"] == len(manifest["articles"])
    urls_of = {d["_id"]: {d["canonical_url"], *map(canonicalize, d["aliases"])} for d in docs}
    found = set().union(*urls_of.values())
    assert {canonicalize(a["url"]) for a in manifest["articles"]} <= found
    for dup in manifest["duplicates"]:
        pair = {canonicalize(dup["url"]), canonicalize(dup["original_url"])}
        holders = [i for i, urls in urls_of.items() if urls & pair]
        merged = len(holders) == 1 and pair <= urls_of[holders[0]]
        flagged = len(holders) == 2 and any(d.get("duplicate_of") in holders for d in docs)
        assert merged or flagged, holders
    edges = db.links.count_documents({})
    resolved = db.links.count_documents({"to_id": {"$type": "string"}})
    assert resolved == edges  # every target of the mirror's graph is an article
    assert stored_edges(db, manifest) == manifest_edges(manifest)
    assert edges == manifest["expected_link_count"]


def test_refresh_sends_conditional_requests_and_counts_not_modified(
        mirror, mongo_db, mongo_server) -> None:
    first = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url,
                      "--discover", "sitemaps")
    assert first.code == EXIT_OK, first.stderr[-3000:]
    stored = originals(mongo_db, SITE)
    seen = len(mirror.requests)
    refresh = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url,
                        "--discover", "sitemaps", "--refresh")
    assert refresh.code == EXIT_OK, refresh.stderr[-3000:]
    conditional = [r for r in list(mirror.requests)[seen:]
                   if any(k.lower() in {"if-none-match", "if-modified-since"}
                          for k in dict(r[2]))]
    assert len(conditional) >= len(stored)
    assert refresh.stat("refresh/not_modified") >= len(stored) - 2
    assert refresh.run["counts"]["not_modified"] == refresh.stat("refresh/not_modified")


@pytest.fixture(scope="module")
def generic_crawl(generic_mirror, mongo_server) -> Iterator[tuple[Any, CrawlResult]]:
    """The generic profile's crawl of the session's generic mirror, in a database of its own
    (tests only read it)."""
    with own_database(mongo_server.uri) as db:
        yield db, run_crawl(db, mongo_server.uri, "wpgeneric", "--base-url",
                            generic_mirror.base_url)


def test_generic_profile_crawls_its_mirror_with_the_same_spider(
        generic_mirror, generic_crawl) -> None:
    db, result = generic_crawl
    assert result.code == EXIT_OK, result.stderr[-3000:]
    assert_all_found(db, generic_mirror.manifest, "wpgeneric")
    assert result.run["spider"] == "site"


def test_generic_mirror_graph_days_and_static_pages(generic_mirror, generic_crawl) -> None:
    """The US site: the stored links are the manifest's, each article is filed under the
    publisher's day, and the privacy page at an article-shaped URL is not stored."""
    db, result = generic_crawl
    manifest = generic_mirror.manifest
    assert result.code == EXIT_OK, result.stderr[-2000:]
    assert stored_edges(db, manifest) == manifest_edges(manifest)
    days = {d["canonical_url"]: (d["published_day"], d["published_local"])
            for d in db.articles.find({}, {"published_day": 1, "published_local": 1,
                                           "canonical_url": 1})}
    assert days == {canonicalize(a["url"]): (a["published_day"], a["published_local"])
                    for a in manifest["articles"]}
    utc_days = {d["published_at"].date().isoformat() for d in db.articles.find()}
    assert utc_days != {day for day, _ in days.values()}  # some evenings are the next UTC day
    privacy = canonicalize(generic_mirror.base_url + "/news/privacy-policy/")
    assert db.articles.count_documents({"aliases": privacy}) == 0
    assert result.stat("extract/failed/article_type") == 1
    assert result.stat("validate/rejected_article_type") == 1


def test_url_list_fetches_exactly_those_pages_on_a_generic_host(
        mirror, mongo_db, mongo_server, tmp_path: Path) -> None:
    urls = sorted(a["url"] for a in mirror.manifest["articles"])[:3]
    url_file = tmp_path / "urls.txt"
    url_file.write_text("# three articles\n" + "\n".join(urls) + "\n\n", encoding="utf-8")
    before = Counter(mirror.hits)
    result = run_crawl(mongo_db, mongo_server.uri, "--urls", str(url_file))
    assert result.code == EXIT_OK, result.stderr[-3000:]
    hits = hits_since(before, Counter(mirror.hits))
    assert set(hits) - {"/robots.txt"} == {urlsplit(u).path for u in urls}
    assert originals(mongo_db, "generic") == {canonicalize(u) for u in urls}
    assert result.run["spider"] == "urls"


def test_a_site_where_nothing_is_stored_ends_with_an_alert(
        mirror, mongo_db, mongo_server, tmp_path: Path) -> None:
    profile = tmp_path / "broken.yaml"
    profile.write_text(
        "name: broken\nbase_url: https://broken.example\nstart_urls: [/]\n"
        "article_url: '^/no-such-articles/[^/]+/$'\nlisting_url: '^/$'\n",
        encoding="utf-8")
    result = run_crawl(mongo_db, mongo_server.uri, str(profile), "--base-url", mirror.base_url)
    assert result.code == EXIT_ALERT, result.stderr[-3000:]
    assert "stored nothing" in result.stdout
    assert result.run["status"] == "alert"
    assert result.run["monitor"]["alerts"]


def test_database_down_at_start_and_bad_usage(mongo_db, tmp_path: Path) -> None:
    import socket
    import subprocess

    from tests.crawlutil import crawl_command

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"mongodb://127.0.0.1:{s.getsockname()[1]}/?serverSelectionTimeoutMS=500"
    env = crawl_env(dead, "x", NEWSCRAWL_DB_CONNECT_TIMEOUT_MS="500")
    proc = subprocess.run(crawl_command(SITE, "--base-url", "http://127.0.0.1:9"), env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_FAILURE, proc.stderr[-2000:]
    assert "127.0.0.1" in proc.stderr
    proc = subprocess.run(crawl_command("no-such-profile"), env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_USAGE
    assert "no site profile" in proc.stderr
