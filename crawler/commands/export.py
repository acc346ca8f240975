"""``newscrawl export``: stream stored articles out as JSON Lines or CSV.

Articles are read with a cursor in batches and written one at a time, so memory stays flat
whatever the size of the collection.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

logger = logging.getLogger(__name__)

DATE_FIELDS = ("published_at", "updated_at", "first_seen", "last_seen")
# Fingerprint internals, left out unless --all-fields.
INTERNAL_FIELDS = ("minhash", "minhash_bands")
CSV_FIELDS = (
    "_id", "canonical_url", "site", "title", "authors", "published_at", "published_local",
    "published_day", "modified_at",
    "language", "categories", "tags", "word_count", "duplicate_of", "first_seen", "last_seen",
    "updated_at", "fetch_count", "description", "text",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE",
                        help="only articles whose --date-field is on or after DATE "
                        "(ISO 8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z; UTC if no zone);"
                        " without it, every article")
    parser.add_argument("--date-field", choices=DATE_FIELDS, default="published_at",
                        help="which date --since applies to (default: published_at; "
                        "updated_at gives new or changed articles)")
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--site", help="only this site profile's articles")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--all-fields", action="store_true",
                        help="include the MinHash signature and band keys (JSONL only)")
    parser.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI or local server)")
    parser.add_argument("--database", help="database name (default: MONGO_DATABASE)")


def parse_since(value: str) -> datetime:
    """An ISO date or date-time as an aware UTC datetime."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_jsonable(value: Any) -> Any:
    """A stored document in JSON form: dates as ISO 8601 UTC strings."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def query(since: datetime | None, date_field: str = "published_at",
          site: str | None = None) -> dict[str, Any]:
    filt: dict[str, Any] = {date_field: {"$gte": since}} if since is not None else {}
    if site:
        filt["site"] = site
    return filt


def iter_articles(db: Any, since: datetime | None, *, date_field: str = "published_at",
                  site: str | None = None, all_fields: bool = False,
                  batch_size: int = 500) -> Iterator[dict[str, Any]]:
    """Stored articles, oldest first, one at a time from a batched cursor."""
    projection = None if all_fields else {f: 0 for f in INTERNAL_FIELDS}
    cursor = (db["articles"].find(query(since, date_field, site), projection)
              .sort([(date_field, 1), ("_id", 1)]).batch_size(batch_size))
    try:
        yield from cursor
    finally:
        cursor.close()


def write_jsonl(docs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for doc in docs:
        out.write(json.dumps(to_jsonable(doc), ensure_ascii=False, sort_keys=True))
        out.write("\n")
        n += 1
    return n


def _cell(value: Any) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def write_csv(docs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    n = 0
    for doc in docs:
        writer.writerow([_cell(doc.get(f)) for f in CSV_FIELDS])
        n += 1
    return n


def run(args: argparse.Namespace) -> int:
    from crawler.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
    from crawler.settings import NEWSCRAWL_EXPORT_BATCH_SIZE
    from crawler.storage.client import DatabaseUnavailable, connect

    try:
        since = parse_since(args.since) if args.since else None
    except ValueError:
        print(f"newscrawl export: --since {args.since!r} is not an ISO 8601 date",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        client, db = connect(args.mongo_uri, args.database)
    except DatabaseUnavailable as exc:
        print(f"newscrawl export: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    out: IO[str] = (open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
                    if args.output else sys.stdout)
    try:
        docs = iter_articles(db, since, date_field=args.date_field, site=args.site,
                             all_fields=args.all_fields and args.format == "jsonl",
                             batch_size=NEWSCRAWL_EXPORT_BATCH_SIZE)
        n = (write_csv if args.format == "csv" else write_jsonl)(docs, out)
    finally:
        if args.output:
            out.close()
        client.close()
    print(f"exported {n} article(s)", file=sys.stderr)
    return EXIT_OK
