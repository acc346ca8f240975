"""``newscrawl profile suggest URL --output FILE``: write a site profile from a sample.

Fetches up to ``--sample`` articles of the site (politely, with the crawl's Scrapy stack),
then writes a commented YAML profile and prints the evidence for each rule: how many
sample pages it covers and how many contradict it.  When the site gives no profile (not a
news site, robots.txt forbids it, it redirects elsewhere, a login wall) nothing is written
and the reason is printed; the exit code is then 4.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="profile_command", metavar="ACTION")
    suggest = sub.add_parser("suggest", help="suggest a profile for a site from a sample of it")
    suggest.add_argument("url", help="the site's address, e.g. https://site.example/")
    suggest.add_argument("--sample", type=int, default=30, metavar="N",
                         help="articles to sample (default 30)")
    suggest.add_argument("--output", "-o", required=True, metavar="FILE",
                         help="where to write the YAML profile")
    suggest.add_argument("--no-delay", action="store_true",
                         help="no download delay (mirrors and tests only)")
    suggest.add_argument("-s", "--set", dest="settings", action="append", default=[],
                         metavar="KEY=VALUE", help="override a Scrapy/newscrawl setting")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from crawler.autoprofile.address import is_address
    from crawler.autoprofile.sample import fetch_sample
    from crawler.autoprofile.suggest import render_yaml, suggest
    from crawler.cli import EXIT_ALERT, EXIT_FAILURE, EXIT_USAGE
    from crawler.profiles import ProfileError, parse_profile

    if getattr(args, "profile_command", None) != "suggest":
        print("newscrawl profile: use `newscrawl profile suggest URL --output FILE`",
              file=sys.stderr)
        return EXIT_USAGE
    if not is_address(args.url) or args.sample < 1:
        print(f"newscrawl profile suggest: not a site address: {args.url!r}", file=sys.stderr)
        return EXIT_USAGE
    run_ = fetch_sample(args.url, args.sample, no_delay=args.no_delay,
                        overrides=args.settings)
    if run_.sample is None:
        print(f"newscrawl profile suggest: {run_.problem}", file=sys.stderr)
        return EXIT_FAILURE
    suggestion = suggest(run_.sample)
    problem = run_.problem if run_.problem and not suggestion.articles else suggestion.problem
    if problem:
        print(f"newscrawl profile suggest: no profile written: {problem}", file=sys.stderr)
        return EXIT_ALERT
    text = render_yaml(suggestion)
    try:
        parse_profile(suggestion.profile, args.output)
    except ProfileError as exc:
        print(f"newscrawl profile suggest: the suggested profile is invalid: {exc}",
              file=sys.stderr)
        return EXIT_FAILURE
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({suggestion.articles} article page(s) in the sample)")
    for e in suggestion.evidence:
        print(f"  {e.line()}")
    return 0
