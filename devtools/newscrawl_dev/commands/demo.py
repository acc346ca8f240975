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


def run(args: argparse.Namespace) -> int:
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
            code = subprocess.call(
                [sys.executable, "-m", "crawler.cli", "crawl", DEMO_SITE,
                 "--base-url", mirror.base_url, "--no-delay", "-s", "LOG_LEVEL=WARNING"],
                env=env,
            )
            seed_url = mirror.manifest["seed_url"]
        print_summary(summarise(db, time.monotonic() - started))
        article = db.articles.find_one({"canonical_url": seed_url}) or db.articles.find_one()
        print("one stored article:")
        print(json.dumps(printable(article), indent=2, ensure_ascii=False, default=str))
        return code


def summarise(db: Any, elapsed: float) -> dict[str, Any]:
    run = db.crawl_runs.find_one(sort=[("started_at", -1)]) or {}
    stats = run.get("stats", {})
    return {
        "finish_reason": run.get("finish_reason"),
        "status": run.get("status"),
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
