"""Document builders: an ``ArticleItem`` into the fields of ``articles`` and ``links``.

The stored shape is documented in ``docs/data-model.md`` and its JSON Schema in
``crawler/schema/article.schema.json``.  Builders are pure functions so that the writer
thread only does I/O.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from crawler.fingerprint import band_keys
from crawler.items import ArticleItem
from crawler.storage.indexes import SCHEMA_VERSION
from crawler.urls import article_id, canonicalize
from crawler.wordcount import word_count

# Fields that make up an article's content: a change to body or title makes a revision.
REVISION_FIELDS = ("title", "description", "text", "body_markdown", "word_count",
                   "content_hash", "modified_at", "last_seen")


def utcnow() -> datetime:
    """Now, at the millisecond precision BSON dates keep."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def parse_date(value: Any) -> datetime | None:
    """An ISO 8601 string (or datetime) as an aware UTC datetime; naive means UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def link_id(from_id: str, to_url: str, label: str) -> str:
    """Deterministic id of one edge: the same link found again updates the same document."""
    return hashlib.sha1(f"{from_id}\n{to_url}\n{label}".encode()).hexdigest()


def related_summary(item: ArticleItem) -> list[dict[str, Any]]:
    """The embedded ``related`` list: one entry per distinct (target, label)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for link in item.related:
        if not link.url:
            continue
        url = canonicalize(link.url)
        if (url, link.label) in seen:
            continue
        seen.add((url, link.label))
        out.append({"url": url, "label": link.label, "text": link.text.strip(),
                    "position": int(link.position)})
    return out


def build_article(item: ArticleItem, *, threshold: float) -> dict[str, Any]:
    """The stored fields of an article that the writer sets (no first/last_seen)."""
    canonical = item.canonical_url or canonicalize(item.url)
    published = parse_date(item.published_at)
    day, provenance = item.published_day, dict(item.provenance)
    if published and not day:
        day, provenance["published_day"] = published.strftime("%Y-%m-%d"), "utc"
    aliases = list(dict.fromkeys([canonical, *item.aliases]))
    http = {
        "status": item.http.get("status"),
        "etag": item.http.get("etag"),
        "last_modified": item.http.get("last_modified"),
    }
    return {
        "_id": article_id(canonical),
        "url": item.url,
        "canonical_url": canonical,
        "aliases": aliases,
        "site": item.site,
        "site_name": item.site_name,
        "title": item.title,
        "description": item.description,
        "authors": list(item.authors),
        "credits": list(item.credits),
        "published_at": published,
        "published_local": item.published_local if published else None,
        "published_day": day if published else None,
        "modified_at": parse_date(item.modified_at),
        "language": item.language,
        "categories": list(item.categories),
        "tags": list(item.tags),
        "image": item.image,
        "text": item.text,
        "body_markdown": item.body_markdown,
        "word_count": item.word_count or word_count(item.text),
        "content_hash": item.content_hash,
        "minhash": list(item.minhash),
        "minhash_bands": band_keys(item.minhash, threshold) if item.minhash else [],
        "related": related_summary(item),
        "provenance": provenance,
        "duplicate_of": item.duplicate_of,
        "http": http,
        "schema_version": SCHEMA_VERSION,
        # Not stored: the item is another URL of a known body, only its URLs are merged.
        "merge_only": item.dedup == "alias",
    }


# Fields written only when the document is created; everything else is refreshed.
INSERT_ONLY = ("url", "canonical_url", "duplicate_of")
# Keys of a built article that steer the writer and are never stored.
NOT_STORED = ("_id", "aliases", "merge_only")
# Fields an unchanged re-crawl refreshes (besides last_seen, fetch_count and aliases).
TOUCH_FIELDS = ("http",)


def build_links(article: dict[str, Any]) -> list[dict[str, Any]]:
    """One edge per (article, target, label), from the embedded ``related`` summary."""
    return [
        {
            "_id": link_id(article["_id"], rel["url"], rel["label"]),
            "from_id": article["_id"],
            "to_url": rel["url"],
            "label": rel["label"],
            "text": rel["text"],
            "position": rel["position"],
        }
        for rel in article["related"]
        if rel["url"] != article["canonical_url"]
    ]
