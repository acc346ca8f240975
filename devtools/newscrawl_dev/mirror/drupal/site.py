"""The third site: a Drupal 10 news site in the core Olivero theme (not WordPress).

Markup follows Olivero's templates: ``article.node.node--type-article.node--view-mode-full``
with ``div.node__meta`` ("By NAME, <time>") and the body in
``div.text-content.field--name-body``; the page title in ``block-page-title-block``;
views blocks (``views-element-container block block-views``) in the content-below region;
Olivero's pager (``nav.pager``, ``?page=N``, 0-based).  Path aliases put articles and basic
pages at the same shape (``/<title-slug>``); ``/node/NID`` answers 301 to the alias.

Traps: basic pages (``node--type-page``) under the article URL shape whose metatag
defaults still say ``og:type=article``; section fronts with a long description; author
pages with bios; ``?page=N`` pagination; AMP (``?amp``) and print
(``/node/NID/printable/print``) variants; a paywalled teaser page; a live blog; three
views blocks with identical markup told apart only by their headings.

This module holds what the site is (its URLs, blocks, feeds, sitemap, routing and manifest);
the markup is in :mod:`.frame`, :mod:`.articles` and :mod:`.pages`, its fixed nodes in
:mod:`.nodes`.
"""

from __future__ import annotations

import functools

from newscrawl_dev.mirror.drupal.articles import DrupalArticles
from newscrawl_dev.mirror.drupal.nodes import (
    LIVE_BLOG_INDEX,
    LOGIN,
    PAYWALL_DATE,
    PAYWALL_SLUG,
    STATIC,
    Page,
)
from newscrawl_dev.mirror.drupal.pages import DrupalPages
from newscrawl_dev.mirror.feeds import _urlset, rss
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Block, Listing, utc


class DrupalListing(Listing):
    """Drupal views pages: page N (1-based here) is ``?page=N-1``."""

    def page_path(self, n: int) -> str:
        return self.path if n == 1 else f"{self.path}?page={n - 1}"


class DrupalSite(DrupalArticles, DrupalPages):
    theme = "drupal"
    lang = "en"
    static_pages = {path: page.title for path, page in STATIC.items()}

    # --- URLs ---------------------------------------------------------------------------
    def post_path(self, post: Post) -> str:
        return f"/{post.slug}"

    def category_path(self, cat) -> str:  # type: ignore[no-untyped-def]
        return f"/section/{cat.slug}"

    def tag_path(self, tag) -> str:  # type: ignore[no-untyped-def]
        return f"/tags/{tag.slug}"

    def author_path(self, author) -> str:  # type: ignore[no-untyped-def]
        return f"/author/{author.slug}"

    def image_path(self, post: Post) -> str:
        return f"/sites/default/files/{post.published:%Y-%m}/{post.slug[:40]}.jpg"

    def nid(self, post: Post) -> int:
        return post.id

    @functools.cached_property
    def static_nids(self) -> dict[str, int]:
        return {path: 10 + i for i, path in enumerate(STATIC)}

    @functools.cached_property
    def live_blog(self) -> Post:
        return self.content.by_index[LIVE_BLOG_INDEX]

    @property
    def paywall_path(self) -> str:
        return f"/{PAYWALL_SLUG}"

    # --- blocks -------------------------------------------------------------------------
    def blocks(self, post: Post) -> list[Block]:
        c = self.content
        related = self.picks(post, "drupal-related", c.stable_by_category[post.category.slug], 4)
        most_read = self.picks(post, "drupal-most-read", c.stable, 5)
        latest = tuple(c.newest(c.posts, 5, exclude=post))
        return [Block("related", "Related articles", related),
                Block("must_read", "Most read", most_read),
                Block("latest", "Latest news", latest)]

    @functools.cached_property
    def listings(self) -> dict[str, Listing]:
        return {path: DrupalListing(lst.kind, lst.key, lst.title, lst.path, lst.posts)
                for path, lst in super().listings.items()}

    # --- feeds and sitemap --------------------------------------------------------------
    def rss_xml(self) -> str:
        return rss(self, self.content.posts[:10], self.spec.name, self.url("/"),
                   self.url("/rss.xml"))

    def sitemap_xml(self) -> str:
        """simple_sitemap: one urlset with every node (articles and basic pages) and term."""
        c = self.content
        newest = utc(c.posts[0].modified)
        entries = [(self.url("/"), newest)]
        entries += [(self.post_url(p), utc(p.modified)) for p in c.posts]
        entries += [(self.url(self.paywall_path), utc(PAYWALL_DATE))]
        entries += [(self.url(p), "2023-03-03T09:00:00+00:00") for p in self.static_pages]
        entries += [(self.url(self.category_path(cat)), newest) for cat in self.spec.categories
                    if c.by_category[cat.slug]]
        return _urlset(entries)

    def robots_txt(self) -> str:
        """Drupal's shipped robots.txt: no Sitemap line (found at /sitemap.xml by convention)."""
        return ("#\n# robots.txt\n#\nUser-agent: *\n# CSS, JS, Images\nAllow: /core/*.css$\n"
                "Allow: /core/*.js$\n# Directories\nDisallow: /core/\nDisallow: /profiles/\n"
                "# Paths (clean URLs)\nDisallow: /admin/\nDisallow: /comment/reply/\n"
                "Disallow: /filter/tips\nDisallow: /node/add/\nDisallow: /search/\n"
                "Disallow: /user/register\nDisallow: /user/password\nDisallow: /user/login\n"
                "Disallow: /user/logout\nDisallow: /index.php/\n")

    # --- routing ------------------------------------------------------------------------
    @functools.cached_property
    def node_paths(self) -> dict[int, str]:
        out = {p.id: self.post_path(p) for p in self.content.posts}
        out.update({nid: path for path, nid in self.static_nids.items()})
        return out

    def route(self, path: str, query: dict[str, list[str]]) -> Page | str | None:
        """A page (status, HTML, headers), a redirect target path (str), or None (not ours)."""
        if path == "/rss.xml":
            return 200, self.rss_xml(), {"Content-Type": "application/rss+xml; charset=utf-8"}
        if path == "/sitemap.xml":
            return 200, self.sitemap_xml(), {"Content-Type": "application/xml; charset=utf-8"}
        if path == LOGIN:
            return 200, self.render_login(), {}
        parts = path.strip("/").split("/")
        if parts[0] == "node" and len(parts) >= 2 and parts[1].isdigit():
            target = self.node_paths.get(int(parts[1]))
            post = self.content.by_id.get(int(parts[1]))
            if len(parts) == 2 and target:
                return target
            if parts[2:] == ["printable", "print"] and post is not None:
                return 200, self.render_print(post), {}
            return None
        if path != "/" and path.endswith("/"):
            trimmed = path.rstrip("/")
            if trimmed in self.post_paths or trimmed in STATIC or trimmed in self.listings \
                    or trimmed == self.paywall_path:
                return trimmed
            return None
        post = self.post_paths.get(path)
        if post is not None:
            if "amp" in query:
                return 200, self.render_amp(post), {}
            return 200, self.render_article(post), {}
        if path == self.paywall_path:
            return 200, self.render_paywall(), {}
        if path in STATIC:
            return 200, self.render_static(path), {}
        listing = self.listings.get(path)
        if listing is not None:
            raw = (query.get("page") or ["0"])[0]
            if not raw.isdigit() or int(raw) + 1 > listing.pages:
                return None
            return 200, self.render_listing(listing, int(raw) + 1), {}
        return None

    # --- manifest -----------------------------------------------------------------------
    def manifest_extras(self) -> dict[str, list[dict]]:
        c = self.content
        feeds = [{"url": self.url("/rss.xml"), "kind": "rss", "count": min(10, len(c.posts))}]
        sitemaps = [{"url": self.url("/sitemap.xml"), "kind": "urlset"}]
        non = [{"url": self.url(p), "kind": "page", "status": 200,
                "what": "basic page under the article URL shape"} for p in STATIC]
        non.append({"url": self.url(self.paywall_path), "kind": "paywall", "status": 200,
                    "what": "paywalled teaser (isAccessibleForFree: false)"})
        non.append({"url": self.url(LOGIN), "kind": "login", "status": 200,
                    "what": "login form (disallowed by robots.txt)"})
        live = self.live_blog
        non += [{"url": self.post_url(live) + "?amp", "kind": "amp", "status": 200,
                 "what": "AMP variant (canonical: the article)"},
                {"url": self.url(f"/node/{live.id}/printable/print"), "kind": "print",
                 "status": 200, "what": "print variant (canonical: the article)"},
                {"url": self.url(f"/node/{live.id}"), "kind": "redirect", "status": 301,
                 "what": "/node/NID redirects to the path alias"}]
        return {"feeds": feeds, "sitemaps": sitemaps, "non_articles": non,
                "live_blog": [{"url": self.post_url(live)}]}


class DrupalSitemaps:
    """simple_sitemap's single ``/sitemap.xml`` (the app's sitemap interface)."""

    def __init__(self, site: DrupalSite) -> None:
        self.site = site

    def files(self) -> dict[str, str]:
        return {"/sitemap.xml": "xml"}

    def render(self, path: str) -> str | None:
        return self.site.sitemap_xml() if path == "/sitemap.xml" else None
