"""``newscrawl schedule``: run the crawls of a crontab file (the compose ``scheduler``).

Lines are five cron fields and a newscrawl command; see ``crawler/ops/schedule.py`` and
docs/operations.md.  ``--check`` validates the file and prints each entry's next run.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("crontab", nargs="?",
                        help="crontab file (default: NEWSCRAWL_SCHEDULE_CRONTAB)")
    parser.add_argument("--check", action="store_true",
                        help="validate the file, print each entry's next run, and exit")
    parser.add_argument("--timezone", default="UTC", help="time zone of the cron fields")


def run(args: argparse.Namespace) -> int:
    import logging
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from crawler import settings
    from crawler.cli import EXIT_OK, EXIT_USAGE, all_commands
    from crawler.ops.schedule import ScheduleError, next_runs, parse_crontab, serve

    path = args.crontab or settings.NEWSCRAWL_SCHEDULE_CRONTAB
    try:
        timezone = ZoneInfo(args.timezone)
        with open(path, encoding="utf-8") as handle:
            entries = parse_crontab(handle.read(), sorted(set(all_commands()) - {"schedule"}))
    except (OSError, ScheduleError, ZoneInfoNotFoundError, ValueError) as exc:
        print(f"newscrawl schedule: {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        for entry, when in next_runs(entries, timezone):
            print(f"{when:%Y-%m-%d %H:%M %Z}  {entry.name}")
        return EXIT_OK
    logging.basicConfig(level=settings.LOG_LEVEL, format=settings.LOG_FORMAT)
    serve(entries, timezone)
    return EXIT_OK
