"""The Newspaper theme's listing pages: ``tdb_loop`` teasers with ``div.page-nav`` pagination."""

from __future__ import annotations

from newscrawl_dev.mirror.newspaper.frame import NewspaperFrame
from newscrawl_dev.mirror.newspaper.markup import Ids
from newscrawl_dev.mirror.theme import (
    Listing,
    attr,
    esc,
    jsonld,
)


class NewspaperListings(NewspaperFrame):
    """Home, section, tag, author and date listings (``render_listing``)."""

    def page_nav(self, listing: Listing, page: int) -> str:
        last = listing.pages
        if last <= 1:
            return ""
        u = lambda n: self.url(listing.page_path(n))  # noqa: E731
        out = ['<div class="page-nav td-pb-padding-side">']
        if page > 1:
            out.append(f'<a href="{u(page - 1)}" aria-label="prev-page" ><i class="page-nav-icon '
                       f'td-icon-menu-left"></i></a>')
        lo, hi = max(1, page - 1), min(last, page + 1)
        if lo > 1:
            out.append(f'<a href="{u(1)}" class="first" aria-label="first-page" title="1">1</a>')
            if lo > 2:
                out.append('<span class="extend">...</span>')
        for n in range(lo, hi + 1):
            out.append(f'<span class="current">{n}</span>' if n == page else
                       f'<a href="{u(n)}" class="page" title="{n}">{n}</a>')
        if hi < last:
            if hi < last - 1:
                out.append('<span class="extend">...</span>')
            out.append(f'<a href="{u(last)}" class="last" aria-label="last-page" title="{last}">'
                       f"{last}</a>")
        if page < last:
            out.append(f'<a href="{u(page + 1)}" aria-label="next-page" ><i class="page-nav-icon '
                       f'td-icon-menu-right"></i></a>')
        out.append(f'<span class="pages">Page {page} of {last}</span><div class="clearfix"></div>'
                   "</div>")
        return "".join(out)

    def render_listing(self, listing: Listing, page: int) -> str:
        ids = Ids(20)
        path = listing.page_path(page)
        heading = {"tag": f"Tag: {listing.title}", "author": f"Author: {listing.title}",
                   "date": f"Archives: {listing.title}"}.get(listing.kind, listing.title)
        if listing.kind == "home":
            heading = "Latest posts"
        uid = ids()
        crumbs = (f'<div class="td_block_wrap tdb_breadcrumbs {uid} td-pb-border-top '
                  f'td_block_template_8 tdb-breadcrumbs "><div class="tdb-block-inner td-fix-'
                  f'index"><span><a title="" class="tdb-entry-crumb" href="{self.url("/")}">Home'
                  f'</a></span> <i class="td-icon-right tdb-bread-sep"></i> <span class="tdb-bred-'
                  f'no-url-last">{esc(listing.title)}</span></div></div>')
        uid = ids()
        title = (f'<div class="td_block_wrap tdb_title {uid} tdb-category-title td-pb-border-top '
                 f'td_block_template_8"><div class="tdb-block-inner td-fix-index"><h1 class="tdb-'
                 f'title-text">{esc(heading)}</h1><div></div><div class="tdb-title-line"></div>'
                 f"</div></div>")
        uid = ids()
        mods = "".join(self.module(p, "tdb_module_loop", 25) for p in listing.page_posts(page))
        loop = (f'<div class="td_block_wrap tdb_loop {uid} tdb-numbered-pagination '
                f'td_with_ajax_pagination td-pb-border-top td_block_template_8 tdb-category-loop-'
                f'posts" data-td-block-uid="{uid}"><div id={uid} class="td_block_inner tdb-block-'
                f'inner td-fix-index">{mods}</div>{self.page_nav(listing, page)}</div>')
        c = self.content
        sidebar = self.flex_block(ids, "Latest news", c.posts[:6], 19)
        prev_next = ""
        if page > 1:
            prev_next += f'<link rel="prev" href="{self.url(listing.page_path(page - 1))}" />\n'
        if page < listing.pages:
            prev_next += f'<link rel="next" href="{self.url(listing.page_path(page + 1))}" />\n'
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "CollectionPage", "@id": self.url(path), "url": self.url(path),
             "name": f"{heading} - {self.spec.name}", "isPartOf": {"@id": f"{self.base}/#website"},
             "inLanguage": self.lang}]}
        feed = ""
        if listing.kind == "category":
            feed = (f'<link rel="alternate" type="application/rss+xml" title="'
                    f'{attr(self.spec.name)} &raquo; {attr(listing.title)} Category Feed" href="'
                    f'{self.url(listing.path)}feed/" />\n')
        head = (f'<link rel="canonical" href="{self.url(path)}" />\n{prev_next}<meta property="og:'
                f'type" content="website" />\n<meta property="og:title" content="{attr(heading)}'
                f'" />\n<meta property="og:url" content="{self.url(path)}" />\n<script type="'
                f'application/ld+json" class="yoast-schema-graph">{jsonld(graph)}</script>\n{feed}')
        kind = {"home": "home blog", "category": "archive category", "tag": "archive tag",
                "author": "archive author", "date": "archive date"}[listing.kind]
        paged = f" paged paged-{page}" if page > 1 else ""
        main = (f'<div class="tdc-content-wrap"><div id="tdi_10" class="tdc-zone"><div class="'
                f'tdc_zone tdi_11 wpb_row td-pb-row"><div class="vc_row tdi_12 wpb_row td-pb-row">'
                f'<div class="vc_column tdi_13 wpb_column vc_column_container tdc-column td-pb-'
                f'span8"><div class="wpb_wrapper">{crumbs}{title}{loop}</div></div><div class="'
                f'vc_column tdi_14 wpb_column vc_column_container tdc-column td-pb-span4"><div '
                f'class="wpb_wrapper">{sidebar}</div></div></div></div></div></div>')
        name = f"{heading} - {self.spec.name}" + (f" - Page {page}" if page > 1 else "")
        return self.page(name, head, kind + paged, main)
