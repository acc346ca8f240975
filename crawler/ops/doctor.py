"""Health checks for ``newscrawl doctor``: each returns one :class:`Check` with its fix.

Checks are independent and bounded in time (the database by
``NEWSCRAWL_DOCTOR_TIMEOUT_MS``, Redis by the same timeout), so that the command can serve
as a container healthcheck.  No message shows a credential: URIs go through ``redact_uri``.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.storage.client import redact_uri


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    skipped: bool = False

    def line(self) -> str:
        status = "skip" if self.skipped else ("ok" if self.ok else "FAIL")
        text = f"{status:<5} {self.name:<9} {self.detail}"
        return text if self.ok or not self.fix else f"{text} -- fix: {self.fix}"


def check_database(uri: str | None, database: str | None, timeout_ms: int) -> tuple[Check, Any]:
    """(check, (client, db) or None)."""
    from crawler.storage.client import DatabaseUnavailable, capabilities, connect

    try:
        client, db = connect(uri, database, timeout_ms=timeout_ms)
    except DatabaseUnavailable as exc:
        return Check("database", False, str(exc).split(". ")[0],
                     "start the server (`newscrawl db start`, `docker compose up -d mongo`) "
                     "or set MONGO_URI to one that runs"), None
    caps = capabilities(db)
    server = (f"FerretDB {caps.ferretdb_version}" if caps.is_ferretdb
              else f"MongoDB {caps.version}")
    address = ", ".join(f"{h}:{p}" for h, p in sorted(client.nodes)) or "?"
    return Check("database", True, f"{server} at {address}, database {db.name}"), (client, db)


def check_schema(db: Any) -> Check:
    from crawler.storage.indexes import INDEXES, SCHEMA_VERSION, schema_version

    missing = []
    for collection, models in INDEXES.items():
        present = set(db[collection].index_information())
        missing += [f"{collection}.{m.document['name']}" for m in models
                    if m.document["name"] not in present]
    version = schema_version(db)
    problems = []
    if missing:
        problems.append(f"{len(missing)} index(es) missing ({', '.join(missing[:4])}"
                        f"{', ...' if len(missing) > 4 else ''})")
    if version != SCHEMA_VERSION:
        problems.append(f"schema version {version}, this code needs {SCHEMA_VERSION}")
    if problems:
        fix = ("upgrade newscrawl" if version > SCHEMA_VERSION else
               "`newscrawl doctor --fix` creates the indexes and migrates (a crawl does too)")
        return Check("schema", False, "; ".join(problems), fix)
    count = sum(len(m) for m in INDEXES.values())
    return Check("schema", True, f"{count} indexes, schema version {version}")


def check_profiles(extra: list[str]) -> Check:
    from crawler.profiles import ProfileError, available_profiles, load_profile

    paths = [str(p) for p in available_profiles()] + list(extra)
    bad = []
    for path in paths:
        try:
            load_profile(path)
        except ProfileError as exc:
            bad.append(f"{Path(path).name}: {exc}")
    if bad:
        return Check("profiles", False, f"{len(bad)} of {len(paths)} invalid: {'; '.join(bad)}",
                     "correct the file (docs/profiles.md); `newscrawl sites` shows every error")
    return Check("profiles", True, f"{len(paths)} valid")


def check_redis(url: str, timeout: float) -> Check:
    if not url:
        return Check("redis", True, "not configured (NEWSCRAWL_REDIS_URL is empty)", skipped=True)
    shown = redact_uri(url)
    try:
        resp_ping(url, timeout)
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}".replace(url, shown)
        return Check("redis", False, f"no PONG from {shown} ({detail[:200]})",
                     "start Redis (`docker compose up -d redis`) or correct NEWSCRAWL_REDIS_URL")
    return Check("redis", True, f"PONG from {shown}")


def resp_ping(url: str, timeout: float) -> None:
    """AUTH (when the URL has a password) and PING in Redis's wire protocol (RESP).

    The standard library suffices for two commands, so the check works whether or not a
    Redis client library is installed.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError("a Redis URL starts with redis:// or rediss://")
    commands: list[list[str]] = []
    if parts.password:
        auth = [unquote(parts.username), unquote(parts.password)] if parts.username else [
            unquote(parts.password)]
        commands.append(["AUTH", *auth])
    commands.append(["PING"])
    with socket.create_connection((parts.hostname or "localhost", parts.port or 6379),
                                  timeout=timeout) as raw:
        sock: Any = raw
        if parts.scheme == "rediss":
            sock = ssl.create_default_context().wrap_socket(raw, server_hostname=parts.hostname)
        for command in commands:
            sock.sendall(b"".join([f"*{len(command)}\r\n".encode()] + [
                f"${len(arg.encode())}\r\n{arg}\r\n".encode() for arg in command]))
            reply = sock.recv(512)
            if reply.startswith(b"-"):
                raise ConnectionError(reply[1:].decode("utf-8", "replace").strip()[:100])
        if not reply.startswith(b"+PONG"):
            raise ConnectionError("PING was not answered with PONG")


def check_jobs_dir(path: str, min_free_mb: int) -> Check:
    directory = Path(path).resolve()
    fix = (f"make {directory} writable by this user (uid {os.getuid()}) "
           "or point NEWSCRAWL_JOBS_DIR elsewhere")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("jobs dir", False, f"{directory} is not writable ({exc.strerror})", fix)
    free_mb = shutil.disk_usage(directory).free // (1024 * 1024)
    if free_mb < min_free_mb:
        return Check("jobs dir", False, f"{directory}: {free_mb} MB free, under {min_free_mb} MB",
                     "free disk space or move NEWSCRAWL_JOBS_DIR to a larger volume")
    return Check("jobs dir", True, f"{directory} writable, {free_mb} MB free")
