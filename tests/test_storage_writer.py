"""The batched writer on the real server: upserts, revisions, links, threads, races."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

from crawler.items import ArticleItem, RelatedLink
from crawler.storage.indexes import ensure_schema
from crawler.storage.models import build_article, link_id
from crawler.storage.writer import ArticleWriter
from crawler.urls import article_id
from tests.crawlutil import Counts
from tests.factories import BASE, article_item

WORDS = ["russia", "romania", "policy", "energy", "moscow", "bucharest", "sanctions", "trade",
         "history", "culture", "grain", "gas", "border", "treaty", "army", "election"]


def body(seed: int, words: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 99)) for _ in range(words))


def make_item(slug: str, seed: int = 0, **fields) -> ArticleItem:
    fields.setdefault("published_at", "2024-05-01T09:30:00+03:00")
    return article_item(slug, fields.pop("text", None) or body(seed), **fields)


def doc(item: ArticleItem) -> dict:
    return build_article(item, threshold=0.8)


def test_restore_same_items_leaves_one_document_and_moves_last_seen(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats)
    items = [make_item("a", 1), make_item("b", 2)]
    writer.write_batch([doc(i) for i in items])
    first = mongo_db.articles.find_one({"_id": article_id(items[0].canonical_url)})
    writer.write_batch([doc(i) for i in items])
    assert mongo_db.articles.count_documents({}) == 2
    again = mongo_db.articles.find_one({"_id": article_id(items[0].canonical_url)})
    assert again["fetch_count"] == 2
    assert again["last_seen"] >= first["last_seen"]
    assert again["first_seen"] == first["first_seen"]
    assert again["published_at"] == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert stats["articles/new"] == 2 and stats["articles/unchanged"] == 2
    assert mongo_db.revisions.count_documents({}) == 0


def test_changed_body_records_revision(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats)
    old = make_item("a", 1)
    writer.write_batch([doc(old)])
    new = make_item("a", 2, title="A, corrected")
    writer.write_batch([doc(new)])
    stored = mongo_db.articles.find_one({"_id": article_id(old.canonical_url)})
    assert stored["text"] == new.text and stored["title"] == "A, corrected"
    revs = list(mongo_db.revisions.find({"article_id": stored["_id"]}))
    assert len(revs) == 1
    assert revs[0]["text"] == old.text and revs[0]["title"] == "A"
    assert revs[0]["content_hash"] == old.content_hash
    assert revs[0]["seen_until"] is not None
    assert stats["articles/updated"] == 1 and stats["revisions/new"] == 1
    # Replaying the same change is not another revision.
    writer.write_batch([doc(new)])
    assert mongo_db.revisions.count_documents({}) == 1


def test_aliases_are_merged(mongo_db):
    ensure_schema(mongo_db)
    writer = ArticleWriter(mongo_db, stats=Counts())
    item = make_item("a", 1)
    writer.write_batch([doc(item)])
    item.aliases = [item.canonical_url, f"{BASE}/2024/05/01/a/amp/"]
    writer.write_batch([doc(item)])
    stored = mongo_db.articles.find_one({})
    assert stored["aliases"] == [item.canonical_url, f"{BASE}/2024/05/01/a/amp/"]


def test_links_stored_and_back_filled_when_target_arrives(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats)
    target_alias = f"{BASE}/2024/05/01/b/?utm_source=feed"
    source = make_item("a", 1, related=[
        RelatedLink(url=target_alias, text="B", label="related", position=0),
        RelatedLink(url=f"{BASE}/2024/05/01/c/", text="C", label="latest", position=1),
    ])
    writer.write_batch([doc(source)])
    src_id = article_id(source.canonical_url)
    edges = {e["to_url"]: e for e in mongo_db.links.find({"from_id": src_id})}
    assert set(edges) == {f"{BASE}/2024/05/01/b/", f"{BASE}/2024/05/01/c/"}
    assert all(e.get("to_id") is None for e in edges.values())
    assert edges[f"{BASE}/2024/05/01/b/"]["_id"] == link_id(
        src_id, f"{BASE}/2024/05/01/b/", "related")
    # b arrives under its canonical URL, c only through an alias.
    b = make_item("b", 2)
    c = make_item("c-renamed", 3)
    c.aliases.append(f"{BASE}/2024/05/01/c/")
    writer.write_batch([doc(b), doc(c)])
    to = {e["to_url"]: e["to_id"] for e in mongo_db.links.find({"from_id": src_id})}
    assert to[f"{BASE}/2024/05/01/b/"] == article_id(b.canonical_url)
    assert to[f"{BASE}/2024/05/01/c/"] == article_id(c.canonical_url)
    # A link to an already stored article is resolved at once; re-crawl updates edges.
    d = make_item("d", 4, related=[RelatedLink(url=b.url, text="B", label="must_read",
                                               position=0)])
    writer.write_batch([doc(d), doc(source)])
    edge = mongo_db.links.find_one({"from_id": article_id(d.canonical_url)})
    assert edge["to_id"] == article_id(b.canonical_url)
    assert stats["links/new"] == 3 and stats["links/updated"] == 2
    stored = mongo_db.articles.find_one({"_id": src_id})
    assert stored["related"][0] == {"url": f"{BASE}/2024/05/01/b/", "label": "related",
                                    "text": "B", "position": 0}


def test_thread_flushes_by_size_and_on_close(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats, batch_size=3, flush_interval=60)
    writer.start()
    for i in range(7):
        assert writer.try_put(doc(make_item(f"a{i}", i)))
    assert writer.flush(timeout=30)
    assert mongo_db.articles.count_documents({}) == 7
    assert stats["storage/batches"] == 3  # 3 + 3 by size, 1 by flush
    writer.try_put(doc(make_item("last", 99)))
    writer.close(timeout=30)
    assert mongo_db.articles.count_documents({}) == 8
    assert writer.failed is None


def test_thread_flushes_by_time(mongo_db):
    ensure_schema(mongo_db)
    writer = ArticleWriter(mongo_db, stats=Counts(), batch_size=1000, flush_interval=0.05)
    writer.start()
    writer.put(doc(make_item("a", 1)))
    writer.put(doc(make_item("b", 2)))
    # The next get() times out after the interval and writes the partial batch.
    done = threading.Event()
    for _ in range(200):
        if mongo_db.articles.count_documents({}) == 2:
            done.set()
            break
        done.wait(0.05)
    writer.close(timeout=30)
    assert done.is_set()


def test_two_parallel_writers_leave_one_document_per_article(mongo_server, mongo_db):
    import pymongo

    ensure_schema(mongo_db)
    items = [make_item(f"a{i}", i, related=[RelatedLink(url=f"{BASE}/2024/05/01/a{i + 1}/",
                                                        text="next", label="related",
                                                        position=0)])
             for i in range(40)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(seed: int) -> None:
        client = pymongo.MongoClient(mongo_server.uri, tz_aware=True)
        try:
            writer = ArticleWriter(client[mongo_db.name], stats=Counts(), batch_size=5)
            order = list(items)
            random.Random(seed).shuffle(order)
            barrier.wait()
            for start in range(0, len(order), 5):
                writer.write_batch([doc(i) for i in order[start:start + 5]])
            writer.close()
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert mongo_db.articles.count_documents({}) == 40
    assert min(mongo_db.articles.distinct("fetch_count")) >= 2  # both writers counted
    assert mongo_db.links.count_documents({}) == 40
    assert mongo_db.links.count_documents({"to_id": None}) == 1  # a40 was never stored


def link_to(slug: str, label: str = "related") -> RelatedLink:
    return RelatedLink(url=f"{BASE}/2024/05/01/{slug}/", text=slug.upper(), label=label,
                       position=0)


def to_ids(db, source: ArticleItem) -> dict[str, str | None]:
    return {e["to_url"].rstrip("/").rsplit("/", 1)[1]: e.get("to_id")
            for e in db.links.find({"from_id": article_id(source.canonical_url)})}


def test_target_stored_in_a_later_batch_of_the_thread_gets_to_id(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats, batch_size=2, flush_interval=60)
    writer.load()
    writer.start()
    source = make_item("src", 1, related=[link_to("t1"), link_to("t2", "latest")])
    writer.put(doc(source))
    writer.put(doc(make_item("other", 2)))  # first batch: source and an unrelated article
    assert writer.flush(timeout=30)
    assert to_ids(mongo_db, source) == {}  # targets unknown: held, not inserted
    writer.put(doc(make_item("t1", 3)))
    writer.put(doc(make_item("x", 4)))  # second batch, by size
    assert writer.flush(timeout=30)
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/")}
    t2 = make_item("t2-renamed", 5)
    t2.aliases.append(f"{BASE}/2024/05/01/t2/")  # reached only through an alias
    writer.put(doc(t2))
    writer.close(timeout=30)
    assert to_ids(mongo_db, source)["t2"] == article_id(t2.canonical_url)
    # Each edge was inserted once, complete: never updated afterwards.
    for edge in mongo_db.links.find({}):
        assert edge["first_seen"] == edge["last_seen"]
    assert stats["links/new"] == 2 and stats["links/back_filled"] == 0


def test_edges_still_held_at_close_are_inserted_pending(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats, batch_size=10, flush_interval=60)
    writer.load()
    writer.start()
    source = make_item("src", 1, related=[link_to("gone"), link_to("t1", "latest")])
    writer.put(doc(source))
    assert writer.flush(timeout=30)
    assert mongo_db.links.count_documents({}) == 0
    writer.close(timeout=30)
    assert to_ids(mongo_db, source) == {"gone": None, "t1": None}
    assert stats["links/new"] == 2
    # A later run stores a target: the pending edge is back-filled then.
    later_stats = Counts()
    later = ArticleWriter(mongo_db, stats=later_stats)
    later.write_batch([doc(make_item("t1", 2))])
    assert to_ids(mongo_db, source)["t1"] == article_id(f"{BASE}/2024/05/01/t1/")
    assert later_stats["links/back_filled"] == 1


def test_held_edges_above_the_cap_are_inserted_pending_oldest_first(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats, batch_size=1, flush_interval=60,
                           held_links_max=2)
    writer.load()
    writer.start()
    first = make_item("a", 1, related=[link_to("t1"), link_to("t2")])
    second = make_item("b", 2, related=[link_to("t3")])
    writer.put(doc(first))
    writer.put(doc(second))
    assert writer.flush(timeout=30)
    assert len(to_ids(mongo_db, first)) == 1 and to_ids(mongo_db, second) == {}
    assert len(writer.view.held) == 2
    writer.put(doc(make_item("t3", 3)))
    writer.close(timeout=30)
    assert to_ids(mongo_db, second) == {"t3": article_id(f"{BASE}/2024/05/01/t3/")}
    assert to_ids(mongo_db, first) == {"t1": None, "t2": None}
    assert stats["links/new"] == 3


def test_opening_writer_rebuilds_edges_lost_by_a_killed_crawl(mongo_db):
    ensure_schema(mongo_db)
    crashed = ArticleWriter(mongo_db, stats=Counts(), batch_size=1, flush_interval=60)
    crashed.load()
    crashed.start()
    source = make_item("src", 1, related=[link_to("t1"), link_to("gone", "latest")])
    crashed.put(doc(source))
    crashed.put(doc(make_item("t1", 2, related=[link_to("src")])))
    assert crashed.flush(timeout=30)  # then killed: never closed, "gone" edge only held
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/")}
    mongo_db.links.delete_many({"to_url": f"{BASE}/2024/05/01/t1/"})  # lost as well
    stats = Counts()
    ArticleWriter(mongo_db, stats=stats).load()
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/"),
                                        "gone": None}
    assert mongo_db.links.count_documents({}) == 3
    assert stats["links/rebuilt"] == 2 and stats["links/new"] == 2
    again = Counts()
    ArticleWriter(mongo_db, stats=again).load()  # nothing missing any more
    assert again["links/rebuilt"] == 0 and mongo_db.links.count_documents({}) == 3


def pending_edge_between_writers(db) -> tuple[ArticleWriter, ArticleWriter, ArticleItem]:
    """Two writers; the second opened before the first stored ``src`` with a pending edge
    to ``t1``, so it knows nothing of that edge."""
    ensure_schema(db)
    first, second = ArticleWriter(db, stats=Counts()), ArticleWriter(db, stats=Counts())
    second.load()
    source = make_item("src", 1, related=[link_to("t1")])
    first.write_batch([doc(source)])
    return first, second, source


def test_second_writers_article_resolves_the_first_writers_pending_link(mongo_db):
    first, second, source = pending_edge_between_writers(mongo_db)
    second.write_batch([doc(make_item("t1", 2))])  # finds the edge in link_targets
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/")}
    assert mongo_db.link_targets.count_documents({}) == 0
    second.close()
    first.close()
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/")}


def test_a_writer_that_met_another_adopts_its_pending_edges_at_close(mongo_db):
    _, second, source = pending_edge_between_writers(mongo_db)
    second.write_batch([doc(make_item("t1", 2)), doc(source)])  # meets the first's document
    assert second.saw_other_writer
    mongo_db.links.update_many({}, {"$set": {"to_id": None}})  # as a lost update leaves it
    second.close()  # the first writer never closes: the second resolves its edge
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/")}


def test_opening_writer_resolves_edges_left_pending_by_earlier_writers(mongo_db):
    ensure_schema(mongo_db)
    first = ArticleWriter(mongo_db, stats=Counts())
    first.load()  # before t1 is stored: its catalogue does not know t1
    ArticleWriter(mongo_db, stats=Counts()).write_batch([doc(make_item("t1", 2))])
    source = make_item("src", 1, related=[link_to("t1")])
    first.write_batch([doc(source)])  # then crashes: no close
    assert to_ids(mongo_db, source) == {"t1": None}
    stats = Counts()
    ArticleWriter(mongo_db, stats=stats).load()
    assert to_ids(mongo_db, source) == {"t1": article_id(f"{BASE}/2024/05/01/t1/")}
    assert stats["links/back_filled"] == 1


def test_article_another_writer_stored_meanwhile_is_updated_with_a_revision(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    late = ArticleWriter(mongo_db, stats=stats)
    late.load()  # does not know the article: will try to insert it
    old, new = make_item("a", 1, related=[link_to("b")]), make_item("a", 2, related=[
        link_to("b"), link_to("c", "latest")])
    ArticleWriter(mongo_db, stats=Counts()).write_batch([doc(old)])
    late.write_batch([doc(new)])
    stored = mongo_db.articles.find_one({"_id": article_id(old.canonical_url)})
    assert mongo_db.articles.count_documents({}) == 1
    assert stored["text"] == new.text and stored["fetch_count"] == 2
    assert [r["text"] for r in mongo_db.revisions.find()] == [old.text]
    assert stats["articles/updated"] == 1 and stats["articles/new"] == 0
    assert mongo_db.links.count_documents({}) == 2
    assert stats["links/new"] == 1 and stats["links/updated"] == 1
    # The same body once more, now known: unchanged, no revision.
    late.write_batch([doc(new)])
    assert stats["articles/unchanged"] == 1 and mongo_db.revisions.count_documents({}) == 1


def test_restored_article_with_new_related_links_inserts_only_those(mongo_db):
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats)
    writer.write_batch([doc(make_item("b", 9))])
    writer.write_batch([doc(make_item("src", 1, related=[link_to("b")]))])
    first = mongo_db.links.find_one({})
    writer.write_batch([doc(make_item("src", 1, related=[link_to("b"), link_to("c")]))])
    edges = {e["to_url"]: e for e in mongo_db.links.find({})}
    assert len(edges) == 2
    b = edges[f"{BASE}/2024/05/01/b/"]
    assert b["first_seen"] == first["first_seen"] and b["last_seen"] >= first["last_seen"]
    assert b["to_id"] == article_id(f"{BASE}/2024/05/01/b/")
    assert edges[f"{BASE}/2024/05/01/c/"]["to_id"] is None
    assert stats["links/new"] == 2 and stats["links/updated"] == 1
    assert stats["articles/unchanged"] == 1


def test_restoring_a_large_batch_updates_every_article(mongo_db):
    # FerretDB stops answering on one bulk command updating 100+ documents: chunked.
    ensure_schema(mongo_db)
    stats = Counts()
    writer = ArticleWriter(mongo_db, stats=stats, batch_size=150)
    items = [make_item(f"bulk{i}", i, related=[link_to(f"bulk{i + 1}")]) for i in range(120)]
    writer.write_batch([doc(i) for i in items])
    writer.write_batch([doc(i) for i in items])
    assert stats["articles/new"] == 120 and stats["articles/unchanged"] == 120
    assert mongo_db.articles.count_documents({"fetch_count": 2}) == 120
    assert stats["links/new"] == 120 and stats["links/updated"] == 120
    assert mongo_db.links.count_documents({"to_id": None}) == 1


def test_a_mark_is_reached_once_everything_before_it_is_stored(mongo_db):
    ensure_schema(mongo_db)
    writer = ArticleWriter(mongo_db, stats=Counts(), batch_size=100, flush_interval=60)
    writer.start()
    writer.put(doc(make_item("a", 1)))
    writer.put(doc(make_item("b", 2)))
    mark = writer.mark()
    assert mark is not None
    assert not writer.reached(mark)  # the mark does not make the writer write
    writer.put(doc(make_item("c", 3)))
    assert writer.flush(timeout=30)
    assert writer.reached(mark) and mark.position == 2 and writer.stored == 3
    writer.close(timeout=30)


def test_a_pending_edge_gets_the_owner_another_worker_announced_at_close(mongo_db):
    ensure_schema(mongo_db)
    first = ArticleWriter(mongo_db, stats=Counts(), held_links_max=0)
    source = make_item("src", 1, related=[link_to("t1")])
    first.write_batch([doc(source)])  # not held: inserted pending at once
    target = make_item("t1", 2)
    ArticleWriter(mongo_db, stats=Counts()).write_batch([doc(target)])
    # The shared dedup stream tells the first worker who owns t1 (pipelines/shareddedup.py).
    first.view.owner[target.canonical_url] = article_id(target.canonical_url)
    first.close()
    assert not first.saw_other_writer
    assert to_ids(mongo_db, source) == {"t1": article_id(target.canonical_url)}
