"""The Redis server of a distributed crawl, resolved like the database.

1. ``NEWSCRAWL_REDIS_URL`` (or ``--redis URL``) when set: a server run elsewhere;
2. else ``redis-server`` on ``PATH``, started on a free loopback port in a temporary
   directory (``--bind 127.0.0.1``, no snapshots, no append-only file) and stopped after;
3. else an error naming the three ways to get one (``make redis`` installs Debian's
   ``redis-server`` package when run as root).

A local server can be stopped, killed and started again on the same port, which the fault
tests use to restart Redis under running workers.  URLs are logged through
:func:`redact_url` only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from crawler.loopback import LOOPBACK, free_port
from crawler.storage.client import redact_uri

logger = logging.getLogger(__name__)

START_TIMEOUT = 10.0  # seconds until a started server must answer PING
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL


class RedisUnavailable(RuntimeError):
    """No Redis: the message names the three ways to get one."""


def redact_url(url: str) -> str:
    """``url`` without its password (``redis://:secret@host`` -> ``redis://***@host``)."""
    return redact_uri(url)


def ping(url: str, timeout: float = 2.0) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


class RedisServer:
    """A server reachable at ``url``; ``close()`` stops it when this process started it."""

    kind = "external"

    def __init__(self, url: str) -> None:
        self._url = url

    @property
    def url(self) -> str:
        return self._url

    def close(self) -> None:
        return None

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {redact_url(self.url)}>"


class LocalRedisServer(RedisServer):
    """``redis-server`` on a free loopback port, data (if any) in a temporary directory."""

    kind = "local"

    def __init__(self, binary: str, port: int | None = None) -> None:
        super().__init__("")
        self.binary = binary
        self.port = port
        self.dir: Path | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> LocalRedisServer:
        """Start (again, on the same port, after stop/kill); returns once it answers PING."""
        if self.running:
            return self
        if self.dir is None:
            self.dir = Path(tempfile.mkdtemp(prefix="newscrawl-redis-"))
        if self.port is None:
            self.port = free_port()
        log = (self.dir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            [self.binary, "--bind", LOOPBACK, "--port", str(self.port), "--dir", str(self.dir),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes",
             "--daemonize", "no", "--logfile", ""],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if ping(self.url, timeout=0.5):
                logger.info("started redis-server on %s", self.url)
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        tail = (self.dir / "redis.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RedisUnavailable(f"redis-server did not start on port {self.port}: {tail}")

    def stop(self, signum: int = signal.SIGTERM) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signum)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def close(self) -> None:
        self.stop()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def unavailable_message() -> str:
    return ("no Redis server: set NEWSCRAWL_REDIS_URL (or --redis URL) to a running server, "
            "put redis-server on PATH (it is then started on a free loopback port), or run "
            "'make redis' as root to install Debian's redis-server package")


def resolve_redis(url: str | None = None) -> RedisServer:
    """The Redis of this process: ``url``/``NEWSCRAWL_REDIS_URL``, else a local server."""
    url = url or os.environ.get("NEWSCRAWL_REDIS_URL", "")
    if url:
        return RedisServer(url)
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(unavailable_message())
    return LocalRedisServer(binary).start()
