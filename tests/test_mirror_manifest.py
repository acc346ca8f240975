"""The mirror's manifest: self-consistent, faithful to the seed page, deterministic."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crawler.urls import canonicalize
from newscrawl_dev.mirror.app import MirrorApp
from tests.factories import MIRROR_BASE

SEED_FILE = (Path(__file__).parents[1] / "devtools" / "newscrawl_dev" / "mirror" / "data"
             / "seed-article.txt")


def seed_parts() -> dict[str, list[str]]:
    """The seed page's text split as a reader sees it (independent of the mirror's parser)."""
    lines = [ln.strip() for ln in SEED_FILE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = lines.index("Lukashenko’s first visit to Abkhazia")
    end = next(i for i, ln in enumerate(lines) if ln.endswith("attacking Kyiv again."))
    latest_at, must_at = lines.index("Latest news"), lines.index("Must read")
    stop = next(i for i, ln in enumerate(lines) if ln.startswith("You might also like"))
    return {"title": [lines[1]], "crumb": [lines[0]], "body": lines[start:end + 1],
            "latest": lines[latest_at + 1:must_at], "must_read": lines[must_at + 1:stop]}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return MirrorApp("newspaper", 60, 1, MIRROR_BASE).manifest()


def test_counts_and_edges_are_consistent(manifest: dict) -> None:
    articles = manifest["articles"]
    urls = [a["url"] for a in articles]
    assert manifest["expected_article_count"] == len(articles) == len(set(urls)) == 60
    assert all(canonicalize(u) == u and u.startswith(MIRROR_BASE + "/") for u in urls)
    url_set = set(urls)
    edges = set()
    for a in articles:
        for link in a["related"]:
            assert link["url"] in url_set, link
            assert link["url"] != a["url"]
            assert link["label"] in {"inline", "latest", "must_read", "related", "recommended"}
            edges.add((a["url"], link["url"], link["label"]))
        by_label: dict[str, list[int]] = {}
        for link in a["related"]:
            by_label.setdefault(link["label"], []).append(link["position"])
        assert all(pos == list(range(len(pos))) for pos in by_label.values()), a["url"]
    assert manifest["expected_link_count"] == len(edges)
    assert {len([r for r in a["related"] if r["label"] == "latest"]) for a in articles
            if not a.get("truncated")} == {6}
    assert any(r["label"] == "inline" for a in articles for r in a["related"])
    assert sum(1 for a in articles if a.get("truncated")) == 1


def test_site_shape(manifest: dict) -> None:
    articles = manifest["articles"]
    cats = {c for a in articles for c in a["categories"]}
    assert {"Articles", "Analyses", "Career", "Uncategorized"} <= cats
    assert len({n for a in articles for n in a["authors"]}) >= 4
    assert any(len(a["authors"]) == 2 for a in articles)
    years = {datetime.fromisoformat(a["published"]).year for a in articles}
    assert years <= set(range(2020, 2025)) and len(years) >= 4
    for a in articles:
        published = datetime.fromisoformat(a["published"])
        assert published.utcoffset() is not None
        assert published <= datetime.fromisoformat(a["modified"])
        assert a["word_count"] == len(a["body"].split()) > 50
        assert "Image source" not in a["body"] and "\n\n\n" not in a["body"]
        assert a["tags"] and a["image"]["url"].startswith(MIRROR_BASE)
    paths = {a["url"][len(MIRROR_BASE):] for a in articles}
    assert "/2021/04/22/mission-statement/" in paths
    assert "/2021/04/19/5-postdoctoral-research-positions-of-12-months/" in paths
    kinds = {lst["kind"] for lst in manifest["listings"]}
    assert {"home", "category", "tag", "author", "date"} <= kinds
    home = next(lst for lst in manifest["listings"] if lst["kind"] == "home")
    assert home["count"] == 60 and home["pages"] == 6


def test_seed_article_matches_the_seed_page_text(manifest: dict) -> None:
    expected = seed_parts()
    seed = next(a for a in manifest["articles"] if a["url"] == manifest["seed_url"])
    assert seed["title"] == expected["title"][0]
    assert seed["body"] == "\n\n".join(expected["body"])
    assert "Ukraine.During" in seed["body"]
    assert seed["categories"][0] == "Articles"
    assert seed["published"].startswith("2022-10-")
    titles = {a["url"]: a["title"] for a in manifest["articles"]}
    latest = [r for r in seed["related"] if r["label"] == "latest"]
    must = [r for r in seed["related"] if r["label"] == "must_read"]
    assert [titles[r["url"]] for r in latest] == expected["latest"][0::2]
    assert [r["text"] for r in must] == expected["must_read"][0::2]
    assert len([r for r in seed["related"] if r["label"] == "related"]) == 3
    assert len([r for r in seed["related"] if r["label"] == "recommended"]) == 4
    # the eight block targets (six distinct articles) exist with those titles
    assert set(expected["latest"][0::2] + expected["must_read"][0::2]) <= set(titles.values())


def test_excerpts_of_the_seed_blocks_come_from_the_targets_bodies(manifest: dict) -> None:
    expected = seed_parts()
    by_title = {a["title"]: a for a in manifest["articles"]}
    for words, parts in ((19, expected["latest"]), (9, expected["must_read"])):
        for title, excerpt in zip(parts[0::2], parts[1::2], strict=True):
            body_words = by_title[title]["body"].split()
            assert " ".join(body_words[:words]) + "..." == excerpt


def test_two_generators_give_the_same_manifest() -> None:
    one = MirrorApp("newspaper", 60, 1, MIRROR_BASE).manifest()
    two = MirrorApp("newspaper", 60, 1, MIRROR_BASE).manifest()
    assert one == two
    assert MirrorApp("generic", 40, 1, MIRROR_BASE).manifest() == MirrorApp("generic", 40, 1,
                                                                       MIRROR_BASE).manifest()


def test_revision_two_changes_one_article_and_adds_one(manifest: dict) -> None:
    rev2 = MirrorApp("newspaper", 60, 2, MIRROR_BASE).manifest()
    changed_url = manifest["changed_in_revision_2"]
    assert rev2["changed_in_revision_2"] == changed_url
    old = {a["url"]: a for a in manifest["articles"]}
    new = {a["url"]: a for a in rev2["articles"]}
    added = set(new) - set(old)
    assert added == {rev2["added_in_revision_2"]} and not set(old) - set(new)
    before, after = old[changed_url], new[changed_url]
    assert after["title"] == before["title"] + " (updated)"
    assert after["body"] != before["body"] and after["modified"] > before["modified"]
    assert after["etag"] != before["etag"] and after["last_modified"] != before["last_modified"]
    assert after["published"] == before["published"]

    def stable(a: dict) -> dict:
        return {**a, "related": [(r["url"], r["label"], r["position"]) for r in a["related"]]}

    for url, entry in old.items():
        if url != changed_url:
            assert stable(new[url]) == stable(entry), url
    assert rev2["expected_article_count"] == 61


def test_traps_off_leaves_only_articles_and_pages() -> None:
    clean = MirrorApp("newspaper", 60, 1, MIRROR_BASE, traps=False).manifest()
    assert clean["trap_urls"] == {} and clean["duplicates"] == []
    assert not any(a["aliases"] or a.get("truncated") for a in clean["articles"])
    assert {n["kind"] for n in clean["non_articles"]} == {"page", "pdf", "image"}
