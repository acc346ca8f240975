"""The writer's in-memory view of the database (see ``crawler.storage.writer``).

It holds what this writer stored or looked up during the run, never the whole archive (the
crawl's catalogue, ``crawler.storage.catalogue``, answers for the rest): per article an id ->
version key (content hash and title) and one entry per URL; per held edge a tuple whose
repeated strings (target URL, label, anchor text) are interned, so the thousands of edges
that point at the same few articles share them.  A held edge costs about 300 bytes instead
of the 900 of its document.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

_HELD_FIELDS = ("from_id", "to_url", "label", "text", "position", "first_seen", "last_seen")


class HeldEdges:
    """Edges waiting for their target to be stored, oldest first, findable by target URL."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[Any, ...]] = {}
        self._by_url: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, edge_id: object) -> bool:
        return edge_id in self._by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def hold(self, doc: dict[str, Any]) -> None:
        """Hold an edge document (``to_id`` is dropped: it is resolved on release)."""
        to_url = sys.intern(doc["to_url"])
        self._by_id.pop(doc["_id"], None)
        self._by_id[doc["_id"]] = (doc["from_id"], to_url, sys.intern(doc["label"]),
                                   sys.intern(doc["text"]), doc["position"],
                                   doc["first_seen"], doc["last_seen"])
        self._by_url.setdefault(to_url, set()).add(doc["_id"])

    def refresh(self, edge_id: str, text: str, position: int, last_seen: datetime) -> None:
        """The same edge found again before it was stored."""
        (from_id, to_url, label, _, _, first_seen, _) = self._by_id[edge_id]
        self._by_id[edge_id] = (from_id, to_url, label, sys.intern(text), position,
                                first_seen, last_seen)

    def doc(self, edge_id: str) -> dict[str, Any]:
        return {"_id": edge_id, **dict(zip(_HELD_FIELDS, self._by_id[edge_id], strict=True))}

    def release(self, edge_id: str) -> dict[str, Any]:
        doc = self.doc(edge_id)
        self.discard(edge_id)
        return doc

    def discard(self, edge_id: str) -> None:
        to_url = self._by_id.pop(edge_id)[1]
        ids = self._by_url[to_url]
        ids.discard(edge_id)
        if not ids:
            del self._by_url[to_url]

    def ids_to(self, url: str) -> list[str]:
        """The held edges pointing at ``url``, in a stable order."""
        return sorted(self._by_url.get(url, ()))


class View:
    """What the writer knows of the database (see the writer's module docstring)."""

    def __init__(self) -> None:
        self.articles: dict[str, int] = {}
        self.owner: dict[str, str] = {}
        self.pending: dict[str, set[str]] = {}
        self.held = HeldEdges()

    def add_article(self, _id: str, version: int, urls: Iterable[str]) -> None:
        self.articles[_id] = version
        for url in urls:
            self.owner.setdefault(url, _id)

    def add_pending(self, to_url: str, edge_id: str) -> None:
        self.pending.setdefault(sys.intern(to_url), set()).add(edge_id)
