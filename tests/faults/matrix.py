"""The fault matrix: run a crawl under a fault, check what the database holds, tabulate.

Every trial checks the same things: each article of the mirror's manifest that the fault
leaves fetchable is stored (``lost``: expected but not stored, including anything stored
before the fault and gone after), none is stored twice (the same body under two URLs
without ``duplicate_of``, or one URL twice), the crawl ends with the documented exit code
and a log line naming the fault, no traceback, and within its time bound.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.crawlutil import REPO, crawl_command, crawl_env, found_urls, manifest_articles

SITE = "russianstudiesromania"
TRIAL_TIMEOUT = 240.0  # seconds for one crawl: more is a hang
# Small batches and a short flush: some articles are stored, others buffered, at any fault.
FAST = ["--no-delay", "--workers", "1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "NEWSCRAWL_STORE_BATCH_SIZE=4", "-s", "NEWSCRAWL_STORE_FLUSH_INTERVAL=0.3"]


@dataclass
class Trial:
    fault: str
    expected: int
    stored: int
    lost: int
    twice: int
    outcome: str  # exit code(s), e.g. "0" or "3, then 0 on resume"
    recover_s: float


@dataclass
class Run:
    code: int
    stderr: str
    seconds: float
    hung: bool = False
    stopped: bool = False  # the crawler stopped itself (SIGSTOP) for the test to act


TABLE: dict[str, list[Trial]] = {}


def record(trial: Trial) -> None:
    TABLE.setdefault(trial.fault, []).append(trial)


def render_table(rows: dict[str, list[Trial]] | None = None) -> str:
    rows = TABLE if rows is None else rows
    out = ["| fault | trials | articles expected | stored | lost | stored twice "
           "| crawl outcome (exit code) | time to recover s |",
           "|---|---:|---:|---:|---:|---:|---|---:|"]
    for fault, trials in rows.items():
        codes = "; ".join(sorted({t.outcome for t in trials}))
        out.append(f"| {fault} | {len(trials)} | {sum(t.expected for t in trials)} | "
                   f"{sum(t.stored for t in trials)} | {sum(t.lost for t in trials)} | "
                   f"{sum(t.twice for t in trials)} | {codes} | "
                   f"{max(t.recover_s for t in trials):.1f} |")
    return "\n".join(out)


@dataclass
class Crawl:
    """One site's crawl set-up: the database, the mirror, the job directory, the env."""

    db: Any
    uri: str
    base_url: str
    jobs_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self, hooks: bool = False) -> dict[str, str]:
        env = crawl_env(self.uri, self.db.name, jobs_dir=self.jobs_dir, **self.extra_env)
        if hooks:
            env["SCRAPY_SETTINGS_MODULE"] = "tests.fault_settings"
        return env

    def args(self, *extra: str) -> list[str]:
        return [SITE, "--base-url", self.base_url, *FAST, *extra]

    def start(self, *extra: str, hooks: bool = False,
              preexec: Any = None) -> tuple[subprocess.Popen, Output]:
        proc = subprocess.Popen(crawl_command(*self.args(*extra)), env=self.env(hooks),
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=preexec)
        return proc, Output(proc)

    def run(self, *extra: str, hooks: bool = False, preexec: Any = None,
            timeout: float = TRIAL_TIMEOUT) -> Run:
        proc, log = self.start(*extra, hooks=hooks, preexec=preexec)
        return finish(proc, log, timeout)


class Output:
    """The crawl's output, read by a thread (a pipe: no file the crawl's limits apply to)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, args=(proc.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream: Any) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            self.chunks.append(chunk)
        stream.close()

    def text(self) -> str:
        self.thread.join(timeout=30)
        return b"".join(self.chunks).decode("utf-8", "replace")

    def wait_for(self, pattern: str, timeout: float) -> bool:
        """Whether the crawl logged ``pattern`` within ``timeout`` seconds (it runs on)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, b"".join(self.chunks).decode("utf-8", "replace")):
                return True
            if not self.thread.is_alive():
                return False
            time.sleep(0.05)
        return False


def finish(proc: subprocess.Popen, log: Output, timeout: float = TRIAL_TIMEOUT,
           until_stopped: bool = False) -> Run:
    """Wait for the crawl (or, ``until_stopped``, for it to stop itself); kill it and its
    workers at ``timeout``, which the trial then reports as a hang."""
    started = time.monotonic()
    hung = threading.Event()

    def watchdog() -> None:
        hung.set()
        _killpg(proc.pid)

    timer = threading.Timer(timeout, watchdog)
    timer.start()
    stopped = False
    try:
        if until_stopped:
            _, status = os.waitpid(proc.pid, os.WUNTRACED)
            stopped = os.WIFSTOPPED(status)
            if not stopped:  # it ended instead: let Popen know its exit status
                proc.returncode = os.waitstatus_to_exitcode(status)
        if not stopped:
            proc.wait()
    finally:
        timer.cancel()
    if stopped:
        return Run(0, "", time.monotonic() - started, stopped=True)
    _killpg(proc.pid)  # workers left behind by a SIGKILLed crawler
    return Run(proc.returncode, log.text(), time.monotonic() - started, hung.is_set())


def _killpg(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def check_run(run: Run, code: int, line: str | None) -> None:
    """The documented outcome: exit code, a log line naming the fault, no traceback."""
    assert not run.hung, f"no end within {TRIAL_TIMEOUT}s:\n{run.stderr[-3000:]}"
    assert run.code == code, f"exit {run.code}, expected {code}:\n{run.stderr[-3000:]}"
    assert "Traceback" not in run.stderr, run.stderr[run.stderr.index("Traceback") - 500:][:4000]
    if line:
        assert re.search(line, run.stderr), f"no log line /{line}/:\n{run.stderr[-3000:]}"


def tally(fault: str, db: Any, manifest: dict[str, Any], outcome: str, seconds: float,
          expected: set[str] | None = None) -> Trial:
    """What the database holds against the manifest; recorded in the table."""
    expected = manifest_articles(manifest) if expected is None else expected
    docs = list(db["articles"].find({"site": SITE}, {"canonical_url": 1, "content_hash": 1,
                                                     "duplicate_of": 1}))
    per_url = Counter(d["canonical_url"] for d in docs)
    per_body = Counter(d.get("content_hash") for d in docs
                       if not d.get("duplicate_of") and d.get("content_hash"))
    twice = (sum(n - 1 for n in per_url.values())
             + sum(n - 1 for n in per_body.values()))
    found = found_urls(db, SITE)
    trial = Trial(fault, len(expected), len(expected & found), len(expected - found), twice,
                  outcome, seconds)
    record(trial)
    return trial


def assert_nothing_lost(trial: Trial) -> None:
    assert trial.lost == 0 and trial.twice == 0, trial
