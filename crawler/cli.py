"""The ``newscrawl`` command line: one module per subcommand in ``crawler/commands``."""

from __future__ import annotations

import argparse
import importlib
import sys

# (subcommand, module in crawler.commands, one-line help)
COMMANDS: list[tuple[str, str, str]] = [
    ("crawl", "crawl", "crawl a site profile (or a URL list) into MongoDB"),
    ("sites", "sites", "list the site profiles and validate them"),
    ("runs", "runs", "show recent crawl runs"),
    ("stats", "stats", "articles per day and category, links, duplicates"),
    ("extract", "extract", "extract articles from HTML files or URLs and print JSON"),
    ("eval", "evaluate", "score extraction on the benchmark pages vs plain trafilatura"),
    ("export", "export", "stream stored articles out as JSONL or CSV"),
    ("db", "db", "start, stop or inspect the local MongoDB-wire server"),
    ("mirror", "mirror", "serve the offline mirror of a site on loopback"),
    ("demo", "demo", "run the end-to-end demo: database, mirror, crawl, summary"),
    ("bench", "bench", "benchmark crawl throughput, per-stage time and memory"),
]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL, EXIT_ALERT = 0, 1, 2, 3, 4


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newscrawl",
        description="Article crawler: Scrapy spiders, trafilatura extraction, MongoDB storage.",
        epilog="Exit codes: 0 success, 1 failure, 2 usage error, 3 partial failure, "
        "4 monitor alert (nothing stored, or error rate over threshold).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in COMMANDS:
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_module=module)
        _module(module).add_arguments(sub)
    return parser


def _module(name: str):
    return importlib.import_module(f"crawler.commands.{name}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return EXIT_USAGE
    return int(_module(args._module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
