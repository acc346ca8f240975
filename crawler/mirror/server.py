"""The mirror's HTTP server: a threaded ``http.server`` on loopback, in-process or standalone.

>>> with MirrorServer(theme="newspaper", articles=60) as m:   # doctest: +SKIP
...     m.base_url, m.manifest["expected_article_count"]
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from crawler.mirror.app import MirrorApp

RECORDED_HEADERS = ("If-None-Match", "If-Modified-Since", "User-Agent", "Accept-Encoding")
MAX_RECORDED = 100_000


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    mirror: MirrorServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def _serve(self, method: str) -> None:
        mirror = self.server.mirror
        headers = {k: v for k in RECORDED_HEADERS if (v := self.headers.get(k)) is not None}
        mirror._record(method, self.path, headers)
        try:
            resp = mirror.app.handle(method, self.path, headers)
        except Exception:  # a bug in the mirror must show as a 500, not a dropped connection
            mirror.errors += 1
            self.send_error(500)
            raise
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if "Content-Length" not in resp.headers:
            self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if resp.body:
            self.wfile.write(resp.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class MirrorServer:
    """An offline mirror site served on ``host:port`` (port 0: any free port)."""

    def __init__(self, theme: str = "newspaper", articles: int | None = None, port: int = 0,
                 revision: int = 1, traps: bool = True, host: str = "127.0.0.1",
                 sitemap_page_size: int = 50) -> None:
        self.theme = theme
        self.articles = articles
        self.port = port
        self.host = host
        self.traps = traps
        self.sitemap_page_size = sitemap_page_size
        self._revision = revision
        self.hits: Counter[str] = Counter()
        self.requests: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=MAX_RECORDED)
        self.errors = 0
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.app: MirrorApp | None = None

    # --- life cycle ---------------------------------------------------------------------
    def start(self) -> MirrorServer:
        if self._httpd is not None:
            return self
        httpd = _Server((self.host, self.port), _Handler)
        httpd.mirror = self
        self.port = httpd.server_address[1]
        self.app = MirrorApp(self.theme, self.articles, self._revision, self.base_url,
                             traps=self.traps, sitemap_page_size=self.sitemap_page_size)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"mirror-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._httpd = None
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

    def _record(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((method, path, headers))

    def _require(self) -> MirrorApp:
        if self.app is None:
            raise RuntimeError("the mirror is not started")
        return self.app
