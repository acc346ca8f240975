"""Planning one batch: every write decided from the writer's view before anything is written.

A plan holds the revisions to record, the new articles to insert whole, and the updates of
known articles by ``_id`` (in batch order).  Only the previous version of a known article
whose content changed is read (by ``_id``).  Builders here are pure: the writer does I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.database import Database

from crawler.storage.bulk import Op
from crawler.storage.indexes import ARTICLES
from crawler.storage.keys import version_key
from crawler.storage.models import INSERT_ONLY, NOT_STORED, REVISION_FIELDS, TOUCH_FIELDS, utcnow
from crawler.storage.view import View

PREVIOUS_FIELDS = {f: 1 for f in (*REVISION_FIELDS, "first_seen", "updated_at")}


@dataclass
class Plan:
    """One batch's writes, decided from the in-memory view before anything is written."""

    batch: list[dict[str, Any]]
    now: datetime = field(default_factory=utcnow)
    revisions: list[Op] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)  # new articles, whole docs
    updates: list[Op] = field(default_factory=list)  # known articles, by _id, in order
    outcomes: dict[str, list[str]] = field(default_factory=dict)  # _id -> outcomes
    versions: dict[str, int] = field(default_factory=dict)  # _id -> version key
    owners: dict[str, str] = field(default_factory=dict)  # URL -> _id, this batch's
    new_ids: set[str] = field(default_factory=set)  # articles inserted by this plan
    attempts: int = 0

    def article(self, _id: str) -> dict[str, Any]:
        return next(a for a in self.batch if a["_id"] == _id)


def plan_batch(batch: list[dict[str, Any]], view: View, db: Database) -> Plan:
    """Decide every write of ``batch`` from ``view`` (see the module docstring)."""
    plan = Plan(batch=batch)
    # Earlier copies in this batch: _id -> the document a revision would record.
    in_batch: dict[str, dict[str, Any] | None] = {}
    for art in batch:
        _id = art["_id"]
        for url in art["aliases"]:
            if url not in view.owner:
                plan.owners.setdefault(url, _id)
        version = plan.versions.get(_id) or view.articles.get(_id)
        current = version_key(art["content_hash"], art["title"])
        if version is None:
            outcome = "duplicate" if art.get("duplicate_of") else "new"
            plan.inserts.append(new_doc(art, plan.now))
            plan.new_ids.add(_id)
        elif art.get("merge_only") or version == current:
            outcome = "unchanged"
            plan.updates.append(touch_op(art, plan.now))
        else:
            outcome = "updated"
            prev = in_batch.get(_id)
            if prev is None:
                prev = db[ARTICLES].find_one({"_id": _id}, PREVIOUS_FIELDS)
            if prev is not None:
                plan.revisions.append(revision_op(_id, prev, plan.now))
            plan.updates.append(full_op(art, plan.now))
        plan.outcomes.setdefault(_id, []).append(outcome)
        if outcome != "unchanged":
            plan.versions[_id] = current
            first = (in_batch.get(_id) or {}).get("first_seen", plan.now)
            in_batch[_id] = {**art, "last_seen": plan.now, "first_seen": first,
                             "updated_at": plan.now}
        else:
            in_batch.setdefault(_id, None)
    return plan


def new_doc(art: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The whole document of an article known to be new (what ``full_op`` would create by
    upserting)."""
    doc = {"_id": art["_id"]}
    doc.update((k, v) for k, v in art.items() if k not in (*INSERT_ONLY, *NOT_STORED))
    doc.update((k, art.get(k)) for k in INSERT_ONLY)
    doc.update(first_seen=now, last_seen=now, updated_at=now, fetch_count=1,
               aliases=list(dict.fromkeys(art["aliases"])))
    return doc


def full_op(art: dict[str, Any], now: datetime) -> Op:
    """Create or replace the content (new, changed, near-duplicate)."""
    fields = {k: v for k, v in art.items() if k not in (*INSERT_ONLY, *NOT_STORED)}
    fields["last_seen"] = now
    fields["updated_at"] = now
    on_insert = {k: art.get(k) for k in INSERT_ONLY}
    on_insert["first_seen"] = now
    return fetch_op(art, fields, on_insert)


def touch_op(art: dict[str, Any], now: datetime) -> Op:
    """Seen again, same content: move last_seen, count the fetch, merge the URLs.

    Upserting (content only on insert) keeps it correct whatever the order of the batch's
    writes and even when the first copy was never stored.
    """
    fields = {k: art[k] for k in TOUCH_FIELDS}
    fields["last_seen"] = now
    on_insert = {k: v for k, v in art.items() if k not in (*NOT_STORED, *TOUCH_FIELDS)}
    on_insert.update(first_seen=now, updated_at=now)
    return fetch_op(art, fields, on_insert)


def revision_op(article_id: str, prev: dict[str, Any], now: datetime) -> Op:
    """The previous version of a changed article (id deterministic: replays are no-ops)."""
    seen_until = prev.get("last_seen")
    key = f"{article_id}\n{prev.get('content_hash')}\n{prev.get('title')}\n{seen_until}"
    doc = {f: prev.get(f) for f in REVISION_FIELDS if f != "last_seen"}
    doc.update(article_id=article_id, seen_from=prev.get("updated_at") or prev.get(
        "first_seen"), seen_until=seen_until, replaced_at=now)
    return Op({"_id": hashlib.sha1(key.encode()).hexdigest()}, {"$setOnInsert": doc})


def fetch_op(art: dict[str, Any], fields: dict[str, Any], on_insert: dict[str, Any]) -> Op:
    """The upsert of one fetch of an article: set, insert-only fields, count, merge URLs."""
    return Op({"_id": art["_id"]}, {
        "$set": fields,
        "$setOnInsert": on_insert,
        "$inc": {"fetch_count": 1},
        "$addToSet": {"aliases": {"$each": art["aliases"]}},
    })
