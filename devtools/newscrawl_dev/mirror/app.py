"""Request routing of the mirror: path -> status, headers and body (no sockets here)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from newscrawl_dev.mirror import faults as mirror_faults
from newscrawl_dev.mirror import traps
from newscrawl_dev.mirror.content import build_site
from newscrawl_dev.mirror.drupal.site import DrupalSite, DrupalSitemaps
from newscrawl_dev.mirror.feeds import CoreSitemaps, YoastSitemaps, robots, rss
from newscrawl_dev.mirror.generic import GenericSite
from newscrawl_dev.mirror.legacy import LegacySite, NoSitemaps
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.newspaper.site import NewspaperSite
from newscrawl_dev.mirror.theme import Site, http_date

HTML = "text/html; charset=UTF-8"
MANIFEST_PATH = "/__manifest__.json"  # not linked from any page: for tools that run the CLI
# What the mirror was asked so far (not linked either): when the first request came, how many;
# ``?reset=1`` starts counting afresh.
REQUESTS_PATH = "/__requests__.json"
DEFAULT_ARTICLES = {"newspaper": 60, "generic": 40, "legacy": 40, "drupal": 40}
PROFILE_NAMES = {"newspaper": "russianstudiesromania", "generic": "wpgeneric",
                 "legacy": "lakesidecourier", "drupal": "harbourcity"}
THEMES = {"newspaper": NewspaperSite, "generic": GenericSite, "legacy": LegacySite,
          "drupal": DrupalSite}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    mode: str = ""  # a connection-level fault the server carries out (mirror/faults.py)


def make_site(theme: str, articles: int, revision: int, base_url: str, traps_on: bool) -> Site:
    if theme not in DEFAULT_ARTICLES:
        raise ValueError(f"unknown theme {theme!r} ({', '.join(THEMES)})")
    content = build_site(theme, articles, revision)
    return THEMES[theme](content, base_url, traps=traps_on)


def etag(site: Site, post: Post) -> str:
    key = f"{site.theme}:{post.id}:{post.modified.isoformat()}:{post.title}"
    return '"' + hashlib.sha1(key.encode()).hexdigest()[:20] + '"'


def html(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"), {"Content-Type": HTML})


def redirect(location: str, status: int = 301) -> Response:
    return Response(status, b"", {"Location": location, "Content-Type": HTML})


class PageCache:
    """Encoded article pages of one site by canonical path: an LRU of ``limit`` pages, or all.

    Rendering an article costs more than serving it, and a page only depends on its site
    and post, so a cached page is the page rendering would give.  The cache belongs to one
    ``site``: a revision switch starts a new one.
    """

    def __init__(self, site: Site, limit: int | None) -> None:
        self.site = site
        self.limit = limit
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, path: str) -> bytes | None:
        with self._lock:
            body = self._pages.get(path)
            if body is not None and self.limit is not None:
                self._pages.move_to_end(path)
            return body

    def put(self, path: str, body: bytes) -> None:
        if self.limit == 0:
            return
        with self._lock:
            self._pages[path] = body
            if self.limit is not None:
                self._pages.move_to_end(path)
                while len(self._pages) > self.limit:
                    self._pages.popitem(last=False)


class MirrorApp:
    """Serves one site; ``set_revision`` swaps the content, per-path fault counters persist.

    Rendered article pages are kept in a :class:`PageCache`: the last ``cache_pages`` ones,
    or, with ``prerender``, every article page, rendered up front (and again on a revision
    switch, before the switch).
    """

    def __init__(self, theme: str = "newspaper", articles: int | None = None, revision: int = 1,
                 base_url: str = "http://127.0.0.1", traps: bool = True,
                 sitemap_page_size: int = 50, prerender: bool = False,
                 cache_pages: int = 256, faults: tuple[str, ...] = ()) -> None:
        self.theme = theme
        self.articles = articles or DEFAULT_ARTICLES.get(theme, 60)
        self.traps = traps
        self.base_url = base_url.rstrip("/")
        self.sitemap_page_size = sitemap_page_size
        self.prerender = prerender
        self.cache_pages = cache_pages
        self.faults: Counter[str] = Counter()
        self.fault_names = mirror_faults.check(faults)
        self._lock = threading.Lock()
        self.site = self._build(revision)
        self.pages = self._cache(self.site)
        self.revision = revision
        self._manifest: dict[str, Any] | None = None
        self.first_request_at: float | None = None  # epoch seconds
        self.requests: Counter[str] = Counter()

    def _build(self, revision: int) -> Site:
        site = make_site(self.theme, self.articles, revision, self.base_url, self.traps)
        if isinstance(site, DrupalSite):
            site.sitemaps = DrupalSitemaps(site)
        else:
            site.sitemaps = (YoastSitemaps(site, self.sitemap_page_size)
                             if self.theme == "newspaper" else NoSitemaps()
                             if self.theme == "legacy" else CoreSitemaps(site))
        return site

    def _cache(self, site: Site) -> PageCache:
        if not self.prerender or isinstance(site, LegacySite):
            return PageCache(site, self.cache_pages)
        cache = PageCache(site, None)
        for path, post in site.post_paths.items():
            cache.put(path, self._render(site, post))
        return cache

    def set_revision(self, revision: int) -> None:
        site = self._build(revision)
        pages = self._cache(site)
        with self._lock:
            self.site, self.pages, self.revision, self._manifest = site, pages, revision, None

    def manifest(self) -> dict[str, Any]:
        """The manifest of the current revision (built on first use, then cached)."""
        from newscrawl_dev.mirror.manifest import build_manifest

        manifest = self._manifest
        if manifest is None:
            manifest = build_manifest(self)
            if isinstance(self.site, LegacySite):
                from newscrawl_dev.mirror.legacy import manifest as legacy_manifest

                manifest = legacy_manifest(self, manifest)
            self._manifest = manifest
        return manifest

    def sitemap_paths(self) -> list[str]:
        return list(self.site.sitemaps.files())

    @property
    def sitemap_index(self) -> str:
        return {"newspaper": "/sitemap_index.xml", "drupal": "/sitemap.xml"}.get(
            self.theme, "/wp-sitemap.xml")

    # --- routing ------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str]) -> Response:
        if urlsplit(target).path == REQUESTS_PATH:
            body = json.dumps({"first_request_at": self.first_request_at, **self.requests})
            if "reset" in parse_qs(urlsplit(target).query):
                self.first_request_at, self.requests = None, Counter()
            return Response(200, body.encode(), {"Content-Type": "application/json"})
        if not target.startswith(MANIFEST_PATH):
            if self.first_request_at is None:
                self.first_request_at = time.time()
            self.requests["total"] += 1
            if urlsplit(target).path in self.site.post_paths:
                self.requests["articles"] += 1
        resp = self._route(target, headers)
        resp.headers.setdefault("Content-Type", HTML)
        if method == "HEAD":
            resp.headers["Content-Length"] = str(len(resp.body))
            resp.body = b""
        return resp

    def _route(self, target: str, headers: dict[str, str]) -> Response:
        site = self.site
        parts = urlsplit(target)
        path, query = parts.path or "/", parse_qs(parts.query)
        if path == MANIFEST_PATH:
            return Response(200, json.dumps(self.manifest()).encode(),
                            {"Content-Type": "application/json"})
        if self.fault_names:
            answer = mirror_faults.route(self.fault_names, path, site.url,
                                         [site.post_url(p) for p in site.content.posts])
            if answer is not None:
                return Response(answer.status, answer.body, dict(answer.headers), answer.mode)
        if isinstance(site, DrupalSite):
            return self._drupal(site, path, query)
        if isinstance(site, LegacySite):
            status, text, _ = site.route(path, parts.query)
            return html(text, status)
        if path == "/robots.txt":
            return Response(200, robots(site, self.sitemap_index).encode(),
                            {"Content-Type": "text/plain; charset=utf-8"})
        if path == "/" and "p" in query:
            post = site.content.by_id.get(int(query["p"][0])) if query["p"][0].isdigit() else None
            return redirect(site.post_url(post)) if post else self._not_found()
        if path == "/" and "s" in query:
            return html(traps.simple_page(site, f"Search results for {query['s'][0]}",
                                          "<p>Nothing found.</p>", robots="noindex"))
        resp = self._feed(path) or self._sitemap(path)
        if resp:
            return resp
        post = self._article(path)
        if post is not None:
            return self._article_response(post, path, headers)
        if self.traps and self.theme == "newspaper":
            resp = self._trap(path, query)
            if resp:
                return resp
        found = site.listing_page(path)
        if found:
            listing, page = found
            if page == 1 and path != listing.path:
                return redirect(site.url(listing.path))
            return html(site.render_listing(listing, page))
        if path in site.static_pages:
            extra = ""
            if path == "/project/" and self.theme == "newspaper":
                extra = (f'<p><a href="{site.url(traps.PDF)}">Project summary (PDF)</a></p><p>'
                         f'<a href="{site.url(traps.IMAGE)}">The team (photo)</a></p>')
            return html(site.render_static(path, extra))
        return self._asset(path) or self._not_found()

    def _drupal(self, site: DrupalSite, path: str, query: dict[str, list[str]]) -> Response:
        if path == "/robots.txt":
            return Response(200, site.robots_txt().encode(),
                            {"Content-Type": "text/plain; charset=utf-8"})
        found = site.route(path, query)
        if isinstance(found, str):
            return redirect(site.url(found))
        if found is not None:
            status, text, extra = found
            return Response(status, text.encode("utf-8"), {"Content-Type": HTML, **extra})
        if path.startswith("/sites/default/files/") and path.endswith(".jpg"):
            return Response(200, traps.JPEG, {"Content-Type": "image/jpeg"})
        return self._asset(path) or self._not_found()

    def _not_found(self) -> Response:
        return html(traps.page_404(self.site), 404)

    def _feed(self, path: str) -> Response | None:
        site = self.site
        ctype = {"Content-Type": "application/rss+xml; charset=UTF-8"}
        if path == "/feed/":
            body = rss(site, site.content.posts, site.spec.name, site.url("/"), site.url(path))
            return Response(200, body.encode(), ctype)
        if path.startswith("/category/") and path.endswith("/feed/"):
            slug = path[len("/category/"):-len("/feed/")]
            posts = site.content.by_category.get(slug)
            if posts:
                cat = posts[0].categories[[c.slug for c in posts[0].categories].index(slug)]
                body = rss(site, posts, f"{cat.name} - {site.spec.name}",
                           site.url(site.category_path(cat)), site.url(path))
                return Response(200, body.encode(), ctype)
        return None

    def _sitemap(self, path: str) -> Response | None:
        if not path.endswith(".xml"):
            return None
        text = self.site.sitemaps.render(path)
        if text is None:
            return None
        extra = mirror_faults.sitemap_files(self.fault_names)
        if extra and path == self.sitemap_index:
            text = mirror_faults.with_extra_sitemaps(text, [self.site.url(f) for f in extra])
        return Response(200, text.encode(), {"Content-Type": "application/xml; charset=UTF-8"})

    def _article(self, path: str) -> Post | None:
        paths = self.site.post_paths
        for candidate in (path, path + "/", path[:-4] if path.endswith("/amp/") else None):
            if candidate and candidate in paths:
                return paths[candidate]
        return None

    def _article_response(self, post: Post, path: str, headers: dict[str, str]) -> Response:
        site = self.site
        canonical = site.post_path(post)
        if self.traps and self.theme == "newspaper":
            for role, (status, retry_after) in traps.FLAKY.items():
                if post is site.content.special.get(role):
                    with self._lock:
                        self.faults[canonical] += 1
                        first = self.faults[canonical] == 1
                    if first:
                        resp = html(traps.simple_page(site, "Temporarily unavailable",
                                                      "<p>Please try again later.</p>"), status)
                        if retry_after:
                            resp.headers["Retry-After"] = retry_after
                        return resp
        if self.fault_names:
            with self._lock:
                self.faults["fault:" + canonical] += 1
                request_no = self.faults["fault:" + canonical]
            name = mirror_faults.article_fault(self.fault_names, post, request_no)
            if name is not None:
                answer = mirror_faults.article_answer(name, self._render(site, post))
                return Response(answer.status, answer.body,
                                {"Content-Type": HTML, **dict(answer.headers)}, answer.mode)
        tag = etag(site, post)
        last = http_date(post.modified)
        validators = {"ETag": tag, "Last-Modified": last}
        inm = headers.get("If-None-Match")
        ims = headers.get("If-Modified-Since")
        if inm is not None:
            if tag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return Response(304, b"", validators)
        elif ims:
            try:
                if post.modified.replace(microsecond=0) <= parsedate_to_datetime(ims):
                    return Response(304, b"", validators)
            except (TypeError, ValueError):
                pass
        pages = self.pages
        body = pages.get(canonical) if pages.site is site else None
        if body is None:  # not cached, or the revision switched during this request
            body = self._render(site, post)
            if pages.site is site:
                pages.put(canonical, body)
        return Response(200, body, {"Content-Type": self._content_type(post), **validators})

    def _content_type(self, post: Post) -> str:
        return "text/html" if self._cp1251(post) else HTML

    def _cp1251(self, post: Post) -> bool:
        """The encoding trap: a page served as windows-1251 (with no charset in HTTP)."""
        return self.traps and post.encoding_trap

    def _render(self, site: Site, post: Post) -> bytes:
        text = site.render_article(post)
        if self._cp1251(post):
            return text.encode("windows-1251", errors="xmlcharrefreplace")
        return text.encode("utf-8")

    def duplicate(self) -> tuple[str, Post] | None:
        """(path, post) of the republished-verbatim copy, when traps are on."""
        sp = self.site.content.special
        if not self.traps or self.theme != "newspaper":
            return None
        copy = traps.duplicate_post(sp["duplicated"])
        return self.site.post_path(copy), copy

    def _trap(self, path: str, query: dict[str, list[str]]) -> Response | None:
        site = self.site
        dup = self.duplicate()
        if dup and path == dup[0]:
            text = site.render_article(dup[1])
            return Response(200, text.encode("utf-8"), {"Content-Type": HTML})
        if path == traps.REDIRECT_CHAIN[0]:
            return redirect(site.url(traps.REDIRECT_CHAIN[1]), 301)
        if path == traps.REDIRECT_CHAIN[1]:
            return redirect(site.post_url(site.content.special["coauthored"]), 302)
        if path == traps.CALENDAR:
            return html(traps.calendar_page(site, query.get("month", ["2024-01"])[0]))
        if path == traps.EVENTS or path.startswith(traps.EVENTS + "page/"):
            tail = path[len(traps.EVENTS):].removeprefix("page/").strip("/")
            return html(traps.events_page(site, int(tail) if tail.isdigit() else 1))
        if path == traps.HUGE:
            return Response(200, traps.huge_page(site.spec.name), {"Content-Type": HTML})
        if path == traps.EMPTY:
            return Response(200, b"", {"Content-Type": HTML})
        if path == traps.BINARY:
            return Response(200, traps.binary_blob(), {"Content-Type": HTML})
        if path == traps.PRIVATE or path.startswith("/tag-cloud/"):
            return html(traps.simple_page(site, "Members area", "<p>Please log in.</p>"))
        return None

    def _asset(self, path: str) -> Response | None:
        if path == traps.PDF:
            return Response(200, traps.pdf(), {"Content-Type": "application/pdf"})
        if path.startswith("/wp-content/"):
            if path.endswith(".png"):
                return Response(200, traps.png(), {"Content-Type": "image/png"})
            if path.endswith(".jpg"):
                return Response(200, traps.JPEG, {"Content-Type": "image/jpeg"})
            if path.endswith(".css"):
                return Response(200, b"body{margin:0}\n", {"Content-Type": "text/css"})
        return None
