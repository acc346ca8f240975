"""The four pipelines in a real Scrapy crawl (own process: one reactor per process)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pymongo
import pytest

from crawler.fingerprint import fingerprint
from tests.factories import BASE

ROOT = Path(__file__).resolve().parents[1]

CRAWL_SCRIPT = Path(__file__).parent / "scripts" / "crawl_items.py"


def words(seed: int, n: int = 200) -> str:
    return " ".join(f"w{(seed * 7919 + i * 104729) % 5003}" for i in range(n))


def article(slug: str, text: str, **fields) -> dict:
    """An item as JSON, fingerprinted as the extraction worker does."""
    fp = fingerprint(text)
    return {"url": f"{BASE}/2024/05/01/{slug}/?utm_source=rss", "site": "russianstudiesromania",
            "title": slug, "text": text, "published_at": "2024-05-01T10:00:00Z",
            "content_hash": fp.content_hash, "minhash": list(fp.minhash), **fields}


def run_crawl(tmp_path: Path, uri: str, database: str, items: list[dict],
              kill_pid: int = 0, kill_after: int = 0, delay: float = 0.0,
              memory_max: int = 50000) -> dict:
    script = CRAWL_SCRIPT
    items_path = tmp_path / "items.json"
    items_path.write_text(json.dumps(items))
    out = tmp_path / "out.json"
    env = {"PATH": "/usr/bin:/bin", "ITEM_DELAY": str(delay), "PYTHONPATH": str(ROOT),
           "MEMORY_MAX": str(memory_max)}
    proc = subprocess.run(
        [sys.executable, str(script), uri, database, str(items_path), str(out),
         str(kill_pid), str(kill_after)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert out.exists(), proc.stderr[-3000:]
    return {**json.loads(out.read_text()), "log": proc.stderr}


@pytest.fixture
def database(mongo_server):
    name = f"test_{uuid.uuid4().hex[:12]}"
    client = pymongo.MongoClient(mongo_server.uri)
    yield client[name]
    client.drop_database(name)
    client.close()


def test_full_chain_stores_dedups_and_links(tmp_path, mongo_server, database):
    original = words(1)
    near = original.split()
    near[50:53] = ["changed", "three", "words"]
    items = [
        article("original", original, related=[
            {"url": f"{BASE}/2024/05/01/second/", "text": "Second", "label": "related",
             "position": 0}]),
        article("second", words(2), page_canonical=f"{BASE}/2024/05/01/second/"),
        article("republished", original.replace(" ", "  ")),
        article("repost", " ".join(near)),
        article("listing", words(3), page_type="listing"),
        article("stub", "too short"),
    ]
    result = run_crawl(tmp_path, mongo_server.uri, database.name, items)
    stats = result["stats"]
    assert result["reason"] == "finished", result["log"][-2000:]
    assert stats["articles/new"] == 2
    assert stats["articles/duplicate"] == 1
    assert stats["articles/unchanged"] == 1  # the republished copy, merged as an alias
    assert stats["dedup/alias"] == 1 and stats["dedup/near_duplicate"] == 1
    assert stats["validate/page_type_listing"] == 1
    assert stats["validate/body_too_short"] == 1
    assert stats["item_dropped_reasons_count/NotAnArticle"] == 1
    assert stats["links/new"] == 1
    assert database.articles.count_documents({}) == 3
    first = database.articles.find_one({"canonical_url": f"{BASE}/2024/05/01/original/"})
    assert f"{BASE}/2024/05/01/republished/" in first["aliases"]
    assert f"{BASE}/2024/05/01/original/?utm_source=rss" in first["aliases"]
    repost = database.articles.find_one({"canonical_url": f"{BASE}/2024/05/01/repost/"})
    assert repost["duplicate_of"] == first["_id"]
    edge = database.links.find_one({"from_id": first["_id"]})
    assert edge["to_id"] == database.articles.find_one(
        {"canonical_url": f"{BASE}/2024/05/01/second/"})["_id"]

    # A second run of the same items duplicates nothing.
    again = run_crawl(tmp_path, mongo_server.uri, database.name, items)
    assert again["stats"]["articles/unchanged"] == 4
    assert "articles/new" not in again["stats"]
    assert database.articles.count_documents({}) == 3
    assert database.links.count_documents({}) == 1


def test_database_lost_mid_crawl_stops_the_crawl(tmp_path, private_mongo_server):
    server = private_mongo_server()
    items = [article(f"a{i}", words(10 + i)) for i in range(600)]
    result = run_crawl(tmp_path, server.uri, "lost", items,
                       kill_pid=server.pid, kill_after=6, delay=0.05,
                       memory_max=0)  # dedup queries the database for every article
    stats = result["stats"]
    assert result["reason"] == "database_unavailable", result["log"][-2000:]
    assert stats["storage/unstored"] >= 1
    assert "database unavailable" in stats["storage/error"]
    assert stats.get("articles/new", 0) + stats["storage/unstored"] == stats["validate/ok"]
    assert stats["validate/ok"] < len(items)  # stopped early
    assert stats["dedup/lookup_failed"] >= 1
    assert "NOT stored" in result["log"]
