"""Problem pages real crawls meet: redirects, errors, aliases, traps, odd bodies and assets.

All of them are linked from the footer's "Useful links" menu (newspaper theme, when traps
are on) so that a crawler finds them, and all are listed in the manifest.
"""

from __future__ import annotations

import functools
import random
import zlib
from dataclasses import dataclass, replace

from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Site, esc
from newscrawl_dev.mirror.words import paragraph

REDIRECT_CHAIN = ("/go/old-link/", "/go/old-link-2/")  # 301 -> 302 -> an article
DEAD = "/2021/05/05/removed-article/"
CALENDAR = "/calendar/"
EVENTS = "/events/"
HUGE = "/archives/complete/"
EMPTY = "/empty-page/"
BINARY = "/downloads/dataset/"
PRIVATE = "/private/members/"
SEARCH = "/?s=ukraine"
PDF = "/wp-content/uploads/2022/05/rcrs-project-summary.pdf"
IMAGE = "/wp-content/uploads/2022/05/rcrs-team.png"
UTM_QUERY = "utm_source=newsletter&utm_medium=email"
HUGE_SIZE = 5 * 1024 * 1024
FLAKY = {"flaky_500": (500, None), "flaky_503": (503, "1"), "flaky_429": (429, "1")}

# A 1x1 JPEG (arithmetic-coded baseline, 125 bytes): every uploaded *.jpg serves it.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000ffdb004300030202020202030202020303030304060404"
    "040404080606050609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f"
    "101010ffc9000b080001000101011100ffcc000600101005ffda0008010100003f00d2cf20ffd9"
)


@dataclass(frozen=True)
class Asset:
    content_type: str
    body: bytes


@functools.cache
def png() -> bytes:
    """A small valid PNG (8x8 grey)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))

    raw = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", bytes([0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0]))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@functools.cache
def pdf() -> bytes:
    """A minimal well-formed one-page PDF."""
    text = b"BT /F1 18 Tf 72 720 Td (Project summary) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@functools.cache
def binary_blob() -> bytes:
    return random.Random("binary").randbytes(64 * 1024)


def alias_urls(site: Site, post: Post) -> list[str]:
    """The other URLs of the aliased article that pages link to."""
    url = site.post_url(post)
    return [f"{url}?{UTM_QUERY}", f"{url}amp/", url.rstrip("/")]


def duplicate_post(post: Post) -> Post:
    """The republished-verbatim copy of ``post``: same text and blocks, another date and slug."""
    when = post.published.replace(day=post.published.day % 28 + 1)
    return replace(post, slug=post.slug + "-republished", published=when, modified=when)


def footer_links(site: Site) -> list[tuple[str, str]]:
    if not site.traps:
        return []
    sp = site.content.special
    aliased = sp["aliased"]
    a_utm, _a_amp, a_noslash = alias_urls(site, aliased)
    return [
        (a_utm, "Newsletter pick"),
        (a_noslash, "Editor's note"),
        (site.post_url(duplicate_post(sp["duplicated"])), "Republished"),
        (site.url(REDIRECT_CHAIN[0]), "Old link"),
        (site.url(f"/?p={sp['mission'].id}" if "mission" in sp else "/?p=1"), "Mission"),
        (site.url(DEAD), "From the archive"),
        (site.url(f"{CALENDAR}?month=2024-01"), "Calendar"),
        (site.url(EVENTS), "Events"),
        (site.url(HUGE), "Complete archive"),
        (site.url(EMPTY), "Newsletter archive"),
        (site.url(BINARY), "Dataset"),
        (site.url(PRIVATE), "Members"),
        (site.url(SEARCH), "Search: Ukraine"),
        (site.url("/tag-cloud/?tag=ukraine+belarus"), "Tag cloud"),
    ]


def simple_page(site: Site, title: str, inner: str, robots: str = "") -> str:
    meta = f'<meta name="robots" content="{robots}" />\n' if robots else ""
    return (f'<!doctype html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n<title>'
            f"{esc(title)} - {esc(site.spec.name)}</title>\n{meta}</head>\n<body>\n<h1>{esc(title)}"
            f"</h1>\n{inner}\n</body>\n</html>\n")


def calendar_page(site: Site, month: str) -> str:
    try:
        year, mon = (int(x) for x in month.split("-"))
        if not 1 <= mon <= 12:
            raise ValueError
    except ValueError:
        year, mon = 2024, 1
    prev_m = f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"
    next_m = f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"
    days = "".join(f"<td>{d}</td>" for d in range(1, 29))
    inner = (f'<table class="calendar"><caption>{year}-{mon:02d}</caption><tr>{days}</tr></table>'
             f'<nav><a class="prev" href="{site.url(CALENDAR)}?month={prev_m}">&laquo; {prev_m}</a>'
             f' <a class="next" href="{site.url(CALENDAR)}?month={next_m}">{next_m} &raquo;</a>'
             "</nav>")
    return simple_page(site, f"Events calendar {year}-{mon:02d}", inner)


def events_page(site: Site, page: int) -> str:
    """An events listing whose pagination never ends."""
    items = "".join(f"<li>Seminar {page * 10 + k}: to be announced</li>" for k in range(10))
    nav = f'<a class="next page-numbers" href="{site.url(EVENTS)}page/{page + 1}/">Next</a>'
    if page > 1:
        back = site.url(EVENTS) if page == 2 else f"{site.url(EVENTS)}page/{page - 1}/"
        nav = f'<a class="prev page-numbers" href="{back}">Previous</a> ' + nav
    return simple_page(site, f"Events - page {page}", f"<ul>{items}</ul><nav>{nav}</nav>")


@functools.lru_cache(maxsize=2)
def huge_page(site_name: str) -> bytes:
    """A 5 MB page: the complete archive as one listing of plain paragraphs."""
    head = (f'<!doctype html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n<title>'
            f"Complete archive - {esc(site_name)}</title>\n</head>\n<body>\n<h1>Complete archive"
            "</h1>\n").encode()
    rng = random.Random("huge")
    paras = [f"<p>{paragraph(rng)}</p>\n".encode() for _ in range(50)]
    out = bytearray(head)
    i = 0
    while len(out) < HUGE_SIZE - 64:
        out += paras[i % len(paras)]
        i += 1
    out += b"</body>\n</html>\n"
    return bytes(out)


def page_404(site: Site) -> str:
    return simple_page(site, "Page not found",
                       '<p>Ooops... Error 404. Sorry, but the page you are looking for does not '
                       f'exist.</p><p><a href="{site.url("/")}">Back to home</a></p>')
