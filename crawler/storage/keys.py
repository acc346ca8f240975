"""The catalogue's documents: one compact ``catalogue`` entry per article, ``link_targets``.

A ``catalogue`` document carries what a crawl needs to know of a stored article without
reading the article (about 250 bytes instead of several KB):

* ``_id``: the article's ``_id`` (sha1 of its canonical URL);
* ``url``: the canonical URL, ``aliases``: its other URLs (absent when none), ``site``;
* ``k``: packed 64-bit keys, in order: the version key (content hash and title), the
  content-hash key, then one key per LSH band (``crawler.fingerprint.band_keys``);
* ``t``: the article's date stamp (newest of modified/published, else the fetch time),
  compared with a sitemap's ``lastmod``;

A ``link_targets`` document lists the edges still waiting for one target URL: ``_id`` is
the sha1 of the URL (the ``_id`` its article would have), ``url``, ``edges`` (edge ids).

Both are written by the writer and read by ``crawler.storage.catalogue``; every key is a
function of the URL or the content, so any process computes the same.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import numpy as np
from bson import Binary

from crawler.storage.models import parse_date
from crawler.urls import article_id, canonicalize


def key64(text: str) -> int:
    """A 64-bit key of ``text`` (the first 8 bytes of its sha1)."""
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "big")


def url_key(url: str) -> int:
    """The key of a URL: the first 8 bytes of the ``_id`` an article with that canonical
    URL has."""
    return int(article_id(url)[:16], 16)


def version_key(content_hash: str | None, title: str | None) -> int:
    return key64(f"{content_hash}\n{title}")


def content_key(content_hash: str) -> int:
    return key64(f"content\n{content_hash}")


def stamp(article: dict[str, Any]) -> datetime | None:
    """The date a sitemap ``lastmod`` is compared with (see ``StoredArticle``)."""
    dates = [parse_date(article.get(k)) for k in ("modified_at", "published_at")]
    dates = [d for d in dates if d is not None]
    if not dates:
        dates = [d for d in (parse_date(article.get(k)) for k in ("fetched_at", "last_seen"))
                 if d is not None]
    return max(dates) if dates else None


def pack_keys(article: dict[str, Any]) -> Binary:
    keys = [version_key(article.get("content_hash"), article.get("title")),
            content_key(article.get("content_hash") or ""),
            *(key64(band) for band in article.get("minhash_bands") or ())]
    return Binary(np.asarray(keys, dtype=">u8").tobytes())


def unpack_keys(packed: bytes) -> np.ndarray:
    return np.frombuffer(packed, dtype=">u8").astype(np.uint64)


def other_urls(article: dict[str, Any]) -> list[str]:
    """The article's URLs besides its canonical one, as stored and canonicalised (what a
    crawl looks up is canonical)."""
    urls = [v for u in article.get("aliases") or () for v in (u, canonicalize(u))]
    return [u for u in dict.fromkeys(urls) if u != article["canonical_url"]]


def catalogue_doc(article: dict[str, Any]) -> dict[str, Any]:
    """The catalogue entry of a stored (or built) article document."""
    doc: dict[str, Any] = {"_id": article["_id"], "url": article["canonical_url"],
                           "site": article.get("site"), "k": pack_keys(article),
                           "t": stamp(article)}
    aliases = other_urls(article)
    if aliases:
        doc["aliases"] = aliases
    return doc


def catalogue_update(article: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The update of a known article's entry after a write (content and URLs merged)."""
    fields = {"k": pack_keys(article), "t": stamp({**article, "last_seen": now}),
              "site": article.get("site")}
    aliases = other_urls(article)
    update: dict[str, Any] = {"$set": fields,
                              "$setOnInsert": {"url": article["canonical_url"]}}
    if aliases:
        update["$addToSet"] = {"aliases": {"$each": aliases}}
    return update


def target_id(url: str) -> str:
    return article_id(url)
