"""The first mirror site in the tagDiv "Newspaper" theme, cloud-template (``tdb_``) generation.

Markup follows the theme's public source: ``tdb_*`` blocks inside a template ``<article>``
(:mod:`.articles`), ``td_flex_block_1`` sidebar blocks and the site-wide parts
(:mod:`.frame`), ``tdb_loop`` listings with ``div.page-nav`` (:mod:`.listings`), Yoast SEO
head tags.  Site-wide parts (styles, scripts, menus, footer) are rendered once per site;
an article page costs a body, its teaser blocks and string joins.  This module holds what
the site is: its URLs, which posts each block lists, its static pages.
"""

from __future__ import annotations

import functools

from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.newspaper.articles import NewspaperArticles
from newscrawl_dev.mirror.newspaper.listings import NewspaperListings
from newscrawl_dev.mirror.theme import (
    Block,
    Listing,
    attr,
    esc,
    jsonld,
)


class NewspaperSite(NewspaperArticles, NewspaperListings):
    theme = "newspaper"
    static_pages = {"/about-us/": "About us", "/project/": "Project",
                    "/subprojects/": "Subprojects"}

    def post_path(self, post: Post) -> str:
        return f"/{post.published:%Y/%m/%d}/{post.slug}/"

    # --- which posts each block lists ---------------------------------------------------
    @functools.cached_property
    def must_read_pool(self) -> list[Post]:
        sp = self.content.special
        return [sp[k] for k in sp if k.startswith("target:")][:3]

    def blocks(self, post: Post) -> list[Block]:
        c = self.content
        latest = tuple(c.newest(c.by_category["articles"], 6, exclude=post))
        must = tuple(p for p in self.must_read_pool if p is not post)[:2]
        pool = c.stable_by_category[post.category.slug]
        related = self.picks(post, "related", pool, 3)
        recommended = self.picks(post, "recommended", c.stable, 4)
        return [Block("latest", "Latest news", latest), Block("must_read", "Must read", must),
                Block("related", "You might also like", related),
                Block("recommended", "Recommended to you", recommended)]

    def truncated(self, post: Post) -> bool:
        return self.traps and post is self.content.special.get("broken")

    def date_listings(self) -> list[Listing]:
        months: dict[str, list[Post]] = {}
        years: dict[str, list[Post]] = {}
        for p in self.content.posts:
            months.setdefault(f"{p.published:%Y/%m}", []).append(p)
            years.setdefault(f"{p.published:%Y}", []).append(p)
        out = [Listing("date", k, k, f"/{k}/", v) for k, v in years.items()]
        return out + [Listing("date", k, k, f"/{k}/", v) for k, v in months.items()]

    def render_static(self, path: str, extra_html: str = "") -> str:
        title = self.static_pages[path]
        rng_text = {
            "/about-us/": "The Romanian Centre for Russian Studies is a research project of the "
                          "Faculty of Political Science. We publish articles, analyses and "
                          "interviews on Russia and the post-Soviet space.",
            "/project/": "The project studies Russian foreign policy and its effects on the "
                         "neighbourhood of Romania. Download the project summary below.",
            "/subprojects/": "Three subprojects cover energy security, information warfare and "
                             "the Black Sea region."}[path]
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "@id": self.url(path), "url": self.url(path),
             "name": f"{title} - {self.spec.name}", "isPartOf": {"@id": f"{self.base}/#website"},
             "inLanguage": self.lang}]}
        head = (f'<link rel="canonical" href="{self.url(path)}" />\n<meta property="og:type" '
                f'content="website" />\n<meta property="og:title" content="{attr(title)} - '
                f'{attr(self.spec.name)}" />\n<meta property="og:url" content="{self.url(path)}" '
                f'/>\n<script type="application/ld+json" class="yoast-schema-graph">'
                f"{jsonld(graph)}</script>\n")
        main = (f'<div class="td-container"><div class="td-pb-row"><div class="td-pb-span12 '
                f'td-main-content" role="main"><div class="td-ss-main-content"><div class="td-page'
                f'-header"><h1 class="entry-title td-page-title"><span>{esc(title)}</span></h1>'
                f'</div><div class="td-page-content tagdiv-type"><p>{esc(rng_text)}</p>'
                f"{extra_html}</div></div></div></div></div>")
        return self.page(f"{title} - {self.spec.name}", head,
                         "page-template-default page page-id-12", main)
