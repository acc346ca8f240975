"""Two crawls of a mirror: one document per article, the manifest's link graph, revisions."""

from __future__ import annotations

from crawler.urls import canonicalize
from tests.crawlutil import manifest_edges, run_crawl, stored_edges


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
    assert stored_edges(mongo_db, manifest) == manifest_edges(manifest)
    assert edges == manifest["expected_link_count"]

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


def test_generic_mirror_graph_days_and_static_pages(make_mirror, mongo_db, mongo_server) -> None:
    """The US site: the stored links are the manifest's, each article is filed under the
    publisher's day, and the privacy page at an article-shaped URL is not stored."""
    mirror = make_mirror(theme="generic")
    manifest = mirror.manifest
    result = run_crawl(mongo_db, mongo_server.uri, "wpgeneric", "--base-url", mirror.base_url)
    assert result.code == 0, result.stderr[-2000:]
    assert stored_edges(mongo_db, manifest) == manifest_edges(manifest)
    days = {d["canonical_url"]: (d["published_day"], d["published_local"])
            for d in mongo_db.articles.find({}, {"published_day": 1, "published_local": 1,
                                                 "canonical_url": 1})}
    assert days == {canonicalize(a["url"]): (a["published_day"], a["published_local"])
                    for a in manifest["articles"]}
    utc_days = {d["published_at"].date().isoformat() for d in mongo_db.articles.find()}
    assert utc_days != {day for day, _ in days.values()}  # some evenings are the next UTC day
    privacy = canonicalize(mirror.base_url + "/news/privacy-policy/")
    assert mongo_db.articles.count_documents({"aliases": privacy}) == 0
    assert result.stat("extract/failed/article_type") == 1
    assert result.stat("validate/rejected_article_type") == 1
