"""The third site: a newsroom's own CMS from the 2000s (theme ``legacy``).

One controller answers every page with query-string URLs: an article is
``/news/index?page=article&id=<hex>``, and the same article is also linked as
``...&mode=news`` (listings, sidebar) and ``...&subject_id=<n>`` (related stories).  Section
listings are ``/news/index?page=list&subject_id=<n>`` with ``&pg=<n>`` pagination, the front
page is ``/news/index``.  Printer and e-mail versions of every story
(``?page=print&id=...``, ``?page=email&id=...``) are not articles.

What the markup lacks is the point: no sitemap, no feed, no robots.txt (404), no ``og:``,
no JSON-LD, no meta description, no ``<h1>``, a ``<title>`` that is the site name on every
page, dates printed AP style ("Sept. 5, 2019"), bylines "By A and B" or credits that name
no person ("By Courier Staff", "From wire reports"), and no body element: the body is the
run of ``<p>`` after the share box, up to an ``<hr>``.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.model import Body, BodyBlock, Post
from newscrawl_dev.mirror.theme import Block, Listing, Site, attr, esc

CONTROLLER = "/news/index"
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
             "Nov.", "Dec.")
STAFF_CREDIT = "Courier Staff"
CREDITS = ("By Courier Staff", "From wire reports", "By The Associated Press")


def ap_date(dt: datetime) -> str:
    """AP style: "Sept. 5, 2019"."""
    return f"{AP_MONTHS[dt.month - 1]} {dt.day}, {dt.year}"


def ap_time(dt: datetime) -> str:
    """AP style: "4:32 p.m.", "noon"."""
    if dt.hour == 12 and dt.minute == 0:
        return "noon"
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'a.m.' if dt.hour < 12 else 'p.m.'}"


def story_id(post: Post) -> str:
    return hashlib.sha1(f"story:{post.id}".encode()).hexdigest()[:12]


class LegacySite(Site):
    theme = "legacy"

    # --- URLs ---------------------------------------------------------------------------
    def post_path(self, post: Post) -> str:
        return f"{CONTROLLER}?page=article&id={story_id(post)}"

    def variant_paths(self, post: Post) -> list[str]:
        """Other URLs of the same story: as listings link it, as related stories link it."""
        return [self.post_path(post) + "&mode=news",
                self.post_path(post) + f"&subject_id={post.category.id}"]

    def image_path(self, post: Post) -> str:
        return f"/news/images/stories/{story_id(post)}.jpg"

    def category_path(self, cat: Any) -> str:
        return f"{CONTROLLER}?page=list&subject_id={cat.id}"

    @functools.cached_property
    def story_ids(self) -> dict[str, Post]:
        return {story_id(p): p for p in self.content.posts}

    def _body(self, post: Post) -> Body:
        """The shared body with a news paragraph full of AP-style dates, times and numbers."""
        body = super()._body(post)
        when = post.published + timedelta(days=7 + post.index % 5)
        text = (f"The measure returns at {ap_time(when)} {when:%A}, {ap_date(when)}, at City "
                f"Hall, 210 Main St., where {3 + post.index % 6} of the 7 members said on "
                f"{ap_date(post.published - timedelta(days=2))} they would back it.")
        blocks = list(body.blocks)
        at = next(i for i, b in enumerate(blocks) if b.tag == "p") + 1
        blocks.insert(at, BodyBlock("p", text, text))
        return Body(tuple(blocks), body.inline)

    # --- what the page says -----------------------------------------------------------
    def credit(self, post: Post) -> tuple[str, list[str]]:
        """The byline as printed and the people it names."""
        names = [a.name for a in self.spec.authors]
        own = post.authors[0].name
        others = [n for n in names if n != own]
        kind = post.index % 8
        if kind == 5:
            return CREDITS[post.index % 3], []
        if kind in (1, 6):
            second = others[post.index % len(others)]
            return f"By {own} and {second}", [own, second]
        if kind == 3:
            two = [others[post.index % len(others)], others[(post.index + 1) % len(others)]]
            return f"By {own}, {two[0]} and {two[1]}", [own, *two]
        if kind == 7:
            return f"By {own}, {STAFF_CREDIT} Writer", [own]
        return f"By {own}", [own]

    def author_names(self, post: Post) -> list[str]:
        return self.credit(post)[1]

    def blocks(self, post: Post) -> list[Block]:
        related = self.picks(post, "related", self.content.stable_by_category[post.category.slug],
                             3 + post.index % 3)
        return [Block("related", "Related stories", related)]

    # --- listings -----------------------------------------------------------------------
    @functools.cached_property
    def listings(self) -> dict[str, Listing]:
        c = self.content
        out = [Listing("home", "", "All news", f"{CONTROLLER}?page=list", c.posts)]
        out += [Listing("category", cat.slug, cat.name, self.category_path(cat),
                        c.by_category[cat.slug]) for cat in self.spec.categories
                if c.by_category[cat.slug]]
        return {lst.path: lst for lst in out}

    def page_path(self, listing: Listing, n: int) -> str:
        return listing.path if n == 1 else f"{listing.path}&pg={n}"

    # --- HTML ---------------------------------------------------------------------------
    def link(self, path: str) -> str:
        return attr(self.url(path))

    @functools.cached_property
    def nav(self) -> str:
        sections = " | ".join(f'<a href="{self.link(self.category_path(c))}">{esc(c.name)}</a>'
                              for c in self.spec.categories)
        return (f'<tr><td colspan="3" class="topnav"><a href="{self.link(CONTROLLER)}">Home</a> | '
                f'{sections} | <a href="{self.link(CONTROLLER + "?page=list")}">All news</a> | '
                f'<a href="{self.link(CONTROLLER + "?page=contact")}">Contact us</a></td></tr>')

    def left_column(self) -> str:
        top = "".join(f'<tr><td class="toplink">&raquo; <a href="'
                      f'{self.link(self.variant_paths(p)[0])}">{esc(p.title)}</a></td></tr>'
                      for p in self.content.posts[:5])
        return (f'<td width="170" valign="top" class="leftcol"><table width="100%" border="0" '
                f'cellpadding="2" cellspacing="0"><tr><td class="boxhead">Top Stories</td></tr>'
                f"{top}</table><br><form method=\"get\" action=\"{self.link(CONTROLLER)}\">"
                f'<input type="hidden" name="page" value="search"><input type="text" name="q" '
                f'size="14"> <input type="submit" value="Go"></form></td>')

    def page(self, main: str) -> str:
        name = esc(self.spec.name)
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>\n'
            f"<title>{name}</title>\n"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<link rel="stylesheet" type="text/css" href="{self.link("/news/css/courier.css")}">'
            f'\n<script type="text/javascript" src="{self.link("/news/js/menu.js")}"></script>\n'
            '</head>\n<body bgcolor="#ffffff" leftmargin="0" topmargin="0" marginwidth="0" '
            'marginheight="0">\n<table width="780" border="0" cellpadding="0" cellspacing="0" '
            'align="center">\n<tr><td colspan="3" class="masthead"><a href="'
            f'{self.link(CONTROLLER)}"><img src="{self.link("/news/images/masthead.gif")}" '
            f'alt="{name}" border="0" '
            f'width="780" height="90"></a></td></tr>\n{self.nav}\n<tr>{self.left_column()}\n'
            f'<td width="10"><img src="{self.link("/news/images/spacer.gif")}" width="10" '
            f'height="1"></td>\n<td width="600" valign="top" class="maincol">\n{main}\n</td></tr>'
            f'\n<tr><td colspan="3" class="footer">Copyright &copy; 2009 {name}. All rights '
            f'reserved. | <a href="{self.link(CONTROLLER + "?page=contact")}">Contact us</a></td>'
            "</tr>\n</table>\n</body>\n</html>\n")

    def render_article(self, post: Post) -> str:
        sid = story_id(post)
        byline, _ = self.credit(post)
        kicker = " | ".join(f'<a href="{self.link(self.category_path(c))}">{esc(c.name)}</a>'
                            for c in post.categories)
        body = []
        for b in self.body(post).blocks:
            if b.tag == "p":
                body.append(f"<p>{b.html}</p>")
            elif b.tag in ("h2", "h3"):
                body.append(f'<p class="subhead"><b>{b.html}</b></p>')
            elif b.tag == "ad":
                body.append('<table class="ad" align="right"><tr><td>ADVERTISEMENT<br><script '
                            'type="text/javascript">showAd(300);</script></td></tr></table>')
        # The subheads are printed as bold paragraphs: their text is part of the body.
        updated = ""
        if post.modified.date() != post.published.date():
            updated = (f' <span class="upd">(Last updated {ap_date(post.modified)} '
                       f"{ap_time(post.modified)})</span>")
        related = "".join(
            f'&raquo; <a href="{attr(self.variant_paths(p)[1].removeprefix("/news/"))}">'
            f'{esc(p.title)}</a> <font size="1">({ap_date(p.published)})</font><br>'
            for p in self.blocks(post)[0].posts)
        keywords = ", ".join(
            f'<a href="{self.link(CONTROLLER + "?page=search&q=" + t.slug)}">{esc(t.name)}</a>'
            for t in post.tags)
        share = (f'<div class="sharebox"><a href="{self.link(CONTROLLER + "?page=email&id=" + sid)}'
                 f'">E-mail this story</a> | <a href="'
                 f'{self.link(CONTROLLER + "?page=print&id=" + sid)}">Printer-friendly version</a>'
                 f' | <a href="http://www.facebook.com/sharer.php?u='
                 f'{attr(self.post_url(post))}">Facebook</a></div>')
        main = (
            f'<span class="kicker">{kicker}</span><br>\n'
            f'<span class="headline">{esc(post.title)}</span><br>\n'
            f'<span class="byline">{esc(byline)}</span><br>\n'
            f'<span class="dl">{ap_date(post.published)}</span>{updated}<br><br>\n'
            f'<table class="photo" align="right" width="250"><tr><td><img class="storyimg" src="'
            f'{self.link(self.image_path(post))}" width="250" height="180" alt=""><br><span '
            f'class="caption">{esc(image_caption(post))}</span></td></tr></table>\n'
            f"{share}\n" + "\n".join(body) + "\n<hr/>\n"
            f'<p class="copyright">Copyright &copy; {post.published.year} {esc(self.spec.name)}. '
            "All rights reserved. This material may not be published, broadcast, rewritten or "
            "redistributed.</p>\n"
            f'<table class="related" width="100%"><tr><td><b>Related stories</b><br>{related}'
            f'</td></tr></table>\n<p class="keywords">Keywords: {keywords}</p>\n'
            f'<p class="comments"><a href="{self.link(CONTROLLER + "?page=comments&id=" + sid)}">'
            "Comment on this story</a></p>")
        return self.page(main)

    def render_listing(self, listing: Listing, page: int) -> str:
        rows = "".join(
            f'<tr><td class="story"><a class="storylink" href="'
            f'{self.link(self.variant_paths(p)[0])}">{esc(p.title)}</a><br><span class="date">'
            f'{ap_date(p.published)}</span><br>{esc(self.excerpt(p, 30))}</td></tr>'
            for p in listing.page_posts(page))
        pager = f"Page {page} of {listing.pages}"
        if page > 1:
            pager = (f'<a href="{self.link(self.page_path(listing, page - 1))}">&lt; Previous</a>'
                     f" &nbsp; {pager}")
        if page < listing.pages:
            nxt = self.link(self.page_path(listing, page + 1))
            pager += f' &nbsp; <a href="{nxt}">Next &gt;</a>'
        main = (f'<span class="sectionhead">{esc(listing.title)}</span><br>\n<table class="'
                f'storylist" width="100%" cellpadding="4">{rows}</table>\n<div class="pager">'
                f"{pager}</div>")
        return self.page(main)

    def render_front(self) -> str:
        rows = "".join(
            f'<tr><td class="story"><a class="storylink" href="'
            f'{self.link(self.variant_paths(p)[0])}">{esc(p.title)}</a><br><span class="date">'
            f'{ap_date(p.published)}</span></td></tr>' for p in self.content.posts[:8])
        sections = "".join(f'<li><a href="{self.link(self.category_path(c))}">{esc(c.name)}</a>'
                           "</li>" for c in self.spec.categories)
        more = self.link(CONTROLLER + "?page=list")
        main = (f'<span class="sectionhead">Today\'s headlines</span><br>\n<table class="storylist"'
                f' width="100%">{rows}</table>\n<p><a href="{more}">'
                f"More headlines &gt;&gt;</a></p>\n<ul>{sections}</ul>")
        return self.page(main)

    def render_simple(self, title: str, text: str) -> str:
        return self.page(f'<span class="sectionhead">{esc(title)}</span><p>{esc(text)}</p>')

    # --- routing ------------------------------------------------------------------------
    def route(self, path: str, query: str) -> tuple[int, str, Post | None]:
        """(status, HTML, the article served) for one request of the controller."""
        if path != CONTROLLER:
            return 404, self.render_simple("Not found", "The page cannot be found."), None
        q = {k: v[0] for k, v in parse_qs(query).items()}
        page = q.get("page", "")
        if not q:
            return 200, self.render_front(), None
        post = self.story_ids.get(q.get("id", ""))
        if page == "article":
            if post is None:
                return 404, self.render_simple("Not found", "That story is not available."), None
            return 200, self.render_article(post), post
        if page in ("print", "email", "comments") and post is not None:
            what = {"print": "Printer-friendly version", "email": "E-mail this story",
                    "comments": "Comments"}[page]
            return 200, self.render_simple(what, f"{what}: {post.title}"), None
        if page == "list":
            base = {k: v for k, v in q.items() if k != "pg"}
            path = CONTROLLER + "?page=list" + (
                f"&subject_id={base['subject_id']}" if "subject_id" in base else "")
            listing = self.listings.get(path)
            n = q.get("pg", "1")
            if listing is None or not n.isdigit() or not 1 <= int(n) <= listing.pages:
                return 404, self.render_simple("Not found", "No such section."), None
            return 200, self.render_listing(listing, int(n)), None
        if page in ("search", "contact"):
            return 200, self.render_simple(page.title(), "Nothing to show."), None
        return 404, self.render_simple("Not found", "The page cannot be found."), None


class NoSitemaps:
    """The site publishes no sitemap."""

    def files(self) -> list[str]:
        return []

    def render(self, path: str) -> str | None:
        return None


def manifest(app: Any, base: dict[str, Any]) -> dict[str, Any]:
    """The shared manifest with what this theme prints instead (authors, no feeds, variants)."""
    site: LegacySite = app.site
    for entry in base["articles"]:
        post = site.story_ids[entry["url"].rsplit("=", 1)[1]]
        entry["authors"] = site.author_names(post)
        entry["byline"] = site.credit(post)[0]
        entry["aliases"] = [site.url(p) for p in site.variant_paths(post)]
    sample = site.content.posts[0]
    sid = story_id(sample)
    base.update({
        "feeds": [], "sitemaps": [], "robots": site.url("/robots.txt"), "robots_status": 404,
        "non_articles": [{"url": site.url(f"{CONTROLLER}?page={kind}&id={sid}"), "kind": "page",
                          "status": 200, "what": f"{kind} version of a story"}
                         for kind in ("print", "email", "comments")]
        + [{"url": site.url(CONTROLLER), "kind": "front", "status": 200, "what": "front page"}],
        "listings": [{"url": site.url(lst.path), "kind": lst.kind, "name": lst.title,
                      "pages": lst.pages, "count": len(lst.posts),
                      "page_urls": [site.url(site.page_path(lst, n))
                                    for n in range(1, lst.pages + 1)]}
                     for lst in site.listings.values()],
        "trap_urls": {"variants": "every article is also linked with &mode=news (listings) and "
                                  "&subject_id=N (related stories)"},
    })
    return base
