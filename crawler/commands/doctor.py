"""``newscrawl doctor``: is this installation ready to crawl? One line per check.

Checks the database (reachable; indexes and schema version present), every site profile,
Redis when ``NEWSCRAWL_REDIS_URL`` is set, and the job directory (writable, free space).
Exit code 0 when every check passes, 1 otherwise: the compose healthcheck runs it.
"""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", action="append", default=[], metavar="PATH",
                        help="also validate this profile file (repeatable)")
    parser.add_argument("--fix", action="store_true",
                        help="create missing indexes and migrate the schema, then check")
    parser.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI or local server)")
    parser.add_argument("--database", help="database name (default: MONGO_DATABASE)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="KEY=VALUE", help="override a setting")


def run(args: argparse.Namespace) -> int:
    from scrapy.utils.project import get_project_settings

    from crawler.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
    from crawler.ops import doctor
    from crawler.runner import UsageError, parse_overrides

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    try:
        settings.setdict(parse_overrides(args.settings), priority="cmdline")
    except UsageError as exc:
        print(f"newscrawl doctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    timeout_ms = settings.getint("NEWSCRAWL_DOCTOR_TIMEOUT_MS")
    checks = []
    database, handle = doctor.check_database(args.mongo_uri or settings.get("MONGO_URI") or None,
                                             args.database, timeout_ms)
    checks.append(database)
    if handle is None:
        checks.append(doctor.Check("schema", False, "not checked: no database",
                                   "fix the database first"))
    else:
        client, db = handle
        try:
            if args.fix:
                from crawler.storage.indexes import ensure_schema

                ensure_schema(db)
            checks.append(doctor.check_schema(db))
        finally:
            client.close()
    checks.append(doctor.check_profiles(args.profile))
    redis_url = settings.get("NEWSCRAWL_REDIS_URL") or os.environ.get("NEWSCRAWL_REDIS_URL", "")
    checks.append(doctor.check_redis(redis_url, timeout_ms / 1000))
    checks.append(doctor.check_jobs_dir(settings.get("NEWSCRAWL_JOBS_DIR"),
                                        settings.getint("NEWSCRAWL_DOCTOR_MIN_FREE_MB")))
    for check in checks:
        print(check.line())
    healthy = all(c.ok for c in checks)
    print("healthy" if healthy else f"{sum(not c.ok for c in checks)} check(s) failed")
    return EXIT_OK if healthy else EXIT_FAILURE
