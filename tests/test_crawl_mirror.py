"""Crawling the offline mirrors end to end: discovery modes, traps, incremental re-runs,
conditional refresh, run records, the generic profile, URL lists and exit codes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.cli import EXIT_ALERT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from crawler.urls import canonicalize
from tests.crawlutil import (
    assert_all_found,
    crawl_env,
    hits_since,
    manifest_articles,
    originals,
    run_crawl,
)
from tests.factories import SITE


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


def test_full_crawl_is_bounded_and_the_rerun_fetches_no_stored_article(
        mirror, mongo_db, mongo_server) -> None:
    before = Counter(mirror.hits)
    first = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url)
    assert first.code == EXIT_OK, first.stderr[-3000:]
    first_hits = hits_since(before, Counter(mirror.hits))
    manifest = mirror.manifest
    expected = manifest_articles(manifest)
    assert_all_found(mongo_db, manifest, SITE)

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
        == mongo_db["articles"].count_documents({})
    assert run["counts"]["links_new"] == mongo_db["links"].count_documents({})
    assert run["stats"]["extract/ok"] >= len(expected)
    assert all("." not in key and not key.startswith("$") for key in run["stats"])
    assert run["pid"] > 0 and run["finished_at"] >= run["started_at"]

    before = Counter(mirror.hits)
    second = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url)
    assert second.code == EXIT_OK, second.stderr[-3000:]
    second_hits = hits_since(before, Counter(mirror.hits))
    assert not set(second_hits) & paths, sorted(set(second_hits) & paths)
    assert second.stat("discovery/known_skipped") >= len(expected)
    assert second.stat("extract/ok") == 0
    # Listings, feeds and sitemaps are still read, but fewer pages than the first time.
    assert second_hits and sum(second_hits.values()) < sum(first_hits.values())
    assert second.stat("listings/stopped_known") >= 1, {
        k: v for k, v in second.stats.items() if k.startswith(("listings", "pages"))}
    print(f"first run: {sum(first_hits.values())} requests, "
          f"re-run: {sum(second_hits.values())} requests")


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


def test_generic_profile_crawls_its_mirror_with_the_same_spider(
        generic_mirror, mongo_db, mongo_server) -> None:
    result = run_crawl(mongo_db, mongo_server.uri, "wpgeneric", "--base-url",
                       generic_mirror.base_url)
    assert result.code == EXIT_OK, result.stderr[-3000:]
    assert_all_found(mongo_db, generic_mirror.manifest, "wpgeneric")
    assert result.run["spider"] == "site"


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
