"""Link edges: hold, insert, back-fill, reconcile, adopt and rebuild (the writer's part).

* **hold**: while the writer thread runs, an edge whose target is not stored yet is kept in
  memory (``crawler.storage.view.HeldEdges``, keyed by target URL) and inserted once, with
  its ``to_id``, when a batch stores the target; the ones still held at close are inserted
  pending.  Above ``held_max`` the oldest are inserted pending at once.  Updating an edge
  costs more than inserting it on FerretDB, so this saves a back-fill per edge.
* **pending**: an edge inserted without ``to_id`` is listed in ``link_targets`` under its
  target URL's key, so that whichever writer later stores the target finds it by ``_id``
  and **back-fills** it.
* **reconcile** (at close): this writer's pending targets that another writer stored
  meanwhile get their edges resolved; **adopt**: after meeting another writer, every
  pending target in ``link_targets`` is taken over first.
* **rebuild** (at open): an article whose edges a writer holds is listed in
  ``unlinked_articles`` until they are stored; a killed crawl leaves it there, and the next
  writer inserts its edges missing from ``links`` again from its ``related`` list.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime
from typing import Any, Protocol

from pymongo.database import Database

from crawler.storage.batch import Plan
from crawler.storage.bulk import Op, bulk, insert
from crawler.storage.catalogue import Catalogue
from crawler.storage.indexes import ARTICLES, CATALOGUE, LINK_TARGETS, LINKS, UNLINKED
from crawler.storage.keys import target_id
from crawler.storage.models import build_links, utcnow
from crawler.storage.view import View

logger = logging.getLogger(__name__)

# Keys per query or delete that lists them.
CHUNK = 1000


class Stats(Protocol):
    def inc_value(self, key: str, count: float = 1, start: float = 0) -> None: ...


class Edges:
    """The writer's edge book-keeping (see the module docstring)."""

    def __init__(self, db: Database, view: View, catalogue: Catalogue, stats: Stats,
                 held_max: int) -> None:
        self.db = db
        self.view = view
        self.catalogue = catalogue
        self.stats = stats
        self.held_max = max(0, held_max)
        self.hold = False
        self.saw_other_writer = False
        self.held_from: set[str] = set()  # articles listed in unlinked_articles

    # --- a batch ------------------------------------------------------------------------
    def write(self, plan: Plan) -> None:
        """Insert the edges of new articles whose targets are stored (held otherwise);
        update those of known ones by ``_id`` and insert (or hold) the ones that matched
        nothing.  Targets resolve from the view."""
        view = self.view
        edges = {e["_id"]: e for a in plan.batch for e in build_links(a)}
        if not edges:
            return
        new_docs, updates, held = [], [], []

        def add(doc: dict[str, Any]) -> None:
            (held if doc["to_id"] is None and self.hold else new_docs).append(doc)

        for _id, edge in edges.items():
            target = view.owner.get(edge["to_url"]) or plan.owners.get(edge["to_url"])
            if _id in view.held:  # not in the database yet: refresh the held copy
                view.held.refresh(_id, edge["text"], edge["position"], plan.now)
                continue
            if edge["from_id"] in plan.new_ids:
                add(edge_doc(edge, target, plan.now))
                continue
            fields = {"text": edge["text"], "position": edge["position"], "last_seen": plan.now}
            if target is not None:
                fields["to_id"] = target
            updates.append(Op({"_id": _id}, {"$set": fields}, upsert=False))
        links = self.db[LINKS]
        matched = 0
        if updates:
            _, matched, _ = bulk(links, updates)
            if matched < len(updates):
                # Some edges are new: find which, one write each, and insert those.
                matched = 0
                for op in updates:
                    if links.update_one(op.filter, op.update).matched_count:
                        matched += 1
                    else:
                        add(edge_doc(edges[op.filter["_id"]], op.update["$set"].get("to_id"),
                                     plan.now))
        inserted, more = self.insert(new_docs)
        for doc in held:
            view.held.hold(doc)
        self.stats.inc_value("links/new", inserted)
        self.stats.inc_value("links/updated", matched + more)
        over = len(view.held) - self.held_max
        if over > 0:
            self.insert_held(list(itertools.islice(view.held, over)))

    def insert_held(self, edge_ids: list[str]) -> None:
        """Insert held edges with their ``to_id`` (pending when the target is still
        unknown), then forget them."""
        view = self.view
        docs = [view.held.doc(i) for i in edge_ids]
        for doc in docs:
            doc["to_id"] = view.owner.get(doc["to_url"])
        inserted, matched = self.insert(docs)
        for doc in docs:
            view.held.discard(doc["_id"])
        self.stats.inc_value("links/new", inserted)
        if matched:
            self.stats.inc_value("links/updated", matched)

    def insert(self, docs: list[dict[str, Any]]) -> tuple[int, int]:
        """Insert whole edge documents; one that meets a stored edge (another writer's, or
        an attempt cut short) is merged into it instead.  Pending ones are listed in
        ``link_targets``.  Returns (inserted, merged)."""
        links = self.db[LINKS]
        lost = insert(links, docs)
        if lost:
            self.saw_other_writer = True
        for doc in lost:
            set_fields = {"text": doc["text"], "position": doc["position"],
                          "last_seen": doc["last_seen"]}
            on_insert = {k: doc[k] for k in ("from_id", "to_url", "label", "first_seen")}
            if doc["to_id"] is not None:
                set_fields["to_id"] = doc["to_id"]
            else:
                on_insert["to_id"] = None
            bulk(links, [Op({"_id": doc["_id"]}, {"$set": set_fields,
                                                   "$setOnInsert": on_insert})])
        pending: dict[str, list[str]] = {}
        for doc in docs:
            if doc["to_id"] is None:
                self.view.add_pending(doc["to_url"], doc["_id"])
                pending.setdefault(doc["to_url"], []).append(doc["_id"])
        bulk(self.db[LINK_TARGETS], [
            Op({"_id": target_id(url)}, {"$set": {"url": url},
                                         "$addToSet": {"edges": {"$each": ids}}})
            for url, ids in pending.items()])
        return len(docs) - len(lost), len(lost)

    def back_fill(self, urls: list[str]) -> int:
        """Set ``to_id`` on the pending edges to any of ``urls`` that now has an owner."""
        view = self.view
        ops, done = [], []
        for url in urls:
            target = view.owner.get(url)
            if target is None or url not in view.pending:
                continue
            ops += [Op({"_id": edge}, {"$set": {"to_id": target}}, upsert=False)
                    for edge in sorted(view.pending[url])]
            done.append(url)
        bulk(self.db[LINKS], ops)
        for url in done:
            del view.pending[url]
        ids = [target_id(url) for url in done]
        for start in range(0, len(ids), CHUNK):
            self.db[LINK_TARGETS].delete_many({"_id": {"$in": ids[start:start + CHUNK]}})
        if ops:
            self.stats.inc_value("links/back_filled", len(ops))
        return len(ops)

    def look_up_pending(self, urls: list[str]) -> None:
        """Bring the edges other runs left waiting for ``urls`` into the view."""
        for url, edges in self.catalogue.pending(urls).items():
            for edge in edges:
                self.view.add_pending(url, edge)

    # --- close and open -----------------------------------------------------------------
    def close(self) -> None:
        """Insert every held edge, resolve what other writers stored, clear the marks.

        Only another writer can have stored a target this one still waits for, so the
        reconciliation (a scan of the catalogue on FerretDB) runs when this writer met one
        or the catalogue is shared."""
        if self.view.held:
            self.insert_held(list(self.view.held))
        # Pending targets whose owner this writer learnt meanwhile without storing them
        # (another worker's articles, announced through the view's owners).
        self.back_fill(list(self.view.pending))
        if self.saw_other_writer:
            self.adopt_pending()
        if self.saw_other_writer or self.catalogue.shared:
            self.reconcile()
        self.release(sorted(self.held_from))
        self.held_from.clear()

    def reconcile(self) -> int:
        """Resolve pending edges whose targets another writer stored meanwhile (catalogue
        entries read by ``_id`` and alias); returns how many edges got their ``to_id``."""
        view = self.view
        urls = list(view.pending)
        for start in range(0, len(urls), CHUNK):
            chunk = urls[start:start + CHUNK]
            ids = {target_id(u): u for u in chunk}
            for doc in self.db[CATALOGUE].find(
                    {"$or": [{"_id": {"$in": list(ids)}}, {"aliases": {"$in": chunk}}]},
                    {"url": 1, "aliases": 1}):
                for url in (doc.get("url"), *(doc.get("aliases") or ())):
                    if url in view.pending:
                        view.owner.setdefault(url, doc["_id"])
        return self.back_fill(urls)

    def adopt_pending(self) -> None:
        """Take over the edges still pending in the database, whoever wrote them, so that
        the last of several writers to close resolves them all.  Besides edges that only
        the other writer saw, this repairs a ``to_id`` lost when FerretDB applied two
        writers' updates of one edge on top of each other."""
        for url, edges in self.catalogue.all_pending():
            for edge in edges:
                self.view.add_pending(url, edge)
        for edge in self.db[LINKS].find({"to_id": None}, {"to_url": 1}, batch_size=5000):
            if edge.get("to_url"):
                self.view.add_pending(edge["to_url"], edge["_id"])

    def mark(self, article_ids: list[str]) -> None:
        """List articles whose edges are held in memory in ``unlinked_articles`` (a small
        collection: this run's, or a killed crawl's)."""
        if article_ids:
            insert(self.db[UNLINKED], [{"_id": i} for i in article_ids])
            self.held_from.update(article_ids)

    def release(self, article_ids: list[str]) -> None:
        """Forget articles whose edges are all in ``links`` now."""
        for start in range(0, len(article_ids), CHUNK):
            self.db[UNLINKED].delete_many({"_id": {"$in": article_ids[start:start + CHUNK]}})

    def rebuild(self, article_ids: list[str]) -> int:
        """Insert edges of the given articles missing from ``links`` (a crawl killed while
        holding them), with their ``to_id`` when the target is stored, else pending."""
        if not article_ids:
            return 0
        expected: dict[str, dict[str, Any]] = {}
        for start in range(0, len(article_ids), CHUNK):
            for doc in self.db[ARTICLES].find(
                    {"_id": {"$in": article_ids[start:start + CHUNK]}},
                    {"canonical_url": 1, "related": 1}):
                if doc.get("related") and doc.get("canonical_url"):
                    expected.update((e["_id"], e) for e in build_links(doc))
        ids = list(expected)
        for start in range(0, len(ids), CHUNK):
            for edge in self.db[LINKS].find({"_id": {"$in": ids[start:start + CHUNK]}},
                                            {"_id": 1}):
                expected.pop(edge["_id"], None)
        edges = list(expected.values())
        owners = self.catalogue.owners({e["to_url"] for e in edges})
        self.view.owner.update(owners)
        now = utcnow()
        inserted, _ = self.insert([edge_doc(e, owners.get(e["to_url"]), now) for e in edges])
        self.release(article_ids)
        self.stats.inc_value("links/new", inserted)
        self.stats.inc_value("links/rebuilt", inserted)
        return inserted


def edge_doc(edge: dict[str, Any], target: str | None, now: datetime) -> dict[str, Any]:
    return {"_id": edge["_id"], "from_id": edge["from_id"], "to_url": edge["to_url"],
            "label": edge["label"], "text": edge["text"], "position": edge["position"],
            "first_seen": now, "last_seen": now, "to_id": target}
