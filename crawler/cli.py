"""The ``newscrawl`` command line: one module per subcommand in ``crawler/commands``.

Other distributions add subcommands through the ``newscrawl.commands`` entry-point group
(name = module path); the test bench (``newscrawl-dev``: ``mirror``, ``demo``, ``eval``,
``bench``) registers its own that way, so they exist only where it is installed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib.metadata import entry_points
from types import ModuleType

# (subcommand, module in crawler.commands, one-line help)
COMMANDS: list[tuple[str, str, str]] = [
    ("crawl", "crawl", "crawl a site profile (or a URL list) into MongoDB"),
    ("sites", "sites", "list the site profiles and validate them"),
    ("runs", "runs", "show recent crawl runs"),
    ("stats", "stats", "articles per day and category, links, duplicates"),
    ("extract", "extract", "extract articles from HTML files or URLs and print JSON"),
    ("export", "export", "stream stored articles out as JSONL or CSV"),
    ("db", "db", "start, stop or inspect the local MongoDB-wire server"),
    ("doctor", "doctor", "check the database, schema, profiles, Redis and job directory"),
    ("report", "report", "write an HTML report of runs, articles and links"),
    ("schedule", "schedule", "run the crawls of a crontab file (container scheduler)"),
]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PARTIAL, EXIT_ALERT, EXIT_LOCKED = 0, 1, 2, 3, 4, 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newscrawl",
        description="Article crawler: Scrapy spiders, trafilatura extraction, MongoDB storage.",
        epilog="Exit codes: 0 success, 1 failure, 2 usage error, 3 partial failure, "
        "4 monitor alert (nothing stored, or error rate over threshold), "
        "5 locked (another run of the same site and job is running).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_path in all_commands().items():
        module = importlib.import_module(module_path)
        help_text = COMMAND_HELP.get(name) or _summary(module)
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_module=module_path)
        module.add_arguments(sub)
    return parser


COMMAND_HELP = {name: help_text for name, _, help_text in COMMANDS}


def all_commands() -> dict[str, str]:
    """Subcommand name -> module path: the built-in ones, then those of installed plugins."""
    found = {name: f"crawler.commands.{module}" for name, module, _ in COMMANDS}
    for ep in entry_points(group="newscrawl.commands"):
        found.setdefault(ep.name, ep.value)
    return found


def _summary(module: ModuleType) -> str:
    """A plugin command's help: its docstring's first line, after ```newscrawl X``: ``."""
    first = (module.__doc__ or "").strip().split("\n", 1)[0]
    text = first.split(": ", 1)[1] if first.startswith("``") and ": " in first else first
    return text.rstrip(".")


def _module(path: str) -> ModuleType:
    return importlib.import_module(path)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return EXIT_USAGE
    return int(_module(args._module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
