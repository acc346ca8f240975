"""The third site (a 2000s newsroom CMS) crawled with ``lakesidecourier.yaml``, a profile
written from docs/profiles.md alone, against the mirror's manifest.

Targets: every article found, no non-article stored, no article stored twice under its
variant URLs, title exact >= 0.98, authors F1 >= 0.95, date (day) >= 0.98, related links
precision and recall >= 0.95.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.core import extract
from crawler.extraction.options import ExtractOptions
from crawler.profiles import load_profile
from crawler.urls import canonicalize
from tests.crawlutil import hits_since, run_crawl

SITE = "lakesidecourier"


def authors_f1(found: list[str], expected: list[str]) -> float:
    f, e = {a.lower() for a in found}, {a.lower() for a in expected}
    if not f and not e:
        return 1.0
    both = len(f & e)
    return 2 * both / (len(f) + len(e))


def score(docs: list[dict[str, Any]], manifest: dict[str, Any], identity: Any
          ) -> dict[str, float]:
    """The issue's table: found, non-articles, stored twice, fields and related P/R."""
    expected = {identity(a["url"]): a for a in manifest["articles"]}
    holders: Counter[str] = Counter()
    for doc in docs:
        for url in {doc["canonical_url"], *map(identity, doc.get("aliases") or [])}:
            if url in expected:
                holders[url] += 1
    by_url = {d["canonical_url"]: d for d in docs if d["canonical_url"] in expected}
    pairs = [(by_url[u], a) for u, a in expected.items() if u in by_url]
    want = {(u, identity(r["url"]), r["label"]) for u, a in expected.items()
            for r in a["related"]}
    got = {(d["canonical_url"], r["url"], r["label"]) for d in docs for r in d["related"]}
    n = max(1, len(pairs))
    return {
        "found": len(by_url) / len(expected),
        "non_articles": sum(1 for d in docs if d["canonical_url"] not in expected),
        "twice": sum(1 for c in holders.values() if c > 1),
        "title": sum(d["title"] == a["title"] for d, a in pairs) / n,
        "authors": sum(authors_f1(d["authors"], a["authors"]) for d, a in pairs) / n,
        "date": sum(d["published_day"] == a["published"][:10] for d, a in pairs) / n,
        "related_p": len(got & want) / max(1, len(got)),
        "related_r": len(got & want) / max(1, len(want)),
    }


def test_every_page_of_the_mirror_extracts_with_the_profile(legacy_mirror) -> None:
    """Field selectors, body range and related block, page by page (no crawl)."""
    manifest = legacy_mirror.manifest
    profile = load_profile(SITE).with_base_url(legacy_mirror.base_url)
    for article in manifest["articles"]:
        variant = article["aliases"][0]
        page = legacy_mirror.app.handle("GET", variant.removeprefix(legacy_mirror.base_url), {})
        result = extract(page.body, ExtractOptions(url=variant, profile=profile))
        assert result.ok, (variant, result.reason)
        assert result.title == article["title"]
        assert result.authors == article["authors"], article["byline"]
        assert result.published_local == result.published_day == article["published"][:10]
        assert result.categories == article["categories"]
        assert result.tags == article["tags"]
        assert result.image["url"] == article["image"]["url"]
        assert result.text == article["body"]
        assert result.provenance["title"] == "profile:title"
        assert result.provenance["published_at"] == "profile:published"
        assert result.provenance["published_day"] == "profile:published"
        assert {(r["url"], r["label"]) for r in result.related} == {
            (profile.canonical(r["url"]), r["label"]) for r in article["related"]}


def test_crawl_meets_the_targets_with_a_profile_written_from_the_docs(
        legacy_mirror, mongo_db, mongo_server) -> None:
    manifest = legacy_mirror.manifest
    profile = load_profile(SITE).with_base_url(legacy_mirror.base_url)
    before = Counter(legacy_mirror.hits)
    result = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", legacy_mirror.base_url)
    assert result.code == 0, result.stderr[-3000:]
    hits = hits_since(before, Counter(legacy_mirror.hits))
    docs = list(mongo_db.articles.find({"site": SITE}))
    scores = score(docs, manifest, profile.canonical)
    print("\nlegacy crawl:", {k: round(v, 3) for k, v in scores.items()})
    assert scores["found"] == 1.0
    assert scores["non_articles"] == 0
    assert scores["twice"] == 0
    assert scores["title"] >= 0.98
    assert scores["authors"] >= 0.95
    assert scores["date"] >= 0.98
    assert scores["related_p"] >= 0.95 and scores["related_r"] >= 0.95
    # One document per article, its variants among its aliases, each article fetched once.
    assert len(docs) == manifest["expected_article_count"]
    for doc in docs:
        assert doc["provenance"]["authors"] == "profile:authors"
        aliases = set(doc["aliases"])
        assert any("mode=news" in a for a in aliases), doc["aliases"]
    fetched = Counter()
    for target, count in hits.items():
        query = dict(p.split("=", 1) for p in urlsplit(target).query.split("&") if "=" in p)
        if query.get("page") == "article":
            fetched[query["id"]] += count
    assert len(fetched) == manifest["expected_article_count"]
    assert set(fetched.values()) == {1}, fetched.most_common(3)
    # Every stored edge points at a stored article.
    assert mongo_db.links.count_documents({"to_id": None}) == 0
    assert manifest["robots_status"] == 404 and not manifest["sitemaps"]
    assert not {canonicalize(n["url"]) for n in manifest["non_articles"]} & {
        d["canonical_url"] for d in docs}

    # A refresh re-fetches each stored article at an address the site answers (the canonical
    # URL is a key: its path has the canonical trailing slash, its query is sorted).
    refresh = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", legacy_mirror.base_url,
                        "--discover", "related", "--refresh")
    assert refresh.code == 0, refresh.stderr[-3000:]
    assert refresh.stat("refresh/requests") == manifest["expected_article_count"]
    assert refresh.stat("articles/unchanged") == manifest["expected_article_count"]
    assert refresh.stat("errors/total") == 0
    assert mongo_db.articles.count_documents({"site": SITE}) == len(docs)
