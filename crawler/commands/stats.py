"""``newscrawl stats``: what is stored -- articles per day and category, links, duplicates.

Every figure comes from an indexed query or a ``$group`` that runs on MongoDB and FerretDB
alike (the queries are the portable ones of ``docs/data-model.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="only this site profile's articles")
    parser.add_argument("--days", type=int, default=14,
                        help="articles per publication day for the last N days (default 14)")
    parser.add_argument("--top", type=int, default=15,
                        help="how many categories and most-linked articles to list")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI or local server)")
    parser.add_argument("--database", help="database name (default: MONGO_DATABASE)")


def collect(db: Any, *, site: str | None = None, days: int = 14, top: int = 15,
            today: datetime | None = None) -> dict[str, Any]:
    """The figures ``newscrawl stats`` prints, as a dict."""
    base: dict[str, Any] = {"site": site} if site else {}
    articles = db["articles"]
    today = today or datetime.now(UTC)
    first_day = (today - timedelta(days=days - 1)).strftime("%Y-%m-%d")
    per_day = {
        row["_id"]: row["n"]
        for row in articles.aggregate([
            {"$match": {**base, "published_day": {"$gte": first_day}}},
            {"$group": {"_id": "$published_day", "n": {"$sum": 1}}},
            {"$sort": {"_id": 1}},
        ])
    }
    per_category = [
        {"category": row["_id"], "articles": row["n"]}
        for row in articles.aggregate([
            {"$match": {**base, "duplicate_of": None}},
            {"$unwind": "$categories"},
            {"$group": {"_id": "$categories", "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": top},
        ])
    ]
    site_ids = None
    if site:
        site_ids = [d["_id"] for d in articles.find(base, {"_id": 1})]
    link_filter: dict[str, Any] = {"from_id": {"$in": site_ids}} if site_ids is not None else {}
    links = db["links"]
    most_linked = [
        {"article_id": row["_id"], "inbound": row["n"]}
        for row in links.aggregate([
            {"$match": {**link_filter, "to_id": {"$ne": None}}},
            {"$group": {"_id": "$to_id", "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": top},
        ])
    ]
    titles = {d["_id"]: d.get("title", "") for d in articles.find(
        {"_id": {"$in": [m["article_id"] for m in most_linked]}}, {"title": 1})}
    for m in most_linked:
        m["title"] = titles.get(m["article_id"], "")
    return {
        "articles": articles.count_documents(base),
        "near_duplicates": articles.count_documents({**base, "duplicate_of": {"$ne": None}}),
        "with_aliases": articles.count_documents({**base, "aliases.1": {"$exists": True}}),
        "revisions": db["revisions"].count_documents(
            {"article_id": {"$in": site_ids}} if site_ids is not None else {}),
        "links": links.count_documents(link_filter),
        "links_resolved": links.count_documents({**link_filter, "to_id": {"$ne": None}}),
        "per_day": per_day,
        "per_category": per_category,
        "most_linked": most_linked,
    }


def render(stats: dict[str, Any]) -> str:
    lines = [
        f"articles         {stats['articles']}",
        f"near-duplicates  {stats['near_duplicates']}",
        f"with aliases     {stats['with_aliases']}",
        f"revisions        {stats['revisions']}",
        f"links            {stats['links']} ({stats['links_resolved']} to stored articles)",
        "",
        "published per day:",
    ]
    lines += [f"  {day}  {n}" for day, n in stats["per_day"].items()] or ["  (none)"]
    lines += ["", "per category:"]
    lines += [f"  {c['articles']:6d}  {c['category']}" for c in stats["per_category"]] or [
        "  (none)"]
    lines += ["", "most linked:"]
    lines += [f"  {m['inbound']:6d}  {m['title'] or m['article_id']}"
              for m in stats["most_linked"]] or ["  (none)"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from crawler.cli import EXIT_FAILURE, EXIT_OK
    from crawler.storage.client import DatabaseUnavailable, connect

    try:
        client, db = connect(args.mongo_uri, args.database)
    except DatabaseUnavailable as exc:
        print(f"newscrawl stats: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        stats = collect(db, site=args.site, days=args.days, top=args.top)
    finally:
        client.close()
    print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else render(stats))
    return EXIT_OK
