"""``newscrawl runs``: recent crawl runs as a table (dead "running" runs marked crashed)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="only runs of this site")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="at most N runs")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from crawler.commands.sites import print_table
    from crawler.extensions.runrecord import COLLECTION, reap_stale_runs
    from crawler.storage.client import DatabaseUnavailable, connect

    try:
        client, db = connect()
    except DatabaseUnavailable as exc:
        print(f"newscrawl runs: {exc}", file=sys.stderr)
        return 1
    try:
        reap_stale_runs(db)
        query = {"site": args.site} if args.site else {}
        docs = list(db[COLLECTION].find(query, {"stats": 0}).sort("started_at", -1)
                    .limit(max(args.limit, 1)))
    finally:
        client.close()
    if args.json:
        for doc in docs:
            print(json.dumps(doc, default=str))
        return 0
    rows = []
    for doc in docs:
        c = doc.get("counts") or {}
        a = c.get("articles") or {}
        started, finished = doc.get("started_at"), doc.get("finished_at")
        took = f"{(finished - started).total_seconds():.0f}s" if started and finished else ""
        rows.append({
            "run": doc["_id"], "status": doc.get("status", ""),
            "site": doc.get("site", "") + (" (profile-less)" if doc.get("profileless") else ""),
            "started": started.strftime("%Y-%m-%d %H:%M") if started else "", "took": took,
            "new": a.get("new", ""), "updated": a.get("updated", ""),
            "unchanged": a.get("unchanged", ""), "pages": c.get("pages", ""),
            "errors": c.get("errors", ""), "reason": doc.get("finish_reason") or "",
        })
    print_table(rows, ["run", "site", "status", "started", "took", "new", "updated",
                       "unchanged", "pages", "errors", "reason"])
    return 0
