"""``newscrawl bench``: crawl a generated mirror end to end and report speed and memory."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", type=int, nargs="+", default=[2000],
                        help="mirror sizes to run, e.g. --pages 1000 5000 10000 (default 2000)")
    parser.add_argument("--workers", type=int, default=0,
                        help="extraction worker processes (default: one per core)")
    parser.add_argument("--sample", type=int, default=300,
                        help="pages used for the plain-trafilatura reference rate")
    parser.add_argument("--modes", nargs="+", default=["local"], metavar="MODE",
                        help="local, redis (distributed, one worker process) or redis:N "
                        "(N worker processes sharing the cores); each at every --pages")
    parser.add_argument("--no-profileless", dest="profileless", action="store_false",
                        help="skip the second, profile-less crawl of the mirror")
    parser.add_argument("--archive", type=int, default=0, metavar="N",
                        help="instead: an incremental run against N stored articles seeded "
                             "into the database, next to the same run on an empty one")
    parser.add_argument("--new", type=int, default=100, metavar="M",
                        help="new articles the incremental run finds (with --archive)")
    parser.add_argument("--themes", action="store_true",
                        help="only the extraction CPU per page of each mirror theme (no crawl)")
    parser.add_argument("--theme-pages", type=int, default=40, metavar="N",
                        help="article pages per theme for the extraction table (default 40)")
    parser.add_argument("--output", type=Path, default=Path("bench-results/bench.json"),
                        help="JSON file to write (default bench-results/bench.json)")


def run(args: argparse.Namespace) -> int:
    if args.archive:
        return run_archive(args)
    from newscrawl_dev.bench import Mode, format_table, run_bench, versus
    from newscrawl_dev.themes import format_themes, time_themes

    if args.themes:
        print(format_themes(time_themes(args.theme_pages)))
        return 0
    try:
        modes = [Mode.parse(m) for m in args.modes]
    except ValueError as exc:
        print(f"newscrawl bench: {exc}", file=sys.stderr)
        return 2
    results = []
    for pages in args.pages:
        for mode in modes:
            print(f"bench: {pages} pages, {mode} ...", flush=True)
            results.append(run_bench(pages, workers=args.workers, sample=args.sample,
                                     profileless=args.profileless, mode=mode))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    print(format_table(results))
    if len(modes) > 1:
        print(versus(results))
    elif len(results) > 1:
        first, last = results[0], results[-1]
        growth = last.peak_rss_mb / first.peak_rss_mb - 1 if first.peak_rss_mb else 0.0
        print(f"peak RSS growth {first.pages_requested} -> {last.pages_requested} pages: "
              f"{growth:+.0%}")
    if modes == [Mode(False)]:
        print(format_themes(time_themes(args.theme_pages)))
    print(f"written: {args.output}")
    return 0


def run_archive(args: argparse.Namespace) -> int:
    from newscrawl_dev.archive import format_archive, run_archive_bench

    print(f"bench: incremental run against {args.archive} stored articles, {args.new} new ...",
          flush=True)
    runs = run_archive_bench(args.archive, args.new, workers=args.workers)
    output = args.output.with_name("archive.json") if args.output.name == "bench.json" else (
        args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps([asdict(r) for r in runs], indent=2), encoding="utf-8")
    print(format_archive(runs))
    print(f"written: {output}")
    return 0
