"""The mirror's HTTP server (keep-alive, pipelining, errors) and its page cache (pre-rendering
must not change a single response)."""

from __future__ import annotations

import http.client
import socket
import urllib.request
from urllib.parse import urlsplit

import pytest

from newscrawl_dev.mirror.app import MirrorApp
from tests.factories import MIRROR_BASE
from tests.fixtures_mirror import served_by_cli


def _paths(app: MirrorApp) -> list[str]:
    """Every article path, its aliases and the duplicate, as a crawl would request them."""
    manifest = app.manifest()
    urls = [a["url"] for a in manifest["articles"]]
    urls += [alias for a in manifest["articles"] for alias in a.get("aliases", [])]
    urls += [d["url"] for d in manifest["duplicates"]]
    return [urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "")
            for u in urls]


def _response(app: MirrorApp, method: str, target: str,
              headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    resp = app.handle(method, target, headers or {})
    return resp.status, resp.headers, resp.body


@pytest.mark.parametrize("theme", ["newspaper", "generic"])
def test_prerendered_responses_are_the_rendered_ones(theme: str) -> None:
    fresh = MirrorApp(theme, 30, 1, MIRROR_BASE, cache_pages=0)
    ready = MirrorApp(theme, 30, 1, MIRROR_BASE, prerender=True)
    assert len(ready.pages) == len(ready.site.post_paths) == 30
    assert len(fresh.pages) == 0
    for path in _paths(fresh):
        for method in ("GET", "HEAD", "GET"):  # the flaky ones fail first in both
            assert _response(ready, method, path) == _response(fresh, method, path), path
    assert len(fresh.pages) == 0


def test_conditional_get_on_prerendered_pages() -> None:
    app = MirrorApp("newspaper", 20, 1, MIRROR_BASE, traps=False, prerender=True)
    article = app.manifest()["articles"][2]
    path = urlsplit(article["url"]).path
    status, headers, body = _response(app, "GET", path, {"If-None-Match": article["etag"]})
    assert (status, body, headers["ETag"]) == (304, b"", article["etag"])
    ims = {"If-Modified-Since": article["last_modified"]}
    assert _response(app, "GET", path, ims)[0] == 304
    status, headers, body = _response(app, "GET", path, {"If-None-Match": '"other"'})
    assert status == 200 and headers["Last-Modified"] == article["last_modified"]
    assert article["title"].encode() in body


def test_revision_switch_replaces_the_prerendered_pages() -> None:
    app = MirrorApp("newspaper", 20, 1, MIRROR_BASE, traps=False, prerender=True)
    before = {a["url"]: a for a in app.manifest()["articles"]}
    changed = app.manifest()["changed_in_revision_2"]
    old_pages = app.pages
    app.set_revision(2)
    assert app.pages is not old_pages and app.pages.site is app.site
    assert len(app.pages) == len(app.site.post_paths) == 21
    for url, article in before.items():
        path = urlsplit(url).path
        status, headers, body = _response(app, "GET", path, {"If-None-Match": article["etag"]})
        if url == changed:
            assert status == 200 and headers["ETag"] != article["etag"]
            assert f"{article['title']} (updated)".encode() in body
        else:
            assert status == 304, url
    added = urlsplit(app.manifest()["added_in_revision_2"]).path
    assert _response(app, "GET", added)[0] == 200


def test_page_cache_keeps_the_last_pages_only() -> None:
    app = MirrorApp("newspaper", 20, 1, MIRROR_BASE, traps=False, cache_pages=3)
    paths = list(app.site.post_paths)
    first = _response(app, "GET", paths[0])
    for path in paths[:10]:
        _response(app, "GET", path)
    assert len(app.pages) == 3
    assert app.pages.get(paths[9]) is not None and app.pages.get(paths[0]) is None
    assert _response(app, "GET", paths[0]) == first


# --- the HTTP server ------------------------------------------------------------------------

def _exchange(base_url: str, payload: bytes) -> bytes:
    """Send ``payload`` at once and read until the server closes the connection."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _split(stream: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The responses of a stream of GET responses: (status, headers, body) in order."""
    out = []
    while stream:
        head, _, stream = stream.partition(b"\r\n\r\n")
        lines = head.decode("iso-8859-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        length = int(headers["Content-Length"])
        out.append((int(lines[0].split()[1]), headers, stream[:length]))
        stream = stream[length:]
    return out


def test_keep_alive_serves_many_requests_on_one_connection(mirror) -> None:
    parts = urlsplit(mirror.base_url)
    articles = mirror.manifest["articles"][:5]
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for article in articles:
            path = urlsplit(article["url"]).path
            conn.request("HEAD", path)
            head = conn.getresponse()
            head.read()
            conn.request("GET", path, headers={"User-Agent": "keepalive-test"})
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == 200 and head.status == 200
            assert len(body) == int(resp.getheader("Content-Length"))
            assert int(head.getheader("Content-Length")) == len(body)
            assert resp.getheader("Server") == "Apache" and resp.getheader("Date")
        conn.request("GET", "/no-such-page/")
        resp = conn.getresponse()
        assert resp.status == 404 and resp.read()
        assert not resp.will_close
    finally:
        conn.close()
    recorded = [r for r in mirror.requests if r[2].get("User-Agent") == "keepalive-test"]
    assert [r[1] for r in recorded[-5:]] == [urlsplit(a["url"]).path for a in articles]


def test_pipelined_requests_are_answered_in_order(mirror) -> None:
    robots = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    feed = b"GET /feed/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
    last = b"GET /no-such-page/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    responses = _split(_exchange(mirror.base_url, robots + feed + last))
    assert [r[0] for r in responses] == [200, 200, 404]
    assert b"Sitemap:" in responses[0][2] and b"<rss" in responses[1][2]
    assert b"Error 404" in responses[2][2] and responses[2][1]["Connection"] == "close"


def test_http_1_0_closes_and_bad_requests_get_errors(mirror) -> None:
    out = _exchange(mirror.base_url, b"GET /robots.txt HTTP/1.0\r\n\r\n")  # returns: closed
    assert out.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\nConnection: close\r\n" in out
    assert b"Sitemap:" in out
    assert _exchange(mirror.base_url, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400 ")
    assert _exchange(mirror.base_url, b"POST / HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 501 ")
    assert _exchange(mirror.base_url, b"GET / HTTP/2.0\r\n\r\n").startswith(b"HTTP/1.1 505 ")


def test_a_failing_page_is_a_500_not_a_dropped_connection(make_mirror, monkeypatch) -> None:
    m = make_mirror(articles=20, traps=False)

    def broken(method: str, target: str, headers: dict[str, str]) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(m.app, "handle", broken)
    out = _exchange(m.base_url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 500 ") and b"Connection: close" in out
    assert m.errors == 1 and m.hits["/"] == 1


def test_stop_closes_open_connections(make_mirror) -> None:
    m = make_mirror(articles=20, traps=False)
    parts = urlsplit(m.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        m.stop()
        rest = b""
        try:
            while chunk := sock.recv(65536):
                rest += chunk
        except ConnectionResetError:
            pass
    assert b"HTTP/1.1" not in rest
    with pytest.raises(OSError):
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()


def test_cli_prerender_serves_the_same_pages() -> None:
    with served_by_cli("--articles", "20", "--no-traps", "--prerender") as (base, manifest):
        expected = MirrorApp("newspaper", 20, 1, base, traps=False, cache_pages=0)
        for article in manifest["articles"]:
            with urllib.request.urlopen(article["url"], timeout=30) as resp:
                body = resp.read()
            assert body == expected.handle("GET", urlsplit(article["url"]).path, {}).body
