"""Bulk writes that tolerate FerretDB and other writers: chunked, replayed one by one.

Every write is kept as an :class:`Op` (plain data) so that a bulk command that fails on a
duplicate key (another writer's upsert won the race) or that FerretDB answers without the
counts pymongo expects can be replayed one operation at a time; the upserts are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateMany, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure

DUPLICATE_KEY = 11000
# Updates per bulk command: FerretDB 1.24 (SQLite) stops answering on a bulk write that
# updates 100 or more existing documents.
BULK_CHUNK = 50


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying: lost connections, no server, retryable write errors."""
    if isinstance(exc, ConnectionFailure):
        return True
    return isinstance(exc, OperationFailure) and exc.has_error_label("RetryableWriteError")


@dataclass
class Op:
    """One write, kept as plain data so that it can be replayed one by one."""

    filter: dict[str, Any]
    update: dict[str, Any]
    upsert: bool = True
    many: bool = False

    def request(self) -> UpdateOne | UpdateMany:
        cls = UpdateMany if self.many else UpdateOne
        return cls(self.filter, self.update, upsert=self.upsert)


def insert(coll: Collection, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unordered ``insert_many``; return the documents that met a duplicate key."""
    if not docs:
        return []
    try:
        coll.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        if exc.details.get("nInserted", 0) + len(errors) == len(docs):
            return [docs[e["index"]] for e in errors]
        return _insert_one_by_one(coll, docs)  # a server that stopped at the first error
    except KeyError:
        return _insert_one_by_one(coll, docs)
    return []


def _insert_one_by_one(coll: Collection, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lost = []
    for doc in docs:
        try:
            coll.insert_one(doc)
        except DuplicateKeyError:
            lost.append(doc)
    return lost


def bulk(coll: Collection, ops: Iterable[Op], *,
         ordered: bool = False) -> tuple[set[Any], int, int]:
    """Bulk write in commands of at most ``BULK_CHUNK`` operations; return (upserted ids,
    matched count, upserted count)."""
    ops = list(ops)
    upserted: set[Any] = set()
    matched = 0
    for start in range(0, len(ops), BULK_CHUNK):
        more, n, _ = _bulk(coll, ops[start:start + BULK_CHUNK], ordered=ordered)
        upserted |= more
        matched += n
    return upserted, matched, len(upserted)


def _bulk(coll: Collection, ops: list[Op], *,
          ordered: bool = False) -> tuple[set[Any], int, int]:
    """One bulk write; return (upserted ids, matched count, upserted count).

    Upserts racing another writer on the same ``_id`` fail with a duplicate-key error; they
    are replayed one by one and then match the other writer's document.  FerretDB answers a
    bulk write with errors without the counts pymongo expects (``KeyError``): replay too.
    """
    if not ops:
        return set(), 0, 0
    try:
        result = coll.bulk_write([op.request() for op in ops], ordered=ordered)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        details = exc.details
        upserted = {u["_id"] for u in details.get("upserted", [])}
        matched = details.get("nMatched", 0)
        failed = [err["index"] for err in errors]
        if ordered:  # the rest after the first error did not run
            failed += range(failed[0] + 1, len(ops))
        for index in failed:
            more, n = _replay(coll, ops[index])
            upserted |= more
            matched += n
        return upserted, matched, len(upserted)
    except KeyError:
        upserted, matched = set(), 0
        for op in ops:
            more, n = _replay(coll, op)
            upserted |= more
            matched += n
        return upserted, matched, len(upserted)
    ids = set(result.upserted_ids.values())
    return ids, result.matched_count, len(ids)


def _replay(coll: Collection, op: Op) -> tuple[set[Any], int]:
    write = coll.update_many if op.many else coll.update_one
    for attempt in range(3):
        try:
            res = write(op.filter, op.update, upsert=op.upsert)
        except DuplicateKeyError:
            if attempt == 2:
                raise
            continue
        return ({res.upserted_id} if res.upserted_id is not None else set()), res.matched_count
    return set(), 0
