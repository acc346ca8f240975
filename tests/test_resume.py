"""A crawl killed with SIGKILL half-way and resumed with the same job name stores every
article exactly once: nothing lost in the writer's buffer, nothing stored twice."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from crawler.cli import EXIT_OK
from tests.crawlutil import REPO, assert_all_found, crawl_command, crawl_env, manifest_articles
from tests.factories import SITE

# Small batches: some articles reach the database before the kill while others are
# still in flight or in the writer's buffer.
SLOW = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", "NEWSCRAWL_STORE_BATCH_SIZE=4", "-s", "NEWSCRAWL_STORE_FLUSH_INTERVAL=0.3"]


def test_sigkill_and_resume_stores_each_article_once(make_mirror, mongo_db, mongo_server,
                                                     tmp_path: Path) -> None:
    with make_mirror(articles=40) as mirror:
        expected = manifest_articles(mirror.manifest)
        env = crawl_env(mongo_server.uri, mongo_db.name, jobs_dir=tmp_path / "jobs")
        args = [SITE, "--base-url", mirror.base_url, "--job", "nightly", "--workers", "1",
                *SLOW]
        articles = mongo_db["articles"]

        # The crawl kills itself and its workers (SIGKILL) once the 8th item is handed on:
        # some articles are stored by then, others in flight or in the writer's buffer.
        killed = subprocess.run(crawl_command(*args, "--no-delay",
                                              "-s", "FAULT_KILL_AFTER_ITEMS=8"),
                                env={**env, "SCRAPY_SETTINGS_MODULE": "tests.fault_settings"},
                                cwd=REPO, capture_output=True, text=True, timeout=240,
                                start_new_session=True, check=False)
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        stored_at_kill = articles.count_documents({})
        assert stored_at_kill < len(expected), stored_at_kill
        stored_paths = {urlsplit(d["canonical_url"]).path for d in articles.find()}
        hits_before = Counter(mirror.hits)
        assert (tmp_path / "jobs" / "nightly").is_dir()
        killed = mongo_db["crawl_runs"].find_one({"status": "running"})
        assert killed is not None

        resumed = subprocess.run(crawl_command(*args, "--no-delay"), env=env, cwd=REPO,
                                 capture_output=True, text=True, timeout=240, check=False)
        assert resumed.returncode == EXIT_OK, resumed.stderr[-3000:]
        print(f"stored at kill: {stored_at_kill}; after resume: {articles.count_documents({})}")
        # The resumed run skips what reached the database and fetches everything else,
        # including pages whose items were still in flight or buffered at the kill.
        hits = Counter(mirror.hits) - hits_before
        assert not {p for p in stored_paths if hits[p]}, sorted(p for p in stored_paths
                                                                if hits[p])

        docs = list(articles.find({}, {"canonical_url": 1, "duplicate_of": 1}))
        per_url = Counter(d["canonical_url"] for d in docs)
        assert max(per_url.values()) == 1
        assert_all_found(mongo_db, mirror.manifest, SITE)
        assert mongo_db["crawl_runs"].find_one({"_id": killed["_id"]})["status"] == "crashed"
        run = mongo_db["crawl_runs"].find_one({"status": "finished"})
        assert run["stats"]["resume/requeued"] >= 1
        assert "resuming job:" in resumed.stderr
