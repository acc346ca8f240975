"""The mirror's HTTP server: a small asyncio HTTP/1.1 server on loopback, in-process or standalone.

One event loop in a background thread serves every connection (keep-alive, pipelining, GET and
HEAD); a request costs a parse of its head and one call of :meth:`MirrorApp.handle`, far less
than ``http.server``'s thread and email parser per request, so that a benchmark crawling the
mirror measures the crawler.

>>> with MirrorServer(theme="newspaper", articles=60) as m:   # doctest: +SKIP
...     m.base_url, m.manifest["expected_article_count"]
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import struct
import threading
import time
from collections import Counter, deque
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

from newscrawl_dev.mirror.app import MirrorApp, Response

RECORDED_HEADERS = ("If-None-Match", "If-Modified-Since", "User-Agent", "Accept-Encoding")
MAX_RECORDED = 100_000
MAX_HEAD = 64 * 1024  # bytes of request line and headers, like http.server's line limit
MAX_HEADERS = 100
SERVER = "Apache"
SMALL_BODY = 16 * 1024  # sent in one write with the head
WRITE_BUFFER = 4 * 1024 * 1024  # stop reading a connection's requests above this much unsent
REASONS = {s.value: s.phrase for s in HTTPStatus}
END_OF_HEAD = re.compile(rb"\r?\n\r?\n")
VERSION = re.compile(r"HTTP/(\d)\.(\d)")

log = logging.getLogger(__name__)


class _Date:
    """The Date header value, formatted once a second."""

    def __init__(self) -> None:
        self.second = -1
        self.value = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self.second:
            self.second, self.value = second, formatdate(second, usegmt=True)
        return self.value


class _Connection(asyncio.Protocol):
    """One client connection: parses request heads as they arrive and answers them in order."""

    def __init__(self, mirror: MirrorServer, date: _Date) -> None:
        self.mirror = mirror
        self.date = date
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.discard = 0  # request body bytes still to skip
        self.paused = False
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.set_write_buffer_limits(high=WRITE_BUFFER)
        self.mirror._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.mirror._connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._process()

    def pause_writing(self) -> None:
        self.paused = True
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.paused = False
        if self.transport is not None and not self.closing:
            self.transport.resume_reading()
            self._process()

    def close(self, abort: bool = False) -> None:
        """Close after the unsent data (``abort``: at once, dropping it)."""
        self.closing = True
        if self.transport is not None:
            if abort:
                self.transport.abort()
            else:
                self.transport.close()

    # --- requests -----------------------------------------------------------------------
    def _process(self) -> None:
        while not self.paused and not self.closing:
            if self.discard:
                skipped = min(self.discard, len(self.buffer))
                del self.buffer[:skipped]
                self.discard -= skipped
                if self.discard:
                    return
            while self.buffer.startswith((b"\r\n", b"\n")):  # empty lines between requests
                del self.buffer[:1 if self.buffer[0] == 10 else 2]
            end = END_OF_HEAD.search(self.buffer)
            if end is None:
                if len(self.buffer) > MAX_HEAD:
                    self._error(431)
                return
            head = bytes(self.buffer[:end.start()])
            del self.buffer[:end.end()]
            self._request(head.decode("iso-8859-1"))

    def _request(self, head: str) -> None:
        lines = head.split("\n")
        words = lines[0].split()
        if len(lines) > MAX_HEADERS + 1:
            self._error(431)
            return
        match = VERSION.fullmatch(words[2]) if len(words) == 3 else None
        if match is None:
            self._error(400)
            return
        version = int(match[1]), int(match[2])
        if version >= (2, 0):
            self._error(505)
            return
        method, target = words[0], words[1]
        fields: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                self._error(400)
                return
            fields.setdefault(name.lower(), value.strip())
        if "transfer-encoding" in fields:  # a chunked request body: not for a mirror
            self._error(501)
            return
        length = fields.get("content-length", "0")
        if not length.isdigit():
            self._error(400)
            return
        self.discard = int(length)
        if method not in ("GET", "HEAD"):
            self._error(501)
            return
        tokens = {t.strip().lower() for t in fields.get("connection", "").split(",")}
        keep_alive = "close" not in tokens if version >= (1, 1) else "keep-alive" in tokens
        if target.startswith("//"):  # as http.server: no open redirect via a scheme-less URL
            target = "/" + target.lstrip("/")
        self._serve(method, target, fields, keep_alive)

    def _serve(self, method: str, target: str, fields: dict[str, str], keep_alive: bool) -> None:
        mirror = self.mirror
        headers = {k: v for k in RECORDED_HEADERS if (v := fields.get(k.lower())) is not None}
        mirror._record(method, target, headers)
        try:
            resp = mirror._require().handle(method, target, headers)
        except Exception:  # a bug in the mirror must show as a 500, not a dropped connection
            mirror.errors += 1
            log.exception("mirror: error serving %s %s", method, target)
            self._error(500)
            return
        self._send(resp, keep_alive)

    def _send(self, resp: Response, keep_alive: bool) -> None:
        assert self.transport is not None
        lines = [f"HTTP/1.1 {resp.status} {REASONS.get(resp.status, '')}",
                 f"Server: {SERVER}", f"Date: {self.date.now()}"]
        lines += [f"{name}: {value}" for name, value in resp.headers.items()]
        if "Content-Length" not in resp.headers:
            lines.append(f"Content-Length: {len(resp.body)}")
        if not keep_alive:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1")
        if resp.mode:
            self._send_faulty(resp, head)
            return
        if len(resp.body) < SMALL_BODY:
            self.transport.write(head + resp.body)
        else:  # two sends cost less than copying a page into one buffer
            self.transport.write(head)
            self.transport.write(resp.body)
        if not keep_alive:
            self.close()

    def _send_faulty(self, resp: Response, head: bytes) -> None:
        """A fault of the mirror (see mirror/faults.py); no further request is read."""
        assert self.transport is not None
        self.closing = True
        half = resp.body[:len(resp.body) // 2]
        if resp.mode == "reset":
            self.transport.write(head + half)
            sock = self.transport.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0: the close sends a TCP reset
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.mirror._loop_call(0.05, self.transport.abort)
        elif resp.mode == "truncate":
            self.transport.write(head + half)
            self.transport.close()
        elif resp.mode == "slow":
            self.transport.write(head)
            self._drip(resp.body, 0)
        # "silent": the request is never answered; the client gives up

    def _drip(self, body: bytes, pos: int) -> None:
        """Slow-loris: one byte a second until the client gives up."""
        transport = self.transport
        if transport is None or transport.is_closing() or pos >= len(body):
            return
        transport.write(body[pos:pos + 1])
        self.mirror._loop_call(1.0, self._drip, body, pos + 1)

    def _error(self, status: int) -> None:
        """Answer ``status`` with a short page and close, as ``http.server``'s send_error."""
        reason = REASONS.get(status, "")
        body = (f"<!DOCTYPE html>\n<html><head><title>Error response</title></head><body>"
                f"<h1>Error response</h1><p>Error code: {status}</p><p>Message: {reason}.</p>"
                "</body></html>\n").encode()
        self._send(Response(status, body, {"Content-Type": "text/html;charset=utf-8"}), False)


class MirrorServer:
    """An offline mirror site served on ``host:port`` (port 0: any free port).

    ``prerender`` renders every article page before the server starts (see
    :class:`MirrorApp`): more memory and start-up time, less CPU per request.
    """

    def __init__(self, theme: str = "newspaper", articles: int | None = None, port: int = 0,
                 revision: int = 1, traps: bool = True, host: str = "127.0.0.1",
                 sitemap_page_size: int = 50, prerender: bool = False,
                 faults: tuple[str, ...] | list[str] = ()) -> None:
        self.theme = theme
        self.fault_names = tuple(faults)
        self.articles = articles
        self.port = port
        self.host = host
        self.traps = traps
        self.sitemap_page_size = sitemap_page_size
        self.prerender = prerender
        self._revision = revision
        self.hits: Counter[str] = Counter()
        self.requests: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=MAX_RECORDED)
        self.errors = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[_Connection] = set()
        self.app: MirrorApp | None = None

    # --- life cycle ---------------------------------------------------------------------
    def start(self) -> MirrorServer:
        if self._loop is not None:
            return self
        sock = socket.create_server((self.host, self.port), backlog=128)
        try:
            self.port = sock.getsockname()[1]
            self.app = MirrorApp(self.theme, self.articles, self._revision, self.base_url,
                                 traps=self.traps, sitemap_page_size=self.sitemap_page_size,
                                 prerender=self.prerender, faults=self.fault_names)
            loop = asyncio.new_event_loop()
            date = _Date()
            server = loop.run_until_complete(
                loop.create_server(lambda: _Connection(self, date), sock=sock))
        except BaseException:
            sock.close()
            raise
        self._loop = loop
        self._thread = threading.Thread(target=self._run, args=(loop, server),
                                        name=f"mirror-{self.port}", daemon=True)
        self._thread.start()
        return self

    def _run(self, loop: asyncio.AbstractEventLoop, server: asyncio.Server) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            server.close()
            for conn in list(self._connections):
                conn.close(abort=True)
            loop.run_until_complete(server.wait_closed())
            loop.run_until_complete(asyncio.sleep(0))  # let the aborted transports finish
            loop.close()

    def stop(self) -> None:
        """Stop serving: the listening socket and every open connection are closed."""
        loop, thread = self._loop, self._thread
        if loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)
        self._loop = None
        self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI) until interrupted."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- state --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def revision(self) -> int:
        return self._revision

    def set_revision(self, revision: int) -> None:
        """Switch the served content to ``revision`` (1 or 2) while running."""
        self._require().set_revision(revision)
        self._revision = revision

    @property
    def manifest(self) -> dict[str, Any]:
        """Ground truth of the current revision (built on first use, then cached)."""
        return self._require().manifest()

    def url(self, path: str) -> str:
        return self.base_url + path

    def reset_counters(self) -> None:
        """Forget hits, recorded requests and served faults (the 500/503/429 fire again)."""
        with self._lock:
            self.hits.clear()
            self.requests.clear()
        self._require().faults.clear()

    def _loop_call(self, delay: float, callback: Any, *args: Any) -> None:
        if self._loop is not None:
            self._loop.call_later(delay, callback, *args)

    def _record(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((method, path, headers))

    def _require(self) -> MirrorApp:
        if self.app is None:
            raise RuntimeError("the mirror is not started")
        return self.app
