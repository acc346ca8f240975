"""The job journal: which requests a resumable crawl claimed, and which of them are done.

``--job NAME`` keeps one append-only file, ``NEWSCRAWL_JOBS_DIR/NAME/journal.jsonl``.
A request is written there (a *claim*) when the spider creates it, before it is scheduled.
It is marked *done* when its outcome is durable:

* a listing, sitemap or feed page once its callback has returned, so every link it yielded
  is itself claimed in the journal;
* an article page when its callback yields no article (304, before ``--since``) or when
  the request or its article failed for a reason of its own (HTTP error, dropped item):
  the failure is recorded with its reason.

An article that reached a pipeline is never marked done here: whether it is stored is read
from the database when the job resumes.  On resume every claim that is neither done nor
stored is requested again (``resume/requeued``).  Scrapy's request fingerprints are not
consulted: a request seen but never stored is just a claim without an outcome.

Each record is one ``write`` of one JSON line (a SIGKILL cannot leave half a record; a
full disk can, and such a line is skipped when read).  A run that finishes clears the
journal, so the next run of the job starts afresh.  When a record cannot be written (disk
full, read-only directory) :class:`JournalError` is raised once and the journal stops
writing: the crawl must stop, as what it claims next could not be resumed.
"""

from __future__ import annotations

import errno
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FILENAME = "journal.jsonl"
# Request meta worth keeping to rebuild a request (all small values).
KEPT_META = ("nc_page", "nc_known_streak")
DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class JournalError(RuntimeError):
    """The journal could not be written: the job cannot be resumed past this point."""


@dataclass
class Claim:
    kind: str
    url: str
    hops: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pending:
    """What a journal says is unfinished: claims without an outcome, by canonical URL."""

    claims: dict[str, Claim] = field(default_factory=dict)
    done: int = 0
    failed: int = 0
    skipped_lines: int = 0


class Journal:
    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / FILENAME
        self._fd: int | None = None
        self.broken: OSError | None = None

    # --- reading (at start, before anything is written) ---------------------------------
    def read(self) -> Pending:
        pending = Pending()
        for record in self._records(pending):
            key = record.get("c")
            if not isinstance(key, str):
                pending.skipped_lines += 1
                continue
            if "k" in record:
                meta = record.get("m") if isinstance(record.get("m"), dict) else {}
                pending.claims[key] = Claim(str(record["k"]), str(record.get("u") or key),
                                            int(record.get("h") or 0), meta)
            elif pending.claims.pop(key, None) is not None:
                if record.get("r") == "done":
                    pending.done += 1
                else:
                    pending.failed += 1
        return pending

    def _records(self, pending: Pending) -> Iterator[dict[str, Any]]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                pending.skipped_lines += 1
                continue
            if isinstance(record, dict):
                yield record

    # --- writing ----------------------------------------------------------------------
    def open(self) -> None:
        """Open for appending (raises JournalError when the job directory is not writable)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            size = os.fstat(self._fd).st_size
            if size and _last_byte(self.path) != b"\n":  # a record cut by a full disk
                self._write(b"\n")
        except OSError as exc:
            self._fail(exc)

    def claim(self, canonical: str, claim: Claim) -> None:
        record: dict[str, Any] = {"c": canonical, "k": claim.kind, "u": claim.url}
        if claim.hops:
            record["h"] = claim.hops
        if claim.meta:
            record["m"] = claim.meta
        self._append(record)

    def done(self, canonical: str, outcome: str = "done") -> None:
        """Mark a claim finished; ``outcome`` other than "done" records a failure's reason."""
        self._append({"c": canonical, "r": outcome})

    def _append(self, record: dict[str, Any]) -> None:
        if self._fd is None or self.broken is not None:
            return
        line = json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n"
        try:
            self._write(line.encode("ascii"))
        except OSError as exc:
            self._fail(exc)

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        written = os.write(self._fd, data)
        if written != len(data):
            raise OSError(errno.ENOSPC, "short write")

    def _fail(self, exc: OSError) -> None:
        self.broken = exc
        self.close()
        reason = "disk full" if exc.errno in DISK_FULL else "write failed"
        raise JournalError(f"job journal {self.path}: {reason} ({exc.strerror or exc})") from exc

    def clear(self) -> None:
        """Forget everything (the job finished): the next run starts afresh."""
        self.close()
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("could not clear the job journal %s: %s", self.path, exc)

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1)
