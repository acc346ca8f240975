"""The Drupal site's other pages: the paywalled teaser, basic pages, the login form, and the
views listings (section fronts, tags, authors, the front page) with Olivero's pager.
"""

from __future__ import annotations

import random

from newscrawl_dev.mirror.drupal.frame import DrupalFrame, drupal_date
from newscrawl_dev.mirror.drupal.nodes import (
    LOGIN,
    PAYWALL_DATE,
    PAYWALL_TITLE,
    STATIC,
)
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Listing, attr, esc, jsonld, utc
from newscrawl_dev.mirror.words import paragraph


class DrupalPages(DrupalFrame):
    """Pages that are not articles (``render_paywall``, ``render_static``, ``render_login``,
    ``render_listing``)."""

    # --- the paywalled teaser, static pages, login ----------------------------------------
    def render_paywall(self) -> str:
        url = self.url(self.paywall_path)
        rng = random.Random("drupal:paywall")
        teaser = paragraph(rng, (2, 2))
        graph = {"@context": "https://schema.org", "@graph": [{
            "@type": "NewsArticle", "headline": PAYWALL_TITLE,
            "datePublished": utc(PAYWALL_DATE), "isAccessibleForFree": False,
            "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                        "cssSelector": ".paywall-content"},
            "author": [{"@type": "Person", "name": self.spec.authors[1].name}],
            "mainEntityOfPage": url}]}
        head = (f'<link rel="canonical" href="{url}" />\n<meta property="og:type" content="article"'
                f' />\n<meta property="og:title" content="{attr(PAYWALL_TITLE)}" />\n<meta property'
                f'="article:published_time" content="{utc(PAYWALL_DATE)}" />\n<script type="'
                f'application/ld+json">{jsonld(graph)}</script>\n')
        a = self.spec.authors[1]
        main = (self.title_block(PAYWALL_TITLE)
                + f'<div class="region region--content grid-full" id="content"><article class="'
                f'node node--type-article node--premium node--view-mode-full"><header><div class="'
                f'node__meta"><span>By <span class="node__author"><a href="'
                f'{self.url(self.author_path(a))}" class="username">{esc(a.name)}</a></span>, <time'
                f' datetime="{utc(PAYWALL_DATE)}">{drupal_date(PAYWALL_DATE)}</time></span></div>'
                f'</header><div class="node__content"><div class="text-content field--name-body '
                f'field__item"><p>{esc(teaser)}</p></div><div class="paywall-content paywall"><h2>'
                f'This article is for subscribers</h2><p>Subscribe to read the whole story and '
                f'support local journalism.</p><p><a href="{self.url("/subscribe")}" class="'
                f'button">Subscribe</a> or <a href="{self.url(LOGIN)}">log in</a>.</p></div>'
                f"</div></article></div>")
        return self.page(PAYWALL_TITLE, head, "path-node page-node-type-article", main)

    def render_static(self, path: str, extra_html: str = "") -> str:
        page = STATIC[path]
        rng = random.Random(f"drupal:static:{path}")
        paras = [f"<p>{esc(self.spec.name)} is an independent newsroom covering the harbour "
                 f"city since 1998.</p>"]
        paras += [f"<p>{esc(paragraph(rng))}</p>" for _ in range(page.words)]
        if page.updated:
            paras.append(f"<p><em>Last updated: {page.updated}</em></p>")
        if path == "/contact":
            paras.append('<form class="contact-message-form" action="/contact" method="post"><input'
                         ' type="email" name="mail" /><textarea name="message"></textarea></form>')
        url = self.url(path)
        graph = {"@context": "https://schema.org", "@graph": [{
            "@type": "WebPage", "name": page.title, "url": url}]}
        # Metatag's global node defaults apply to basic pages too: og:type says "article".
        head = (f'<link rel="canonical" href="{url}" />\n<link rel="shortlink" href="'
                f'{self.url(f"/node/{self.static_nids[path]}")}" />\n<meta property="og:type" '
                f'content="article" />\n<meta property="og:title" content="{attr(page.title)}" />\n'
                f'<script type="application/ld+json">{jsonld(graph)}</script>\n')
        main = (self.title_block(page.title)
                + f'<div class="region region--content grid-full" id="content"><div class="block '
                f'block-system block-system-main-block"><div class="block__content"><article data-'
                f'history-node-id="{self.static_nids[path]}" class="node node--type-page node--view'
                f'-mode-full"><div class="node__content"><div class="text-content clearfix field '
                f'field--name-body field--type-text-with-summary field--label-hidden field__item">'
                + "".join(paras) + "</div></div></article></div></div></div>")
        return self.page(page.title, head, "path-node page-node-type-page", main)

    def render_login(self) -> str:
        main = (self.title_block("Log in")
                + '<div class="region region--content" id="content"><form class="user-login-form" '
                f'action="{self.url(LOGIN)}" method="post"><label for="edit-name">Username</label>'
                '<input type="text" id="edit-name" name="name" /><label for="edit-pass">Password'
                '</label><input type="password" id="edit-pass" name="pass" /><input type="submit" '
                'value="Log in" /></form></div>')
        return self.page("Log in", '<meta name="robots" content="noindex" />\n',
                         "path-user user-login", main)

    # --- listings -----------------------------------------------------------------------
    def teaser(self, post: Post) -> str:
        url = self.post_url(post)
        return (f'<div class="views-row"><article data-history-node-id="{post.id}" class="node '
                f'node--type-article node--promoted node--view-mode-teaser"><header><h2 class="'
                f'node__title"><a href="{url}" rel="bookmark"><span class="field field--name-title '
                f'field--type-string field--label-hidden">{esc(post.title)}</span></a></h2>'
                f'{self.meta_line(post)}</header><div class="node__content"><div class="text-'
                f'content clearfix field field--name-body field--type-text-with-summary field--'
                f'label-hidden field__item"><p>{esc(self.excerpt(post, 40))}</p></div><div class="'
                f'node__links"><ul class="links inline"><li class="node-readmore"><a href="{url}" '
                f'rel="tag" title="{attr(post.title)}" hreflang="en">Read more<span class="'
                f'visually-hidden"> about {esc(post.title)}</span></a></li></ul></div></div>'
                f"</article></div>")

    def pager(self, listing: Listing, page: int) -> str:
        last = listing.pages
        if last <= 1:
            return ""

        def href(n: int) -> str:
            return f"?page={n - 1}"

        items = []
        if page > 1:
            items.append(f'<li class="pager__item pager__item--control pager__item--first"><a href'
                         f'="{href(1)}" title="Go to first page" class="pager__link"><span class="'
                         f'visually-hidden">First page</span></a></li><li class="pager__item '
                         f'pager__item--control pager__item--previous"><a href="'
                         f'{href(page - 1)}" class="pager__link" title="Go to previous page" '
                         f'rel="prev"><span class="visually-hidden">Previous page</span></a>'
                         f"</li>")
        for n in range(1, last + 1):
            if n == page:
                items.append(f'<li class="pager__item pager__item--active"><span class="pager__'
                             f'link is-active" aria-current="page">{n}</span></li>')
            else:
                items.append(f'<li class="pager__item"><a href="{href(n)}" title="Go to page {n}" '
                             f'class="pager__link">{n}</a></li>')
        if page < last:
            items.append(f'<li class="pager__item pager__item--control pager__item--next"><a href'
                         f'="{href(page + 1)}" title="Go to next page" rel="next" class="pager__'
                         f'link"><span class="visually-hidden">Next page</span></a></li><li class="'
                         f'pager__item pager__item--control pager__item--last"><a href="'
                         f'{href(last)}" title="Go to last page" class="pager__link"><span class="'
                         f'visually-hidden">Last page</span></a></li>')
        return (f'<nav class="pager" role="navigation" aria-labelledby="pagination-heading"><h4 '
                f'id="pagination-heading" class="visually-hidden">Pagination</h4><ul class="pager__'
                f'items js-pager__items">{"".join(items)}</ul></nav>')

    def listing_intro(self, listing: Listing) -> str:
        rng = random.Random(f"drupal:intro:{listing.kind}:{listing.key}")
        if listing.kind == "category":
            text = " ".join(paragraph(rng) for _ in range(2))
            return (f'<div class="view-header"><div class="taxonomy-term vocabulary-sections"><div '
                    f'class="text-content field field--name-description field--type-text-long '
                    f'field--label-hidden field__item"><p>{esc(text)}</p></div></div></div>')
        if listing.kind == "author":
            author = next(a for a in self.spec.authors if a.slug == listing.key)
            bio = f"{author.bio} {paragraph(rng)} {paragraph(rng)}"
            return (f'<article class="profile"><div class="field field--name-user-picture field--'
                    f'type-image field--label-hidden field__item"><img src="'
                    f'{self.url(f"/sites/default/files/pictures/{author.slug}.jpg")}" alt="Profile '
                    f'picture for user {attr(author.name)}" /></div><div class="field field--name-'
                    f'field-bio field--type-text-long field--label-above"><div class="field__'
                    f'label">About {esc(author.name)}</div><div class="field__item"><p>'
                    f"{esc(bio)}</p></div></div></article>")
        return ""

    def render_listing(self, listing: Listing, page: int) -> str:
        posts = listing.page_posts(page)
        rows = "".join(self.teaser(p) for p in posts)
        if page == 1 and (listing.kind == "home" or listing.key == "economy"):
            rows = self.paywall_teaser() + rows
        intro = self.listing_intro(listing) if page == 1 else ""
        view = {"home": "frontpage", "category": "taxonomy_term", "tag": "taxonomy_term",
                "author": "articles_by_author"}[listing.kind]
        main = ((self.title_block(listing.title) if listing.kind != "home" else "")
                + f'<div class="region region--content grid-full" id="content"><div class="views-'
                f'element-container"><div class="view view-{view.replace("_", "-")} view-id-{view} '
                f'view-display-id-page_1">{intro}<div class="view-content">{rows}</div>'
                f"{self.pager(listing, page)}</div></div></div>")
        url = self.url(listing.page_path(page))
        head = (f'<link rel="canonical" href="{url}" />\n<meta property="og:type" '
                f'content="website" />\n')
        if listing.kind == "home":
            head += (f'<link rel="alternate" type="application/rss+xml" title="'
                     f'{attr(self.spec.name)}" href="{self.url("/rss.xml")}" />\n')
        body_class = {"home": "path-frontpage", "author": "path-user"}.get(listing.kind,
                                                                           "path-taxonomy")
        title = listing.title if listing.kind != "home" else "Home"
        return self.page(title, head, body_class, main)

    def paywall_teaser(self) -> str:
        url = self.url(self.paywall_path)
        return (f'<div class="views-row"><article class="node node--type-article node--premium '
                f'node--view-mode-teaser"><header><h2 class="node__title"><a href="{url}" rel="'
                f'bookmark"><span class="field field--name-title">{esc(PAYWALL_TITLE)}</span></a>'
                f'</h2></header><div class="node__content"><p>Subscribers only.</p></div></article>'
                f"</div>")
