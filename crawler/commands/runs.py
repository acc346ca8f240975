"""``newscrawl runs``: recent crawl runs as a table (dead "running" runs marked crashed)."""

from __future__ import annotations

import argparse
from typing import Any


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
    for run_id, group in group_runs(docs):
        if len(group) == 1 and group[0]["_id"] == run_id:
            rows.append(row(group[0], run_id))
            continue
        # A run of several sites or distributed workers: the run, then one line each.
        rows.append(total_row(run_id, group))
        rows += [row(doc, "  " + doc["_id"].removeprefix(run_id + "/")) for doc in group]
    print_table(rows, ["run", "site", "status", "started", "took", "new", "updated",
                       "unchanged", "pages", "errors", "requeued", "reason"])
    return 0


def group_runs(docs: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Records grouped by run id (a run's records stay together), newest run first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        groups.setdefault(doc.get("run_id") or doc["_id"], []).append(doc)
    return list(groups.items())


def row(doc: dict[str, Any], label: str) -> dict[str, Any]:
    c = doc.get("counts") or {}
    a = c.get("articles") or {}
    started, finished = doc.get("started_at"), doc.get("finished_at")
    took = f"{(finished - started).total_seconds():.0f}s" if started and finished else ""
    return {
        "run": label, "status": doc.get("status", ""),
        "site": doc.get("site", "") + (" (profile-less)" if doc.get("profileless") else ""),
        "started": started.strftime("%Y-%m-%d %H:%M") if started else "", "took": took,
        "new": a.get("new", ""), "updated": a.get("updated", ""),
        "unchanged": a.get("unchanged", ""), "pages": c.get("pages", ""),
        "errors": c.get("errors", ""), "requeued": c.get("requeued", ""),
        "reason": doc.get("finish_reason") or "",
    }


def total_row(run_id: str, group: list[dict[str, Any]]) -> dict[str, Any]:
    """The run as a whole: counts summed over its records, its first start, last finish."""
    out = row(group[0], run_id)
    workers = {doc.get("worker") for doc in group if doc.get("worker")}
    sites = sorted({doc.get("site", "") for doc in group})
    out["site"] = ",".join(sites) if len(sites) <= 2 else f"{len(sites)} sites"
    if workers:
        out["site"] += f" ({len(workers)} workers)"
    statuses = {doc.get("status", "") for doc in group}
    out["status"] = "running" if "running" in statuses else (
        statuses.pop() if len(statuses) == 1 else "mixed")
    starts = [d["started_at"] for d in group if d.get("started_at")]
    ends = [d["finished_at"] for d in group if d.get("finished_at")]
    out["started"] = min(starts).strftime("%Y-%m-%d %H:%M") if starts else ""
    out["took"] = (f"{(max(ends) - min(starts)).total_seconds():.0f}s"
                   if starts and ends and out["status"] != "running" else "")
    for key in ("new", "updated", "unchanged", "pages", "errors", "requeued"):
        out[key] = sum(int(r[key] or 0) for r in (row(d, "") for d in group))
    reasons = {doc.get("finish_reason") or "" for doc in group}
    out["reason"] = reasons.pop() if len(reasons) == 1 else "mixed"
    return out
