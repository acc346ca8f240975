"""``newscrawl sites [FILE...]``: the site profiles (or the given files), validated."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="profile files to validate (default: every shipped profile)")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def run(args: argparse.Namespace) -> int:
    import json

    from crawler.profiles import ProfileError, available_profiles, load_profile

    rows: list[dict[str, str]] = []
    bad = 0
    from pathlib import Path

    for path in [Path(f) for f in args.files] or available_profiles():
        try:
            p = load_profile(str(path))
        except ProfileError as exc:
            bad += 1
            rows.append({"name": path.stem, "status": "INVALID", "base_url": "",
                         "domains": "", "discovery": "", "error": str(exc)})
            continue
        discovery = [f"{len(p.start_urls)} start", f"{len(p.sitemaps)} sitemap",
                     f"{len(p.feeds)} feed", f"{len(p.related)} related"]
        rows.append({"name": p.name, "status": "ok", "base_url": p.base_url,
                     "domains": ",".join(p.allowed_domains), "discovery": ", ".join(discovery),
                     "error": ""})
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print_table(rows, ["name", "status", "base_url", "domains", "discovery"])
        for row in rows:
            if row["error"]:
                print(f"{row['name']}: {row['error']}")
    return 1 if bad else 0


def print_table(rows: list[dict[str, str]], columns: list[str]) -> None:
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns).rstrip())
