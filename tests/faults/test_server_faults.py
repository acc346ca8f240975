"""Fault matrix, server side: the mirror misbehaves (HTTP, sitemaps, robots.txt, URLs).

Each row crawls a private mirror with one fault switched on (newscrawl_dev.mirror.faults)
through its sitemaps, and checks the documented outcome: what a retry can fetch is
stored, the rest is given up with a log line naming the fault, and nothing is stored twice.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from crawler.cli import EXIT_ALERT, EXIT_OK
from newscrawl_dev.mirror import faults as mirror_faults
from tests.faults.matrix import Crawl, assert_nothing_lost, check_run, tally

pytestmark = pytest.mark.faults
ARTICLES = 30
SHORT = pytest.mark.faults_short

# (row, mirror fault, extra crawl arguments, exit code, log line, articles expected)
ROWS = [
    ("429 storm with Retry-After (every article, twice)", "429_storm", [], EXIT_OK,
     r"HTTP 429 on \S+: retry 2 in 1\.0s \(Retry-After\)", "all"),
    ("connection reset mid-body", "reset_mid_body", [], EXIT_OK,
     r"ResponseDataLossError \(the body ended short of its length\) on \S+: retry 1", "all"),
    ("truncated body (short of Content-Length)", "truncated_body", [], EXIT_OK,
     r"ResponseDataLossError \(the body ended short of its length\) on \S+: retry 1", "all"),
    ("slow-loris response (a byte a second)", "slow_loris", ["-s", "DOWNLOAD_TIMEOUT=3"],
     EXIT_OK, r"TimeoutError: Getting \S+ took longer than 3\.0 seconds", "all"),
    ("redirect loop", "redirect_loop", [], EXIT_OK,
     r"redirect loop or alias: \S+redirect-loop-\w/ redirects to \S+, already fetched", "all"),
    ("50 MB response", "huge_response", [], EXIT_OK,
     r"Expected to receive 52428800 bytes which is larger than download max size "
     r"\(8388608\) in request <GET \S+fifty-megabytes/>", "all"),
    ("sitemap of 50,000 URLs", "sitemap_50k", [], EXIT_OK,
     r"large sitemap \S+fault-sitemap-50k\.xml: 50000 entries", "all"),
    ("sitemap gzip bomb (64 MB inflated)", "gzip_bomb", [], EXIT_OK,
     r"sitemap \S+ rejected: gzip bomb", "all"),
    ("sitemap XML bomb (entity expansion)", "xml_bomb", [], EXIT_OK,
     r"sitemap \S+ rejected: it declares a DTD", "all"),
    ("sitemap XXE (entity reading a local file)", "xxe", [], EXIT_OK,
     r"sitemap \S+ rejected: it declares a DTD", "all"),
    ("robots.txt answers 503", "robots_5xx", [], EXIT_ALERT,
     r"robots\.txt of \S+ unreachable \(HTTP 503\): assuming complete disallow", "none"),
    ("robots.txt times out", "robots_timeout",
     ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1"], EXIT_ALERT,
     r"robots\.txt of \S+ unreachable \(DownloadTimeoutError.*\): assuming complete disallow",
     "none"),
    ("URLs with odd bytes (non-UTF-8, over-long)", "odd_urls", [], EXIT_OK,
     r"Ignoring link \(url length > 2083\)", "all"),
]
SHORT_ROWS = {"robots_5xx"}


@pytest.mark.parametrize(("row", "fault", "extra", "code", "line", "expect"), [
    pytest.param(*r, id=r[1], marks=[SHORT] if r[1] in SHORT_ROWS else []) for r in ROWS])
def test_server_fault(make_mirror, mongo_db, mongo_server, tmp_path: Path, row: str,
                      fault: str, extra: list[str], code: int, line: str, expect: str) -> None:
    mirror = make_mirror(articles=ARTICLES, faults=[fault])
    crawl = Crawl(mongo_db, mongo_server.uri, mirror.base_url, tmp_path / "jobs")
    run = crawl.run("--discover", "sitemaps", *extra)
    check_run(run, code, line)
    expected = None if expect == "all" else set()
    trial = tally(row, mongo_db, mirror.manifest, str(run.code), run.seconds, expected)
    assert_nothing_lost(trial)
    if fault == "xxe":  # the local file's content never became a URL
        secret = Path(mirror_faults.XXE_TARGET).read_text().strip() or socket.gethostname()
        assert not [p for p in mirror.hits if secret in p or "/2020/01/06/" in p]
    if fault in ("robots_5xx", "robots_timeout"):  # complete disallow: only robots.txt
        assert set(mirror.hits) == {"/robots.txt"}, sorted(mirror.hits)
