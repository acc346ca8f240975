"""The crawl's catalogue: the same answers from memory and by key, other writers' articles
when shared, and the catalogue built for a database stored before it existed."""

from __future__ import annotations

import pytest

from crawler.fingerprint import band_keys
from crawler.items import ArticleItem, RelatedLink
from crawler.storage.catalogue import Catalogue
from crawler.storage.indexes import META, META_ID, ensure_schema
from crawler.storage.keys import version_key
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from crawler.urls import article_id, canonicalize
from tests.crawlutil import Counts
from tests.factories import with_fingerprint

BASE = "https://russianstudiesromania.eu"


def url(slug: str) -> str:
    return f"{BASE}/2024/05/01/{slug}/"


def item(slug: str, *aliases: str, related: tuple[str, ...] = ()) -> ArticleItem:
    text = " ".join(f"{slug}{i % 97} word{i % 13}" for i in range(200))
    return with_fingerprint(ArticleItem(
        url=url(slug), site="russianstudiesromania", canonical_url=url(slug),
        aliases=[url(slug), *aliases], title=slug.title(), text=text,
        published_at="2024-05-01T09:30:00+00:00",
        related=[RelatedLink(url=url(r), text=r, label="related", position=0)
                 for r in related]))


def store(db, *items: ArticleItem) -> list[dict]:
    docs = [build_article(i, threshold=0.8) for i in items]
    ArticleWriter(db, stats=Counts()).write_batch(docs)
    return docs


@pytest.mark.parametrize("memory_max", [0, 1000], ids=["by-key", "in-memory"])
def test_lookups_answer_alike_from_memory_and_by_key(mongo_db, memory_max):
    ensure_schema(mongo_db)
    old, amp = f"{BASE}/?p=7", url("a") + "amp/?utm_source=rss"
    a, _ = store(mongo_db, item("a", old, amp, related=("gone",)), item("b"))
    catalogue = Catalogue(db=mongo_db, memory_max=memory_max).wait_loaded()
    assert catalogue.in_memory == (memory_max > 0)
    known = catalogue.known([url("a"), old, canonicalize(amp), url("new")])
    assert set(known) == {url("a"), old, canonicalize(amp)}
    assert known[old].id == a["_id"] and known[old].canonical_url == url("a")
    assert known[url("a")].modified_at is not None
    assert catalogue.versions([a["_id"], article_id(url("new"))]) == {
        a["_id"]: version_key(a["content_hash"], a["title"])}
    assert catalogue.owners([old, url("b"), url("new")]) == {
        old: a["_id"], url("b"): article_id(url("b"))}
    assert list(catalogue.pending([url("gone"), url("b")])) == [url("gone")]
    bands = band_keys(a["minhash"], 0.8)
    by_hash = catalogue.dedup_candidates([url("x")], a["content_hash"], [], 20)
    assert [(d["_id"], d["canonical_url"]) for d in by_hash] == [(a["_id"], url("a"))]
    near = catalogue.dedup_candidates([url("x")], "other", bands, 20)
    assert [d["_id"] for d in near] == [a["_id"]] and near[0]["minhash"] == a["minhash"]
    assert catalogue.dedup_candidates([url("x")], "other", [], 20) == []


def test_a_shared_catalogue_sees_what_others_stored_after_it_was_read(mongo_db):
    ensure_schema(mongo_db)
    alone = Catalogue(db=mongo_db).wait_loaded()
    shared = Catalogue(db=mongo_db, shared=True).wait_loaded()
    later, = store(mongo_db, item("later"))
    assert alone.known([url("later")]) == {}  # read before: only a shared one asks again
    assert shared.known([url("later")])[url("later")].id == later["_id"]
    assert shared.owners([url("later")]) == {url("later"): later["_id"]}
    assert [d["_id"] for d in shared.dedup_candidates([], later["content_hash"], [], 5)] == [
        later["_id"]]


def test_catalogue_is_built_for_articles_stored_before_it_existed(mongo_db):
    ensure_schema(mongo_db)
    _, b = store(mongo_db, item("a", f"{BASE}/?p=1", related=("gone",)), item("b"))
    for name in ("catalogue", "link_targets"):
        mongo_db[name].drop()
    mongo_db[META].update_one({"_id": META_ID}, {"$set": {"schema_version": 1}})
    ensure_schema(mongo_db)  # runs the migration
    catalogue = Catalogue(db=mongo_db).wait_loaded()
    assert catalogue.digest is not None and len(catalogue.digest) == 2
    assert set(catalogue.known([url("a"), f"{BASE}/?p=1", url("b")])) == {
        url("a"), f"{BASE}/?p=1", url("b")}
    assert list(catalogue.pending([url("gone")])) == [url("gone")]
    assert catalogue.versions([b["_id"]]) == {b["_id"]: version_key(b["content_hash"],
                                                                   b["title"])}


def test_a_few_ids_and_many_are_read_alike(mongo_db):
    """Up to ONE_BY_ONE_MAX ``_id``s go one query each where no index answers them
    (FerretDB), more in one ``$in``: the same documents either way."""
    from crawler.storage.catalogue import ONE_BY_ONE_MAX

    ensure_schema(mongo_db)
    docs = store(mongo_db, *(item(f"s{i}") for i in range(ONE_BY_ONE_MAX + 2)))
    ids = [d["_id"] for d in docs] + [article_id(url("absent"))]
    catalogue = Catalogue(db=mongo_db).wait_loaded()
    assert catalogue.id_index == (not mongo_db.client.admin.command("buildInfo").get(
        "ferretdbVersion"))
    many = catalogue.http(ids)
    assert sorted(many) == sorted(ids[:-1])
    assert catalogue.http(ids[:2] + ids[-1:]) == {i: many[i] for i in ids[:2]}
