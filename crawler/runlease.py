"""No two runs of one site and job at once: a lease in MongoDB, renewed while the run lives.

The lease is the document ``{_id: "SITE/JOB"}`` in ``run_leases``.  A run takes it before
the crawl starts, a thread renews it every third of ``NEWSCRAWL_RUN_LEASE_TTL`` (off the
reactor, so a slow database never stalls the crawl), and the run deletes it at its end.
A second start while the lease is live exits at once with ``EXIT_LOCKED``.

A run that dies without releasing (SIGKILL, power loss) leaves its lease behind: it is
taken over once ``expires_at`` is past, or at once by a run on the same host when the
holder's process is gone.  Taking over is one conditional update on ``_id``, so two runs
racing for an expired lease cannot both win.  Expiry compares the hosts' clocks: keep
them within a small fraction of the TTL (NTP).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil
from pymongo.errors import DuplicateKeyError, PyMongoError

logger = logging.getLogger(__name__)

COLLECTION = "run_leases"


@dataclass(frozen=True)
class Holder:
    """Who holds a lease, as told to the run that could not take it."""

    run_id: str
    host: str
    pid: int
    expires_at: datetime | None

    def describe(self) -> str:
        until = f", lease until {self.expires_at:%Y-%m-%d %H:%M:%S} UTC" if self.expires_at else ""
        return f"run {self.run_id} (pid {self.pid} on {self.host}{until})"


class LeaseHeld(RuntimeError):
    """Another live run holds the lease."""

    def __init__(self, key: str, holder: Holder) -> None:
        super().__init__(f"{key} is already being crawled by {holder.describe()}")
        self.key = key
        self.holder = holder


def lease_key(site: str, job: str | None) -> str:
    return f"{site}/{job or '-'}"


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RunLease:
    """The lease of one run: :meth:`acquire`, then :meth:`start` renewing, :meth:`release`."""

    def __init__(self, db: Any, key: str, run_id: str, ttl: float,
                 on_lost: Callable[[str], None] | None = None) -> None:
        self.collection = db[COLLECTION]
        self.key = key
        self.run_id = run_id
        self.ttl = max(float(ttl), 1.0)
        self.on_lost = on_lost
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _doc(self) -> dict[str, Any]:
        now = _now()
        return {"run_id": self.run_id, "host": self.host, "pid": self.pid,
                "renewed_at": now, "expires_at": now + timedelta(seconds=self.ttl)}

    def acquire(self) -> None:
        """Take the lease or raise :class:`LeaseHeld` (PyMongoError when the database fails)."""
        try:
            self.collection.insert_one({"_id": self.key, "acquired_at": _now(), **self._doc()})
            return
        except DuplicateKeyError:
            pass
        current = self.collection.find_one({"_id": self.key}) or {}
        holder = Holder(str(current.get("run_id", "?")), str(current.get("host", "?")),
                        int(current.get("pid") or 0), _as_utc(current.get("expires_at")))
        if not self._is_dead(holder):
            raise LeaseHeld(self.key, holder)
        # Conditional on the holder we saw: of two runs taking over, one matches.
        taken = self.collection.update_one(
            {"_id": self.key, "run_id": holder.run_id},
            {"$set": {"acquired_at": _now(), **self._doc()}})
        if taken.modified_count != 1:
            current = self.collection.find_one({"_id": self.key}) or {}
            raise LeaseHeld(self.key, Holder(
                str(current.get("run_id", "?")), str(current.get("host", "?")),
                int(current.get("pid") or 0), _as_utc(current.get("expires_at"))))
        logger.warning("run lease %s: took over from %s, which is gone", self.key,
                       holder.describe())

    def _is_dead(self, holder: Holder) -> bool:
        if holder.expires_at is None or holder.expires_at <= _now():
            return True
        return (holder.host == self.host and holder.pid != self.pid
                and not psutil.pid_exists(holder.pid))

    def renew(self) -> bool:
        """Push the expiry forward; False when another run has taken the lease."""
        result = self.collection.update_one({"_id": self.key, "run_id": self.run_id},
                                            {"$set": self._doc()})
        return result.matched_count == 1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._renew_loop, name="run-lease", daemon=True)
        self._thread.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if self.renew():
                    continue
            except PyMongoError as exc:  # a database outage: the lease may still be ours
                logger.warning("run lease %s: could not renew: %s", self.key, exc)
                continue
            self.lost = True
            logger.error("run lease %s: lost to another run; stopping this one", self.key)
            if self.on_lost is not None:
                self.on_lost(self.key)
            return

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.lost:
            return
        try:
            self.collection.delete_one({"_id": self.key, "run_id": self.run_id})
        except PyMongoError as exc:
            logger.warning("run lease %s: could not release (it expires by itself): %s",
                           self.key, exc)
