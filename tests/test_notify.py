"""Notification levels, the message, and channels that fail (real receivers on loopback)."""

from __future__ import annotations

import json
import logging

import pytest
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.ops.afterrun import finish_run
from crawler.ops.notify import NotifyOptions, message_text, notify, should_notify
from crawler.ops.summary import RunSummary
from tests.receivers import HttpReceiver, SmtpReceiver, free_port

ALERT = RunSummary(site="s", run_id="s-1", status="alert", exit_code=4,
                   alerts=("extraction failure rate 40% over 25% (50 pages)",),
                   figures={"pages": 50, "stored": 30, "extract_failed": 20})
OK = RunSummary(site="s", run_id="s-2", status="finished", exit_code=0)
PARTIAL = RunSummary(site="s", run_id="s-3", status="partial", exit_code=3)


def settings(**over: object) -> Settings:
    s = Settings()
    s.setmodule(project_settings)
    s.setdict({"NEWSCRAWL_NOTIFY_WEBHOOK": "", "NEWSCRAWL_NOTIFY_SMTP_HOST": "",
               "NEWSCRAWL_METRICS_FILE": "", "NEWSCRAWL_METRICS_PUSHGATEWAY": "", **over})
    return s


def test_levels_choose_which_runs_are_worth_a_message() -> None:
    assert [should_notify(r, "alert") for r in (ALERT, OK, PARTIAL)] == [True, False, True]
    assert [should_notify(r, "failure") for r in (ALERT, OK, PARTIAL)] == [False, False, True]
    assert all(should_notify(r, "always") for r in (ALERT, OK, PARTIAL))
    assert not any(should_notify(r, "never") for r in (ALERT, OK, PARTIAL))
    # A failed monitor alone (exit code 0 never carries one, but the rule does not care).
    assert should_notify(RunSummary("s", "r", "finished", 0, alerts=("x",)), "alert")
    with pytest.raises(ValueError, match="NEWSCRAWL_NOTIFY_ON"):
        NotifyOptions.from_settings(settings(NEWSCRAWL_NOTIFY_ON="sometimes"))


def test_the_message_names_site_run_monitors_figures_and_the_next_command() -> None:
    text = message_text(ALERT)
    for expected in ("newscrawl s: run ALERT (exit code 4)", "Run: s-1",
                     "extraction failure rate 40% over 25% (50 pages)", "pages 50",
                     "extraction failures 20", "`newscrawl runs --site s`"):
        assert expected in text
    down = RunSummary("s", None, "failed", 1, error="Cannot reach MongoDB at mongodb://***@h/")
    assert "(no run record)" in message_text(down) and "Cannot reach" in message_text(down)


def test_failing_channels_are_logged_and_counted_never_raised(
        mongo_db, http_receiver: HttpReceiver, caplog) -> None:
    mongo_db["crawl_runs"].insert_one({"_id": "s-1", "site": "s", "stats": {}})
    http_receiver.status = 500
    secret = "/services/T1/B2/verysecrettoken"
    password = "hunter2-not-logged"
    s = settings(NEWSCRAWL_NOTIFY_WEBHOOK=http_receiver.base_url + secret,
                 NEWSCRAWL_NOTIFY_SMTP_HOST="127.0.0.1",
                 NEWSCRAWL_NOTIFY_SMTP_PORT=free_port(),  # nothing listens there
                 NEWSCRAWL_NOTIFY_SMTP_USER="u", NEWSCRAWL_NOTIFY_SMTP_PASSWORD=password,
                 NEWSCRAWL_NOTIFY_SMTP_TO="ops@example.org", NEWSCRAWL_NOTIFY_TIMEOUT=5)
    with caplog.at_level(logging.INFO):
        finish_run(s, ALERT, mongo_db)
    assert len(http_receiver.requests) == 1  # the webhook was tried once, and answered 500
    stats = mongo_db["crawl_runs"].find_one({"_id": "s-1"})["stats"]
    assert stats["notify/failed"] == 2 and stats["notify/sent"] == 0
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("by webhook" in e and "HTTP Error 500" in e for e in errors), errors
    assert any("by email" in e and "Connection refused" in e for e in errors), errors
    assert secret not in caplog.text and password not in caplog.text


def test_one_run_one_message_per_channel(http_receiver: HttpReceiver,
                                         smtp_receiver: SmtpReceiver) -> None:
    options = NotifyOptions.from_settings(settings(
        NEWSCRAWL_NOTIFY_ON="always", NEWSCRAWL_NOTIFY_WEBHOOK=http_receiver.base_url + "/h",
        NEWSCRAWL_NOTIFY_SMTP_HOST=smtp_receiver.host,
        NEWSCRAWL_NOTIFY_SMTP_PORT=smtp_receiver.port,
        NEWSCRAWL_NOTIFY_SMTP_TO="ops@example.org", NEWSCRAWL_NOTIFY_SMTP_STARTTLS=False))
    result = notify(OK, options)
    assert result.sent == ["webhook", "email"] and result.failed == []
    assert len(http_receiver.requests) == 1 and len(smtp_receiver.messages) == 1
    assert json.loads(http_receiver.requests[0].body)["text"].startswith(
        "newscrawl s: run FINISHED (exit code 0)")
    assert smtp_receiver.logins == []  # no user: no AUTH


def test_a_crawl_that_cannot_reach_the_database_is_notified(http_receiver: HttpReceiver,
                                                             tmp_path) -> None:
    import subprocess

    from tests.crawlutil import REPO, crawl_command, crawl_env

    env = crawl_env(f"mongodb://127.0.0.1:{free_port()}/", "x", tmp_path / "jobs",
                    NEWSCRAWL_NOTIFY_WEBHOOK=http_receiver.base_url + "/hook",
                    NEWSCRAWL_DB_CONNECT_TIMEOUT_MS="500")
    proc = subprocess.run(crawl_command("russianstudiesromania"), env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert len(http_receiver.requests) == 1
    text = json.loads(http_receiver.requests[0].body)["text"]
    assert "russianstudiesromania: run FAILED (exit code 1)" in text
    assert "(no run record)" in text and "Cannot reach MongoDB" in text
