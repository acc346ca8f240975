"""Two crawls of a mirror: one document per article, the manifest's link graph, revisions."""

from __future__ import annotations

from crawler.urls import canonicalize
from tests.crawlutil import run_crawl


def test_two_crawls_store_each_article_once_with_its_graph_and_revisions(
        make_mirror, mongo_db, mongo_server) -> None:
    mirror = make_mirror(theme="newspaper")
    manifest = mirror.manifest
    args = ("russianstudiesromania", "--base-url", mirror.base_url)

    first = run_crawl(mongo_db, mongo_server.uri, *args)
    assert first.code == 0, first.stderr[-2000:]
    articles = mongo_db.articles
    docs = list(articles.find({}, {"canonical_url": 1, "aliases": 1, "duplicate_of": 1}))
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
    edges = mongo_db.links.count_documents({})
    resolved = mongo_db.links.count_documents({"to_id": {"$type": "string"}})
    assert resolved == edges  # every target of the mirror's graph is an article

    mirror.set_revision(2)
    changed = canonicalize(mirror.manifest["changed_in_revision_2"])
    second = run_crawl(mongo_db, mongo_server.uri, *args)
    assert second.code == 0, second.stderr[-2000:]
    assert second.stat("articles/updated") == 1
    assert articles.count_documents({}) == mirror.manifest["expected_article_count"]
    stored = articles.find_one({"canonical_url": changed})
    revisions = list(mongo_db.revisions.find({"article_id": stored["_id"]}))
    assert len(revisions) == 1
    assert revisions[0]["content_hash"] != stored["content_hash"]
