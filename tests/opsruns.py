"""Two real crawls shared by the operations tests: a broken run, then a healthy one.

The first stores nothing (every body is "too short"), so its monitor fails; the second
stores the mirror's articles.  Both run with notifications to a local webhook receiver and
SMTP server, a metrics file and a Pushgateway receiver, into a database of their own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newscrawl_dev.mirror.server import MirrorServer
from tests.crawlutil import CrawlResult, crawl_env, run_crawl
from tests.fixtures_db import own_database
from tests.receivers import HttpReceiver, SmtpReceiver, serve_http, serve_smtp

SITE = "russianstudiesromania"
WEBHOOK_PATH = "/hooks/T000/B000/XXXXsecretXXXX"


@dataclass
class OpsRuns:
    db: Any
    env: dict[str, str]
    tmp: Path
    metrics_file: Path
    http: HttpReceiver
    smtp: SmtpReceiver
    bad: CrawlResult
    good: CrawlResult
    requests_after_bad: list[str]  # HTTP methods the receiver had seen after the bad run
    messages_after_bad: int


@pytest.fixture(scope="session")
def ops_runs(mongo_server) -> Iterator[OpsRuns]:
    with (own_database(mongo_server.uri, "test_ops") as db,
          tempfile.TemporaryDirectory(prefix="newscrawl-ops-") as tmpdir, serve_http() as http,
          serve_smtp() as smtp, MirrorServer(theme="newspaper", articles=20,
                                             traps=False) as mirror):
        tmp = Path(tmpdir)
        metrics_file = tmp / "textfile" / "newscrawl.prom"
        metrics_file.parent.mkdir()
        env = crawl_env(
            mongo_server.uri, db.name, tmp / "jobs",
            NEWSCRAWL_NOTIFY_WEBHOOK=http.base_url + WEBHOOK_PATH,
            NEWSCRAWL_NOTIFY_SMTP_HOST=smtp.host, NEWSCRAWL_NOTIFY_SMTP_PORT=str(smtp.port),
            NEWSCRAWL_NOTIFY_SMTP_USER=smtp.user, NEWSCRAWL_NOTIFY_SMTP_PASSWORD=smtp.password,
            NEWSCRAWL_NOTIFY_SMTP_FROM="crawler@example.org",
            NEWSCRAWL_NOTIFY_SMTP_TO="ops@example.org, oncall@example.org",
            NEWSCRAWL_NOTIFY_SMTP_STARTTLS="0",
            NEWSCRAWL_METRICS_FILE=str(metrics_file),
            NEWSCRAWL_METRICS_PUSHGATEWAY=http.base_url,
        )
        bad = run_crawl(db, mongo_server.uri, SITE, "--base-url", mirror.base_url,
                        "-s", "NEWSCRAWL_EXTRACT_MIN_WORDS=100000", env=env)
        after_bad = [r.method for r in http.requests]
        messages = len(smtp.messages)
        good = run_crawl(db, mongo_server.uri, SITE, "--base-url", mirror.base_url, env=env)
        yield OpsRuns(db, env, tmp, metrics_file, http, smtp, bad, good, after_bad, messages)
