"""The crontab scheduler: parsing, cron's weekday numbering, and running entries."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cli import EXIT_LOCKED
from crawler.ops.schedule import (
    Entry,
    Runner,
    ScheduleError,
    cron_trigger,
    next_runs,
    parse_crontab,
)
from tests.crawlutil import REPO

COMMANDS = ["crawl", "doctor", "report", "sites"]


def test_crontab_lines_become_entries() -> None:
    entries = parse_crontab("# comment\n\n17 3 * * *  newscrawl crawl site --job daily\n"
                            "0 */6 * * 1-5 report --output 'daily report.html'\n", COMMANDS)
    assert [e.line for e in entries] == [3, 4]
    assert entries[0].argv == ("crawl", "site", "--job", "daily")
    assert entries[1].argv == ("report", "--output", "daily report.html")
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # a Sunday
    (_, first), (_, second) = next_runs(entries, now=now)
    assert first == datetime(2026, 11, 30, 3, 17, tzinfo=UTC)
    assert second == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday: day 1 in cron


@pytest.mark.parametrize(("dow", "expected"), [
    ("0", "sun"), ("7", "sun"), ("1-5", "mon,tue,wed,thu,fri"), ("*/2", "sun,tue,thu,sat"),
    ("sat,0", "sat,sun"),
])
def test_weekdays_follow_cron_not_apscheduler(dow: str, expected: str) -> None:
    trigger = cron_trigger(f"0 0 * * {dow}")
    fired = set()
    when = datetime(2026, 11, 29, tzinfo=UTC)
    for _ in range(7):
        when = trigger.get_next_fire_time(None, when)
        fired.add(when.strftime("%a").lower())
        when = when.replace(hour=1)
    assert fired == set(expected.split(","))


@pytest.mark.parametrize(("text", "message"), [
    ("61 3 * * * crawl site", "line 1"),
    ("17 3 * * crawl site", "line 1"),
    ("17 3 * * * rm -rf /", "newscrawl subcommand"),
    ("# nothing\n", "no entry"),
])
def test_bad_crontabs_are_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_crontab(text, COMMANDS)


def test_check_prints_next_runs_and_refuses_a_bad_file(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "crawler.cli", "schedule", "--check"]
    ok = subprocess.run([*run, str(REPO / "deploy" / "crontab")], cwd=REPO,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "newscrawl crawl russianstudiesromania --job daily" in ok.stdout
    bad = tmp_path / "crontab"
    bad.write_text("* * * * * newscrawl schedule\n")  # the scheduler may not start itself
    refused = subprocess.run([*run, str(bad)], cwd=REPO, capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode == 2 and "line 1" in refused.stderr


def test_runner_reports_exit_codes_and_a_held_lease_as_skipped(caplog) -> None:
    entry = Entry(1, "* * * * *", ("sites",))
    with caplog.at_level(logging.INFO):
        assert Runner().run(entry) == 0
        held = Runner([sys.executable, "-c", f"import sys; sys.exit({EXIT_LOCKED})"])
        assert held.run(entry) == EXIT_LOCKED
        failing = Runner([sys.executable, "-c", "import sys; sys.exit(4)"])
        assert failing.run(entry) == 4
    messages = [(r.levelname, r.getMessage()) for r in caplog.records
                if r.name == "crawler.ops.schedule"]
    assert ("INFO", "line 1: newscrawl sites finished (exit code 0)") in messages
    assert any(level == "WARNING" and "skipped" in text for level, text in messages)
    assert ("ERROR", "line 1: newscrawl sites ended with exit code 4") in messages


def test_scheduler_starts_logs_its_entries_and_stops_on_sigterm(tmp_path: Path) -> None:
    import os
    import signal

    crontab = tmp_path / "crontab"
    crontab.write_text("17 3 * * * newscrawl sites\n")
    env = {**os.environ, "NEWSCRAWL_SCHEDULE_CRONTAB": str(crontab), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "schedule"], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the scheduler is up once it has logged its entries
            if "scheduled line 1: newscrawl sites, next at" in line:
                break
        else:
            raise AssertionError("the scheduler ended without scheduling its entry")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "stopping the scheduler" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
