"""Deduplicator: same URL, republished body (alias), near-duplicate; in a run and across runs."""

from __future__ import annotations

import random

import pytest

from crawler.fingerprint import content_hash, fingerprint, similarity
from crawler.items import ArticleItem
from crawler.storage.catalogue import Catalogue
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from crawler.urls import article_id
from pipelines.dedup import ALIAS, NEAR_DUPLICATE, NEW, SAME, Deduplicator
from tests.crawlutil import Counts
from tests.factories import BASE, article_item, body


def edited(text: str, changes: int, seed: int = 0) -> str:
    """``text`` with ``changes`` words replaced: a repost with small edits."""
    words = text.split()
    rng = random.Random(seed)
    for pos in rng.sample(range(len(words)), changes):
        words[pos] = "edit" + str(pos)
    return " ".join(words)


def item(slug: str, text: str) -> ArticleItem:
    return article_item(slug, text, title=slug)


def test_fingerprint_ignores_markup_and_case():
    assert content_hash("Hello,  World!\n\nBye") == content_hash("hello world bye")
    assert similarity(fingerprint(body(1)).minhash, fingerprint(body(1)).minhash) == 1.0
    assert similarity(fingerprint(body(1)).minhash, fingerprint(body(2)).minhash) < 0.2


def test_within_a_run():
    dedup = Deduplicator(None, threshold=0.8)
    original = item("original", body(1))
    assert dedup.check(original) == NEW
    again = item("original", body(1))
    again.aliases.append(f"{BASE}/?p=1")
    assert dedup.check(again) == SAME
    republished = item("republished", original.text.upper())
    assert dedup.check(republished) == ALIAS
    assert republished.canonical_url == original.canonical_url
    assert f"{BASE}/2024/05/01/republished/" in republished.aliases
    repost = item("repost", edited(original.text, 6))
    assert dedup.check(repost) == NEAR_DUPLICATE
    assert repost.duplicate_of == article_id(original.canonical_url)
    assert repost.canonical_url == f"{BASE}/2024/05/01/repost/"
    # A repost of the repost points at the first original, not at the repost.
    second = item("repost-2", edited(repost.text, 3, seed=5))
    assert dedup.check(second) == NEAR_DUPLICATE
    assert second.duplicate_of == article_id(original.canonical_url)
    # Heavily edited: its own article.
    other = item("rewrite", edited(original.text, 150))
    assert dedup.check(other) == NEW and other.duplicate_of is None


def new_run(db, memory_max: int) -> Deduplicator:
    """A new crawl's deduplicator; its catalogue holds the stored keys in memory, or (with
    ``memory_max`` 0) looks them up by key."""
    catalogue = Catalogue(db=db, memory_max=memory_max).wait_loaded()
    assert (catalogue.digest is not None) == (memory_max > 0)
    return Deduplicator(catalogue, threshold=0.8)


def store(db, items: list[ArticleItem]) -> None:
    ArticleWriter(db, stats=Counts()).write_batch([build_article(it, threshold=0.8)
                                                    for it in items])


@pytest.mark.parametrize("memory_max", [0, 1000], ids=["by-key", "in-memory"])
def test_across_runs(schema_db, memory_max):
    first = [item("original", body(1)), item("other", body(2))]
    run1 = new_run(schema_db, memory_max)
    for it in first:
        assert run1.check(it) == NEW
    store(schema_db, first)

    run2 = new_run(schema_db, memory_max)  # a new run: nothing of run 1 in its memory
    again = item("original", body(1))
    assert run2.check(again) == SAME
    moved = item("moved", body(2))
    assert run2.check(moved) == ALIAS
    assert moved.canonical_url == first[1].canonical_url
    repost = item("repost", edited(body(1), 8))
    assert run2.check(repost) == NEAR_DUPLICATE
    assert repost.duplicate_of == article_id(first[0].canonical_url)
    assert run2.check(item("fresh", body(3))) == NEW

    # Stored, the repost is its own document; the moved copy an alias of the other.
    store(schema_db, [moved, repost])
    assert schema_db.articles.count_documents({}) == 3
    dup = schema_db.articles.find_one({"duplicate_of": article_id(first[0].canonical_url)})
    assert dup["canonical_url"] == f"{BASE}/2024/05/01/repost/"
    other = schema_db.articles.find_one({"_id": article_id(first[1].canonical_url)})
    assert f"{BASE}/2024/05/01/moved/" in other["aliases"]
    # Known aliases are recognised in a later run too: the copy again merges only its URLs.
    run3 = new_run(schema_db, memory_max)
    via_alias = item("moved", body(2))
    assert run3.check(via_alias) == ALIAS
    assert via_alias.canonical_url == first[1].canonical_url
