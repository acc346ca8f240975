"""Profile-less crawls of addresses that give no articles end with exit code 4 and a
message that says why: not a news site, robots.txt forbids it, a redirect to another
domain, a login wall; ``profile suggest`` then writes no profile."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pymongo

from crawler.cli import EXIT_ALERT
from tests.crawlutil import REPO, crawl_env, run_crawl

Route = tuple[int, dict[str, str], str]
PARA = ("We help companies plan their offices, move their teams and keep their buildings "
        "running. Our consultants have worked with clients of every size for twenty years. ")


def _page(title: str, body: str, links: list[str]) -> str:
    nav = "".join(f'<li><a href="{u}">{u.strip("/") or "home"}</a></li>' for u in links)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:type" content="website"></head><body><header><nav><ul>{nav}'
            f"</ul></nav></header><main><h1>{title}</h1>{body}</main><footer>&copy; 2024"
            f"</footer></body></html>")


BROCHURE = ["/", "/services/", "/about/", "/contact/", "/clients/"]
SITES: dict[str, dict[str, Route]] = {
    "brochure": {p: (200, {}, _page(p.strip("/").title() or "Welcome", f"<p>{PARA * 4}</p>",
                                    BROCHURE)) for p in BROCHURE},
    "disallowed": {"/robots.txt": (200, {"Content-Type": "text/plain"},
                                   "User-agent: *\nDisallow: /\n"),
                   "/": (200, {}, _page("News", "<p>News.</p>", ["/a/"]))},
    "redirect": {"/": (301, {"Location": "http://elsewhere.example/news/"}, "")},
    "login": {"/": (200, {}, _page("Sign in", '<form method="post"><input name="user">'
                                              '<input type="password" name="pass"></form>', []))},
}


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path.split("?")[0],
                                                (404, {}, "<h1>Not found</h1>"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", headers.get("Content-Type", "text/html; charset=utf-8"))
        for key, value in headers.items():
            if key != "Content-Type":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serving(name: str) -> Iterator[str]:
    """The site ``name`` of SITES on a loopback port, for the duration of the block."""
    handler = type("Handler", (_Handler,), {"routes": SITES[name]})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


CASES = {"brochure": "was classified as an article", "disallowed": "robots.txt",
         "redirect": "another domain", "login": "login wall"}


def test_no_articles_ends_with_an_alert_and_says_why(mongo_server: Any) -> None:
    """The four cases crawl side by side (each in its own process and database)."""
    client: pymongo.MongoClient = pymongo.MongoClient(mongo_server.uri, tz_aware=True)
    with ExitStack() as stack:
        sites = {name: stack.enter_context(serving(name)) for name in CASES}
        dbs = {name: client[f"test_{uuid.uuid4().hex[:12]}"] for name in CASES}
        with ThreadPoolExecutor(len(CASES)) as pool:
            futures = {name: pool.submit(run_crawl, dbs[name], mongo_server.uri, sites[name],
                                         workers=1, timeout=180) for name in CASES}
            results = {name: f.result() for name, f in futures.items()}
    try:
        for name, message in CASES.items():
            result = results[name]
            assert result.code == EXIT_ALERT, (name, result.stdout, result.stderr[-2000:])
            assert "PROFILE-LESS:" in result.stdout and message in result.stdout, \
                (name, result.stdout)
            assert dbs[name]["articles"].count_documents({}) == 0
            assert result.run is not None and result.run["status"] == "alert"
    finally:
        for db in dbs.values():
            client.drop_database(db.name)
        client.close()


def test_profile_suggest_writes_nothing_for_a_site_without_articles(
        mongo_server: Any, tmp_path: Path) -> None:
    out = tmp_path / "profile.yaml"
    with serving("brochure") as site:
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "profile", "suggest", site, "--sample", "5",
             "--no-delay", "--output", str(out)], env=crawl_env(mongo_server.uri, "unused"),
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == EXIT_ALERT, proc.stderr[-2000:]
    assert "no profile written" in proc.stderr and "classified as an article" in proc.stderr
    assert not out.exists()
