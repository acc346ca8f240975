"""Crawling the three mirrors from their address alone (no profile), scored against their
manifests; one crawl per mirror, shared by the tests of that mirror."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.cli import EXIT_OK
from newscrawl_dev.evaluation.crawl import score_crawl
from newscrawl_dev.mirror.server import MirrorServer
from tests.crawlutil import REPO, CrawlResult, crawl_env, hits_since, run_crawl
from tests.fixtures_db import own_database

THEMES = ("newspaper", "generic", "drupal")


class Crawled:
    def __init__(self, server: MirrorServer, db: Any, result: CrawlResult) -> None:
        self.server = server
        self.db = db
        self.result = result
        self.manifest = server.manifest
        self.site = result.run["site"] if result.run else ""
        self.scores = score_crawl(db, self.manifest, self.site)


@pytest.fixture(scope="module", params=THEMES)
def crawled(request: pytest.FixtureRequest, mongo_server: Any,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    jobs = tmp_path_factory.mktemp("jobs")
    with own_database(mongo_server.uri) as db, MirrorServer(theme=request.param) as server:
        result = run_crawl(db, mongo_server.uri, server.base_url + "/", "--job", "nightly",
                           env=crawl_env(mongo_server.uri, db.name, jobs_dir=jobs))
        crawled = Crawled(server, db, result)
        crawled.jobs = jobs  # type: ignore[attr-defined]
        yield crawled


def test_profileless_crawl_meets_the_targets(crawled: Crawled) -> None:
    result, s = crawled.result, crawled.scores
    assert result.code == EXIT_OK, (result.stdout[-2000:], result.stderr[-3000:])
    print(crawled.server.theme, {k: v for k, v in s.items() if k != "stray"})
    assert s["found"] >= 0.98, s
    assert s["non_articles"] <= 0.01, s["stray"]
    assert s["body"] >= 0.97, s
    assert s["title"] >= 0.95, s
    assert s["date"] >= 0.98, s
    assert s["related_p"] >= 0.95, s
    assert s["related_r"] >= 0.90, s
    assert s["related_label"] >= 0.90, s


def test_a_finished_profileless_job_clears_its_journal(crawled: Crawled) -> None:
    assert crawled.result.code == EXIT_OK, crawled.result.stderr[-3000:]
    assert (crawled.jobs / "nightly").is_dir()  # type: ignore[attr-defined]
    assert not (crawled.jobs / "nightly" / "journal.jsonl").exists()  # type: ignore[attr-defined]


def test_the_run_is_recorded_as_profileless_with_its_rules(crawled: Crawled) -> None:
    run = crawled.result.run
    assert run is not None and run["spider"] == "profileless" and run["profileless"] is True
    doc = crawled.db["articles"].find_one({"site": crawled.site})
    assert doc is not None
    assert doc["provenance"]["page_type"].startswith(("signals:", "json-ld", "url-shape"))
    # after the first articles the crawl learned the layout (the pages extracted after that
    # use it: how many depends on timing, see test_autoprofile_parts for what it gives)
    assert run["stats"]["profileless/layout"] not in ("rejected", "failed"), run["stats"]


@pytest.mark.parametrize("crawled", ["generic"], indirect=True)
def test_a_rerun_fetches_no_stored_article_and_runs_lists_it(crawled: Crawled,
                                                             mongo_server: Any) -> None:
    server, db = crawled.server, crawled.db
    before = Counter(server.hits)
    again = run_crawl(db, mongo_server.uri, server.base_url + "/")
    assert again.code == EXIT_OK, again.stderr[-3000:]
    hits = hits_since(before, Counter(server.hits))
    articles = {urlsplit(a["url"]).path for a in crawled.manifest["articles"]}
    assert not set(hits) & articles, sorted(set(hits) & articles)
    assert again.stat("discovery/known_skipped") >= len(articles)
    assert db["articles"].count_documents({"site": crawled.site}) == len(articles)
    runs = subprocess.run([sys.executable, "-m", "crawler.cli", "runs", "--site", crawled.site],
                          env=crawl_env(mongo_server.uri, db.name), cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert runs.returncode == 0 and "(profile-less)" in runs.stdout, runs.stdout
