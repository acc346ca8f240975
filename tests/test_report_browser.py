"""``newscrawl report`` opened in a real headless Chromium: not blank, no console error, no
request outside the file, and the numbers on the page are the database's.

``make report-screenshot`` runs this test with ``NEWSCRAWL_REPORT_SCREENSHOT`` set to keep
the screenshot (docs/report-screenshot.png in the README).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from PIL import Image

from crawler.cli import EXIT_ALERT, EXIT_OK
from tests.browser import open_page
from tests.crawlutil import REPO
from tests.opsruns import SITE, OpsRuns

SINCE = "2020-01-01"

READ_PAGE = {
    "bars": "[...document.querySelectorAll('svg rect[data-series]')]"
            ".map(r => [r.dataset.series, r.dataset.label, Number(r.dataset.value)])",
    "rates": "[...document.querySelectorAll('svg rect[data-value]:not([data-series])')]"
             ".map(r => Number(r.dataset.value))",
    "metrics": "Object.fromEntries([...document.querySelectorAll('[data-metric]')]"
               ".map(e => [e.dataset.metric, Number(e.textContent)]))",
    "runs": "[...document.querySelectorAll('tr[data-run]')].map(tr => ({id: tr.dataset.run, "
            "failed: tr.classList.contains('failed'), "
            "fields: Object.fromEntries([...tr.querySelectorAll('td[data-field]')]"
            ".map(td => [td.dataset.field, Number(td.textContent)]))}))",
    "inbound": "[...document.querySelectorAll('table.most-linked td[data-field=inbound]')]"
               ".map(td => Number(td.textContent))",
    "text": "document.body.innerText",
}


def test_report_in_a_real_browser_shows_the_database(ops_runs: OpsRuns, tmp_path: Path) -> None:
    """The crawls of tests/opsruns.py: a broken run (monitor alert), then a healthy one."""
    mongo_db, env, bad, good = ops_runs.db, ops_runs.env, ops_runs.bad, ops_runs.good
    assert (bad.code, good.code) == (EXIT_ALERT, EXIT_OK)

    output = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "report", "--since", SINCE,
                           "--site", SITE, "--output", str(output)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    html = output.read_text(encoding="utf-8")
    assert "<script" not in html.lower()

    page = open_page(output, READ_PAGE)
    keep = os.environ.get("NEWSCRAWL_REPORT_SCREENSHOT")
    (Path(keep) if keep else tmp_path / "report.png").write_bytes(page.screenshot)
    if keep:
        shutil.copy(output, tmp_path / "kept.html")

    # What a person sees: a page that is not blank, without errors, loading nothing else.
    image = Image.open(io.BytesIO(page.screenshot)).convert("RGB")
    assert image.width >= 1000 and image.height >= 900
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is None or len(colours) > 50  # text, bars, table shading
    assert page.console == [], page.console
    assert page.requests and all(u.startswith("file:") for u in page.requests), page.requests
    assert "Runs" in page.values["text"] and "Most-linked articles" in page.values["text"]

    # Articles per month and site, as the chart's bars say and as the database says.
    expected: Counter[tuple[str, str, int]] = Counter()
    for doc in mongo_db["articles"].find({"site": SITE, "duplicate_of": None},
                                         {"published_day": 1}):
        if doc.get("published_day") and doc["published_day"] >= SINCE:
            expected[SITE, doc["published_day"][:7]] += 1
    bars = {(series, label): value for series, label, value in page.values["bars"]}
    assert bars == dict(expected) and sum(bars.values()) > 0
    metrics = page.values["metrics"]
    assert metrics["published"] == sum(expected.values())

    # Runs: the broken one marked failed, figures equal to the run records.
    runs = {r["id"]: r for r in page.values["runs"]}
    assert set(runs) == {bad.run["_id"], good.run["_id"]}
    assert runs[bad.run["_id"]]["failed"] and not runs[good.run["_id"]]["failed"]
    for result in (bad, good):
        counts = mongo_db["crawl_runs"].find_one({"_id": result.run["_id"]})["counts"]
        fields = runs[result.run["_id"]]["fields"]
        assert fields == {"pages": counts["pages"], "new": counts["articles"]["new"],
                          "stored": counts["stored"], "extract_failed": counts["extract_failed"],
                          "errors": counts["errors"]}
    assert metrics["runs"] == 2 and metrics["failed-runs"] == 1
    assert len(page.values["rates"]) == 2

    # Link graph and duplicates.
    assert metrics["graph-edges"] == metrics["links"] == mongo_db["links"].count_documents({})
    assert metrics["links-resolved"] == mongo_db["links"].count_documents(
        {"to_id": {"$ne": None}})
    assert metrics["near-duplicates"] == mongo_db["articles"].count_documents(
        {"duplicate_of": {"$ne": None}})
    assert metrics["articles"] == mongo_db["articles"].count_documents({"duplicate_of": None})
    inbound = Counter(d["to_id"] for d in mongo_db["links"].find({"to_id": {"$ne": None}}))
    assert page.values["inbound"] == [n for _, n in sorted(
        inbound.items(), key=lambda kv: (-kv[1], kv[0]))][:10]
    assert page.values["inbound"] and page.values["inbound"][0] > 0


def test_empty_database_gives_a_report_that_says_so(mongo_db) -> None:
    from datetime import date

    from crawler.report.data import collect
    from crawler.report.html import render
    from crawler.report.svg import nice_scale

    page = render(collect(mongo_db, since=date(2026, 1, 1)))
    assert "No article published in this period." in page and "No run in this period." in page
    assert "<script" not in page and 'data-metric="runs">0<' in page
    assert nice_scale(5, integer=True) == (6, 3) and nice_scale(25) == (30, 3)


def test_articles_are_counted_per_day_and_site_over_a_short_period(mongo_db) -> None:
    from datetime import UTC, date, datetime

    from crawler.report.data import collect

    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    docs = [("a", "2026-11-20"), ("a", "2026-11-20"), ("b", "2026-11-20"), ("a", "2026-11-28"),
            ("a", "2026-10-01"), ("b", "2026-11-25")]
    mongo_db["articles"].insert_many(
        [{"_id": f"x{i}", "site": site, "published_day": day, "duplicate_of": None}
         for i, (site, day) in enumerate(docs)]
        + [{"_id": "dup", "site": "a", "published_day": "2026-11-20", "duplicate_of": "x0"}])
    data = collect(mongo_db, since=date(2026, 11, 15), now=now)
    assert data.bucket == "day" and data.buckets[0] == "2026-11-20"
    assert data.buckets[-1] == "2026-11-29" and len(data.buckets) == 10
    assert data.per_bucket == {"a": {"2026-11-20": 2, "2026-11-28": 1},
                               "b": {"2026-11-20": 1, "2026-11-25": 1}}
    only_b = collect(mongo_db, since=date(2026, 11, 15), site="b", now=now)
    assert only_b.per_bucket == {"b": {"2026-11-20": 1, "2026-11-25": 1}}
    assert only_b.near_duplicates == 0 and data.near_duplicates == 1
