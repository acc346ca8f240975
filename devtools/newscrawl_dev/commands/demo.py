"""``newscrawl demo``: database + offline mirror + crawl + summary, leaving nothing running.

The database comes from ``resolve_server()`` (``MONGO_URI``, else a ``mongod`` on PATH,
else a local FerretDB); the demo writes to its own database (``newscrawl_demo`` unless
``--database``), emptied first so that the summary is this run's.  The crawl runs as a child
process exactly as an operator would run it, against the mirror served on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from typing import Any

DEMO_SITE = "russianstudiesromania"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=60,
                        help="articles in the mirror (default 60)")
    parser.add_argument("--database", default="newscrawl_demo",
                        help="database to (re)create for the demo (default newscrawl_demo)")
    parser.add_argument("--distributed", type=int, default=0, metavar="N",
                        help="crawl with N worker processes sharing one run in Redis "
                             "(NEWSCRAWL_REDIS_URL, else a local redis-server)")


def run(args: argparse.Namespace) -> int:
    from crawler.distributed.server import resolve_redis
    from crawler.storage.client import connect
    from crawler.storage.server import ServerUnavailable, resolve_server
    from newscrawl_dev.mirror.server import MirrorServer

    started = time.monotonic()
    with ExitStack() as stack:
        try:
            server = stack.enter_context(resolve_server())
        except ServerUnavailable as exc:
            print(f"newscrawl demo: {exc}", file=sys.stderr)
            return 1
        print(f"database: {server.kind} server", flush=True)
        client, db = connect(server.uri, args.database)
        stack.callback(client.close)
        client.drop_database(args.database)
        with MirrorServer(theme="newspaper", articles=args.articles, port=0) as mirror:
            print(f"mirror: {mirror.base_url} "
                  f"({mirror.manifest['expected_article_count']} articles)", flush=True)
            env = dict(os.environ, MONGO_URI=server.uri, MONGO_DATABASE=args.database)
            command = [sys.executable, "-m", "crawler.cli", "crawl", DEMO_SITE,
                       "--base-url", mirror.base_url, "--no-delay", "-s", "LOG_LEVEL=WARNING"]
            if args.distributed:
                redis = stack.enter_context(resolve_redis())
                print(f"redis: {redis.kind} server; {args.distributed} workers", flush=True)
                command += ["--redis", redis.url, "--workers", "1",
                            "-s", "NEWSCRAWL_REDIS_IDLE_TIMEOUT=2",
                            "-s", f"NEWSCRAWL_REDIS_PREFIX=demo-{os.getpid()}"]
            procs = [subprocess.Popen(command, env=env)
                     for _ in range(max(1, args.distributed))]
            code = max(p.wait() for p in procs)
            seed_url = mirror.manifest["seed_url"]
        print_summary(summarise(db, time.monotonic() - started))
        article = db.articles.find_one({"canonical_url": seed_url}) or db.articles.find_one()
        print("one stored article:")
        print(json.dumps(printable(article), indent=2, ensure_ascii=False, default=str))
        return code


def summarise(db: Any, elapsed: float) -> dict[str, Any]:
    run = db.crawl_runs.find_one(sort=[("started_at", -1)]) or {}
    records = list(db.crawl_runs.find({"run_id": run["run_id"]})) if run.get("run_id") else []
    stats: dict[str, Any] = {}
    for record in records or [run]:  # a distributed run: one record per worker, summed
        for key, value in (record.get("stats") or {}).items():
            if isinstance(value, int) and not isinstance(value, bool):
                stats[key] = stats.get(key, 0) + value
    return {
        "finish_reason": run.get("finish_reason"),
        "status": run.get("status"),
        "workers": len(records) or 1,
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_stored": db.articles.count_documents({"duplicate_of": None}),
        "near_duplicates_stored": db.articles.count_documents({"duplicate_of": {"$ne": None}}),
        "related_links_stored": db.links.count_documents({}),
        "duplicates_merged": sum(v for k, v in stats.items()
                                 if k.startswith("dedup/") and isinstance(v, int)
                                 and k != "dedup/new"),
        "items_dropped": stats.get("item_dropped_count", 0),
        "errors": stats.get("errors/total", 0),  # failed requests (404s, timeouts...)
        "extract_failed": stats.get("extract/failed", 0),
        "elapsed_s": round(elapsed, 1),
    }


def print_summary(summary: dict[str, Any]) -> None:
    print("demo summary (counted in the database):")
    for key, value in summary.items():
        print(f"  {key.replace('_', ' '):24} {value}")


def printable(article: dict[str, Any] | None) -> dict[str, Any]:
    """The stored document, with the long fields shortened for the terminal."""
    if not article:
        return {}
    doc = dict(article)
    doc.pop("minhash", None)
    doc.pop("minhash_bands", None)
    for key in ("text", "body_markdown"):
        if isinstance(doc.get(key), str) and len(doc[key]) > 400:
            doc[key] = doc[key][:400] + f"... ({len(article[key])} chars)"
    if isinstance(doc.get("related"), list) and len(doc["related"]) > 4:
        doc["related"] = [*doc["related"][:4], f"... ({len(article['related'])} links)"]
    return doc
