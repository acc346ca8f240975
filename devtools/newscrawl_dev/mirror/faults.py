"""Server faults the mirror can inject: bad HTTP behaviour, hostile sitemaps, odd URLs.

``MirrorServer(faults=["reset_mid_body", ...])`` (or ``newscrawl mirror serve --fault
NAME``) switches them on.  Per-article faults hit an article's first request(s) only, so a
crawler that retries gets the page; the rest are extra URLs that the sitemap index lists
(a fault sitemap) or a broken robots.txt.  The connection-level behaviours (reset,
truncation, slow-loris, no answer) are carried out by the server (``Response.mode``).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from newscrawl_dev.mirror.model import Post

# Per-article faults: (which articles: every Nth, how many first requests fail).
ARTICLE_FAULTS: dict[str, tuple[int, int]] = {
    "429_storm": (1, 2),  # every article answers 429 + Retry-After twice
    "reset_mid_body": (3, 1),  # half the body, then a TCP reset
    "truncated_body": (3, 1),  # half the body, then a clean close short of Content-Length
    "slow_loris": (15, 1),  # the head, then one byte a second, never the end
}
SITEMAP_FAULTS = ("redirect_loop", "huge_response", "odd_urls", "sitemap_50k", "gzip_bomb",
                  "xml_bomb", "xxe")
ROBOTS_FAULTS = ("robots_5xx", "robots_timeout")
ALL = (*ARTICLE_FAULTS, *SITEMAP_FAULTS, *ROBOTS_FAULTS)

FAULT_SITEMAP = "/fault-sitemap.xml"
BIG_SITEMAP = "/fault-sitemap-50k.xml"
BOMB_SITEMAP = "/fault-sitemap-bomb.xml.gz"
XML_BOMB_SITEMAP = "/fault-sitemap-entities.xml"
XXE_SITEMAP = "/fault-sitemap-xxe.xml"
LOOP = ("/2020/01/01/redirect-loop-a/", "/2020/01/01/redirect-loop-b/")
HUGE = "/2020/01/02/fifty-megabytes/"
HUGE_SIZE = 50 * 1024 * 1024
ODD_PATHS = ("/2020/01/03/caf%E9-cr%E8me/", "/2020/01/03/%FF%FE%80-bytes/",
             "/2020/01/03/" + "x" * 3000 + "/")
BIG_SITEMAP_URLS = 50_000
BOMB_DECOMPRESSED = 64 * 1024 * 1024
XXE_TARGET = "/etc/hostname"


def check(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(set(names) - set(ALL))
    if unknown:
        raise ValueError(f"unknown mirror fault(s) {', '.join(unknown)}; known: {', '.join(ALL)}")
    return frozenset(names)


@dataclass(frozen=True)
class Answer:
    """What the app should send instead of the normal page."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    mode: str = ""  # "", "reset", "truncate", "slow", "silent" (see the server)


def article_fault(names: frozenset[str], post: Post, request_no: int) -> str | None:
    """The per-article fault for ``post``'s ``request_no``-th request (1-based), if any."""
    for name in names:
        spec = ARTICLE_FAULTS.get(name)
        if spec is not None and post.id % spec[0] == 0 and request_no <= spec[1]:
            return name
    return None


def article_answer(name: str, body: bytes) -> Answer:
    if name == "429_storm":
        return Answer(429, b"<p>Too many requests</p>", (("Retry-After", "1"),))
    mode = {"reset_mid_body": "reset", "truncated_body": "truncate", "slow_loris": "slow"}[name]
    return Answer(200, body, (), mode)


def sitemap_files(names: frozenset[str]) -> list[str]:
    """Extra sitemaps listed in the index for the switched-on sitemap faults."""
    files = []
    if names & {"redirect_loop", "huge_response", "odd_urls"}:
        files.append(FAULT_SITEMAP)
    for name, path in (("sitemap_50k", BIG_SITEMAP), ("gzip_bomb", BOMB_SITEMAP),
                       ("xml_bomb", XML_BOMB_SITEMAP), ("xxe", XXE_SITEMAP)):
        if name in names:
            files.append(path)
    return files


def with_extra_sitemaps(index_xml: str, urls: list[str]) -> str:
    rows = "".join(f"\t<sitemap>\n\t\t<loc>{escape(u)}</loc>\n\t</sitemap>\n" for u in urls)
    return index_xml.replace("</sitemapindex>", rows + "</sitemapindex>")


def _urlset(locs: list[str]) -> bytes:
    rows = "".join(f"<url><loc>{escape(loc)}</loc></url>\n" for loc in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{rows}</urlset>\n').encode()


def route(names: frozenset[str], path: str, url: Callable[[str], str],
          article_urls: list[str]) -> Answer | None:
    """The answer for a fault URL (None: not a fault URL, serve normally)."""
    xml = (("Content-Type", "application/xml; charset=UTF-8"),)
    if path == "/robots.txt":
        if "robots_5xx" in names:
            return Answer(503, b"<p>Service unavailable</p>")
        if "robots_timeout" in names:
            return Answer(200, b"", (), "silent")
    if path == FAULT_SITEMAP and path in sitemap_files(names):
        locs = []
        if "redirect_loop" in names:
            locs.append(url(LOOP[0]))
        if "huge_response" in names:
            locs.append(url(HUGE))
        if "odd_urls" in names:
            locs += [url(p) for p in ODD_PATHS]
        return Answer(200, _urlset(locs), xml)
    if "redirect_loop" in names and path in LOOP:
        other = LOOP[1] if path == LOOP[0] else LOOP[0]
        return Answer(301, b"", (("Location", url(other)),))
    if "huge_response" in names and path == HUGE:
        return Answer(200, huge_body(), (("Content-Type", "text/html; charset=UTF-8"),))
    if "sitemap_50k" in names and path == BIG_SITEMAP:
        fillers = BIG_SITEMAP_URLS - len(article_urls)
        return Answer(200, _urlset(article_urls + [url(f"/tag/topic-{i}/")
                                                   for i in range(fillers)]), xml)
    if "gzip_bomb" in names and path == BOMB_SITEMAP:
        return Answer(200, gzip_bomb(), (("Content-Type", "application/x-gzip"),))
    if "xml_bomb" in names and path == XML_BOMB_SITEMAP:
        return Answer(200, xml_bomb(url("/2020/01/05/")), xml)
    if "xxe" in names and path == XXE_SITEMAP:
        return Answer(200, xxe(url("/2020/01/06/")), xml)
    return None


@functools.cache
def huge_body() -> bytes:
    para = b"<p>" + b"All work and no play makes a very long page. " * 20 + b"</p>\n"
    head = b"<!doctype html><html><head><title>Fifty megabytes</title></head><body>\n"
    return (head + para * (HUGE_SIZE // len(para) + 1))[:HUGE_SIZE]


@functools.cache
def gzip_bomb() -> bytes:
    """A gzip file of ~64 KB that inflates to 64 MB, past the parser's 50 MB bound."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [comp.compress(b'<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/'
                         b'schemas/sitemap/0.9">\n')]
    chunk = b" " * (1024 * 1024)
    for _ in range(BOMB_DECOMPRESSED // len(chunk)):
        out.append(comp.compress(chunk))
    out.append(comp.compress(b"</urlset>\n") + comp.flush())
    return b"".join(out)


def xml_bomb(prefix: str) -> bytes:
    """Billion laughs: ten levels of ten-fold entity expansion inside a <loc>."""
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE urlset [\n{chr(10).join(ents)}\n]>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"<url><loc>{escape(prefix)}&lol9;/</loc></url>\n</urlset>\n").encode()


def xxe(prefix: str) -> bytes:
    """An external entity pointing at a local file, used inside a <loc>."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE urlset [\n<!ENTITY xxe SYSTEM '
            f'"file://{XXE_TARGET}">\n]>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">\n<url><loc>{escape(prefix)}&xxe;/</loc></url>\n</urlset>\n'
            ).encode()
