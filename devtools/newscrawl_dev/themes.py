"""Extraction CPU per page for each mirror theme, as a crawl's worker pays it.

Each theme's article pages are rendered in-process and extracted in a fresh Python process
(one per theme and path) with the theme's profile, or without one (the generic path): the
total counts what a new worker pays once (imports are done before timing, first calls of
lazily loaded parsers are not), ``warm`` leaves the first page out.  Printed by
``newscrawl bench`` after the crawl table, or alone with ``newscrawl bench --themes``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

# theme -> its profile; the legacy theme is also timed without one (the generic path).
RUNS = (("newspaper", "russianstudiesromania"), ("generic", "wpgeneric"),
        ("legacy", "lakesidecourier"), ("legacy", None))
BASE = "http://127.0.0.1:8080"

_CHILD = r"""
import json, sys, time
from crawler.extraction.core import extract
from crawler.extraction.options import ExtractOptions
from crawler.profiles import load_profile
from newscrawl_dev.mirror.app import MirrorApp

theme, profile_name, count, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
app = MirrorApp(theme, articles=count, base_url=base, traps=False)
articles = app.manifest()["articles"]
pages = [(a["url"], app.handle("GET", a["url"].removeprefix(base), {}).body) for a in articles]
profile = load_profile(profile_name).with_base_url(base) if profile_name != "-" else None
times, ok = [], 0
for url, body in pages:
    started = time.process_time()
    result = extract(body, ExtractOptions(url=url, profile=profile))
    times.append((time.process_time() - started) * 1000)
    ok += result.ok
print(json.dumps({"times": times, "ok": ok}))
"""


@dataclass
class ThemeTiming:
    theme: str
    profile: str | None
    pages: int
    articles: int  # pages extracted as articles
    ms_per_page: float  # all pages, the first included
    warm_ms_per_page: float  # the first page left out
    first_ms: float


def time_theme(theme: str, profile: str | None, pages: int = 40) -> ThemeTiming:
    proc = subprocess.run([sys.executable, "-c", _CHILD, theme, profile or "-", str(pages), BASE],
                          capture_output=True, text=True, check=True, timeout=600)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    times = data["times"]
    warm = times[1:] or times
    return ThemeTiming(theme, profile, len(times), data["ok"],
                       round(sum(times) / len(times), 2), round(sum(warm) / len(warm), 2),
                       round(times[0], 1))


def time_themes(pages: int = 40) -> list[ThemeTiming]:
    return [time_theme(theme, profile, pages) for theme, profile in RUNS]


def format_themes(rows: list[ThemeTiming]) -> str:
    reference = next((r.ms_per_page for r in rows if r.theme == "newspaper"), 0.0) or 1.0
    out = ["extraction CPU ms/page by theme (one process, fresh): "
           "theme, profile, pages, articles, all, warm, first page, all vs newspaper"]
    for r in rows:
        name = r.profile or "(generic path)"
        out.append(f"  {r.theme:<10} {name:<22} {r.pages:>4} {r.articles:>4} "
                   f"{r.ms_per_page:>8.2f} {r.warm_ms_per_page:>8.2f} {r.first_ms:>8.1f} "
                   f"{r.ms_per_page / reference:>6.2f}x")
    return "\n".join(out)
