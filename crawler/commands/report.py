"""``newscrawl report``: write one self-contained HTML report of runs, articles and links.

The file has no external asset and no script: charts are inline SVG.  Queries are the
portable ones (docs/ferretdb.md), so the report works on MongoDB and FerretDB alike.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE",
                        help="start of the period (YYYY-MM-DD; default NEWSCRAWL_REPORT_DAYS "
                        "days ago)")
    parser.add_argument("--site", help="only this site")
    parser.add_argument("--output", "-o", required=True, metavar="FILE",
                        help="the HTML file to write")
    parser.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI or local server)")
    parser.add_argument("--database", help="database name (default: MONGO_DATABASE)")


def run(args: argparse.Namespace) -> int:
    from crawler import settings
    from crawler.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
    from crawler.report.data import collect
    from crawler.report.html import render
    from crawler.storage.client import DatabaseUnavailable, connect

    try:
        since = (date.fromisoformat(args.since) if args.since else
                 datetime.now(UTC).date() - timedelta(days=settings.NEWSCRAWL_REPORT_DAYS))
    except ValueError:
        print(f"newscrawl report: --since expects YYYY-MM-DD, got {args.since!r}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        client, db = connect(args.mongo_uri, args.database)
    except DatabaseUnavailable as exc:
        print(f"newscrawl report: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        data = collect(db, since=since, site=args.site, top=settings.NEWSCRAWL_REPORT_TOP,
                       max_failure_rate=settings.NEWSCRAWL_MAX_EXTRACT_FAILURE_RATE)
    finally:
        client.close()
    output = Path(args.output)
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(render(data), encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        print(f"newscrawl report: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"report written to {output} ({len(data.runs)} run(s), "
          f"{data.published_in_period} article(s) published since {since})")
    return EXIT_OK
