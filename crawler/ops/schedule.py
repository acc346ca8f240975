"""The container scheduler: run the crawls of a crontab file, as cron would, without root.

A crontab line is five cron fields and a ``newscrawl`` command line::

    # m  h  dom mon dow  command
    17   3  *   *   *    newscrawl crawl russianstudiesromania --job daily

Each line becomes an APScheduler cron job (UTC unless ``--timezone``) that runs the command
in a child process.  A job that is still running when its next time comes is not started
twice (``max_instances=1``), and runs of one site and job started from elsewhere (a second
scheduler, cron on another host) are kept apart by the crawl's run lease: such a run exits
with code 5 at once, which is logged as skipped, not as a failure.
"""

from __future__ import annotations

import logging
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.cli import EXIT_LOCKED

logger = logging.getLogger(__name__)

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleError(ValueError):
    """A crontab line that cannot be scheduled; the message names the line."""


@dataclass(frozen=True)
class Entry:
    line: int
    expression: str  # the five cron fields
    argv: tuple[str, ...]  # the newscrawl arguments (without "newscrawl")

    @property
    def name(self) -> str:
        return f"line {self.line}: newscrawl {shlex.join(self.argv)}"

    def trigger(self, timezone: Any = UTC) -> CronTrigger:
        return cron_trigger(self.expression, timezone)


def _weekdays(field: str) -> str:
    """Cron's day-of-week numbers (0 and 7 Sunday) as names, which APScheduler 3 reads
    without its Monday-first numbering; ranges and steps are expanded."""
    if field == "*":
        return field
    names = []
    for item in field.split(","):
        base, _, step = item.partition("/")
        if any(c.isalpha() for c in base):
            names.append(item)
            continue
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            first, last = (int(x) for x in base.split("-", 1))
        else:
            first = int(base)
            last = 6 if step else first
        if not (0 <= first <= 7 and 0 <= last <= 7):
            raise ValueError(f"day of week {item!r} is outside 0-7")
        names += [DAY_NAMES[d] for d in range(first, last + 1, int(step or 1))]
    return ",".join(dict.fromkeys(names))


def cron_trigger(expression: str, timezone: Any = UTC) -> CronTrigger:
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 cron fields, got {len(fields)}")
    minute, hour, day, month, dow = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_weekdays(dow), timezone=timezone)


def parse_crontab(text: str, commands: Sequence[str] = ()) -> list[Entry]:
    """The entries of a crontab; ``commands`` (if given) are the allowed subcommands."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 5)
        if len(parts) < 6:
            raise ScheduleError(f"line {number}: expected 5 cron fields and a command")
        expression = " ".join(parts[:5])
        try:
            cron_trigger(expression)
            argv = shlex.split(parts[5])
        except ValueError as exc:
            raise ScheduleError(f"line {number}: {exc}") from None
        if argv and argv[0] == "newscrawl":
            argv = argv[1:]
        if not argv or (commands and argv[0] not in commands):
            raise ScheduleError(f"line {number}: the command must be a newscrawl subcommand "
                                f"({', '.join(commands) or 'e.g. crawl'}), got {parts[5]!r}")
        entries.append(Entry(number, expression, tuple(argv)))
    if not entries:
        raise ScheduleError("the crontab has no entry")
    return entries


def newscrawl_command() -> list[str]:
    return [sys.executable, "-m", "crawler.cli"]


class Runner:
    """Runs entries as child processes and remembers them, so that a stop can end them."""

    def __init__(self, command: Sequence[str] | None = None) -> None:
        self.command = list(command or newscrawl_command())
        self.running: set[subprocess.Popen[bytes]] = set()
        self.lock = threading.Lock()

    def run(self, entry: Entry) -> int:
        logger.info("starting %s", entry.name)
        proc = subprocess.Popen([*self.command, *entry.argv])
        with self.lock:
            self.running.add(proc)
        try:
            code = proc.wait()
        finally:
            with self.lock:
                self.running.discard(proc)
        if code == 0:
            logger.info("%s finished (exit code 0)", entry.name)
        elif code == EXIT_LOCKED:
            logger.warning("%s skipped: another run holds the lease of this site and job "
                           "(exit code 5)",
                           entry.name)
        else:
            logger.error("%s ended with exit code %d", entry.name, code)
        return code

    def terminate(self) -> None:
        """SIGTERM to every running crawl (Scrapy then closes them cleanly)."""
        with self.lock:
            for proc in self.running:
                proc.terminate()


def next_runs(entries: Sequence[Entry], timezone: Any = UTC,
              now: datetime | None = None) -> list[tuple[Entry, datetime]]:
    now = now or datetime.now(UTC)
    return [(e, e.trigger(timezone).get_next_fire_time(None, now)) for e in entries]


def serve(entries: Sequence[Entry], timezone: Any = UTC, runner: Runner | None = None) -> None:
    """Run the entries on their schedules until SIGTERM or SIGINT."""
    runner = runner or Runner()
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        logger.info("stopping the scheduler (signal %d); running crawls get SIGTERM", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler = BackgroundScheduler(timezone=timezone)
    for entry in entries:
        scheduler.add_job(runner.run, entry.trigger(timezone), args=[entry], id=str(entry.line),
                          name=entry.name, max_instances=1, coalesce=True,
                          misfire_grace_time=300)
    scheduler.start()
    for entry, when in next_runs(entries, timezone):
        logger.info("scheduled %s, next at %s", entry.name, when)
    stop.wait()
    runner.terminate()
    scheduler.shutdown(wait=True)  # the crawls close within their own SIGTERM handling
