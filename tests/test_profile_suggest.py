"""``newscrawl profile suggest`` on the two shipped sites' mirrors: the suggested profile is
valid (``newscrawl sites FILE``), and crawling with it scores what the hand-written
profile scores."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pymongo
import pytest

from crawler.cli import EXIT_OK
from newscrawl_dev.evaluation.crawl import score_crawl
from tests.crawlutil import REPO, crawl_env, run_crawl

METRICS = ("found", "non_articles", "body", "title", "date", "related_p", "related_r",
           "related_label")
PROFILES = {"newspaper": "russianstudiesromania", "generic": "wpgeneric"}


@pytest.mark.parametrize("theme", ["generic", "newspaper"])
def test_suggested_profile_scores_like_the_hand_written_one(
        theme: str, request: pytest.FixtureRequest, mongo_server: Any, tmp_path: Path) -> None:
    server = request.getfixturevalue("generic_mirror" if theme == "generic" else "mirror")
    out = tmp_path / "suggested.yaml"
    env = crawl_env(mongo_server.uri, "unused")
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "profile", "suggest", server.base_url + "/",
         "--sample", "10", "--no-delay", "--output", str(out)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=240, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "covers" in proc.stdout and "article_url" in proc.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Suggested by") and "contradicted" in text
    check = subprocess.run([sys.executable, "-m", "crawler.cli", "sites", str(out)], env=env,
                           cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert check.returncode == 0, check.stdout + check.stderr

    client: pymongo.MongoClient = pymongo.MongoClient(mongo_server.uri, tz_aware=True)
    scores = {}
    try:
        for kind, target in (("hand", PROFILES[theme]), ("suggested", str(out))):
            db = client[f"test_{uuid.uuid4().hex[:12]}"]
            args = [target, "--discover", "sitemaps,related"]
            if kind == "hand":
                args += ["--base-url", server.base_url]
            result = run_crawl(db, mongo_server.uri, *args)
            assert result.code == EXIT_OK, result.stderr[-3000:]
            scores[kind] = score_crawl(db, server.manifest, result.run["site"])
            client.drop_database(db.name)
    finally:
        client.close()
    print(theme, {k: (round(scores["hand"][k], 4), round(scores["suggested"][k], 4))
                  for k in METRICS})
    for key in METRICS:
        assert scores["suggested"][key] == pytest.approx(scores["hand"][key], abs=0.005), key
