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

About 600 lines: one theme's page templates (the markup of a real CMS), with its traps next
to the pages they belong to; split by page type it would scatter one site's markup.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import datetime

from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.feeds import _urlset, rss
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Block, Listing, Site, attr, esc, jsonld, utc
from newscrawl_dev.mirror.words import paragraph

GENERATOR = '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />\n'
LIVE_BLOG_INDEX = 12  # generation index of the post rendered as a live blog
PAYWALL_SLUG = "inside-the-port-authoritys-plan-for-the-eastern-docks"
PAYWALL_TITLE = "Inside the Port Authority's Plan for the Eastern Docks"
PAYWALL_DATE = datetime.fromisoformat("2024-09-28T08:30:00+02:00")
LOGIN = "/user/login"
Page = tuple[int, str, dict[str, str]]  # status, HTML, extra headers


@dataclass(frozen=True)
class StaticPage:
    title: str
    words: int  # paragraphs of filler: long pages look like articles by length
    updated: str = ""  # "Last updated" line (a date on a page that is not an article)


STATIC = {
    "/about-us": StaticPage("About us", 3),
    "/contact": StaticPage("Contact", 0),
    "/privacy-policy": StaticPage("Privacy policy", 4, "March 3, 2023"),
    "/subscribe": StaticPage("Subscribe", 1),
    "/editorial-standards-and-corrections-policy": StaticPage(
        "Editorial standards and corrections policy", 5, "January 12, 2024"),
}


class DrupalListing(Listing):
    """Drupal views pages: page N (1-based here) is ``?page=N-1``."""

    def page_path(self, n: int) -> str:
        return self.path if n == 1 else f"{self.path}?page={n - 1}"


def drupal_date(dt: datetime) -> str:
    return f"{dt:%a, %m/%d/%Y - %H:%M}"


class DrupalSite(Site):
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

    # --- page frame ---------------------------------------------------------------------
    @functools.cached_property
    def header(self) -> str:
        items = "".join(
            f'<li class="primary-nav__menu-item primary-nav__menu-item--link primary-nav__menu-'
            f'item--level-1"><a href="{self.url(self.category_path(cat))}" class="primary-nav__'
            f'menu-link primary-nav__menu-link--link primary-nav__menu-link--level-1" data-drupal'
            f'-link-system-path="taxonomy/term/{cat.id}"><span class="primary-nav__menu-link-'
            f'inner primary-nav__menu-link-inner--level-1">{esc(cat.name)}</span></a></li>'
            for cat in self.spec.categories)
        return (
            f'<header id="header" class="site-header" data-drupal-selector="site-header" role="'
            f'banner"><div class="site-header__fixable" data-drupal-selector="site-header-fixable">'
            f'<div id="site-header__inner" class="site-header__inner" data-drupal-selector="site-'
            f'header-inner"><div class="container site-header__inner__container"><div id="block-'
            f'olivero-site-branding" class="site-branding block block-system block-system-branding'
            f'-block"><div class="site-branding__inner"><div class="site-branding__text"><div '
            f'class="site-branding__name"><a href="{self.url("/")}" title="Home" rel="home">'
            f'{esc(self.spec.name)}</a></div><div class="site-branding__slogan">'
            f'{esc(self.spec.tagline)}</div></div></div></div><div class="header-nav-overlay" '
            f'data-drupal-selector="header-nav-overlay"></div></div></div></div><div id="header-'
            f'nav" class="header-nav" data-drupal-selector="header-nav"><nav id="block-olivero-'
            f'main-menu" class="primary-nav block block-menu navigation menu--main" aria-labelledby'
            f'="block-olivero-main-menu-menu" role="navigation"><h2 class="visually-hidden block__'
            f'title" id="block-olivero-main-menu-menu">Main navigation</h2><ul class="menu primary-'
            f'nav__menu primary-nav__menu--level-1" data-drupal-selector="primary-nav-menu--level-1'
            f'">{items}</ul></nav><nav id="block-olivero-account-menu" class="block block-menu '
            f'navigation menu--account secondary-nav" role="navigation"><ul class="menu secondary-'
            f'nav__menu"><li class="secondary-nav__menu-item"><a href="{self.url(LOGIN)}" class="'
            f'secondary-nav__menu-link" data-drupal-link-system-path="user/login">Log in</a></li>'
            f'<li class="secondary-nav__menu-item"><a href="{self.url("/subscribe")}" class="'
            f'secondary-nav__menu-link">Subscribe</a></li></ul></nav></div></header>')

    @functools.cached_property
    def footer(self) -> str:
        links = "".join(f'<li class="menu__item"><a href="{self.url(p)}" class="menu__link">'
                        f"{esc(t)}</a></li>" for p, t in self.static_pages.items())
        return (f'<footer class="site-footer"><div class="site-footer__inner container"><div '
                f'class="region region--footer-top grid-full"><div class="region--footer_top__'
                f'inner"><nav role="navigation" aria-labelledby="block-olivero-footer-menu" id="'
                f'block-olivero-footer" class="block block-menu navigation menu--footer"><h2 class='
                f'"visually-hidden block__title" id="block-olivero-footer-menu">Footer</h2><ul '
                f'class="menu">{links}<li class="menu__item"><a href="{self.url("/rss.xml")}" '
                f'class="menu__link">RSS feed</a></li></ul></nav></div></div><div class="region '
                f'region--footer-bottom grid-full"><div id="block-olivero-powered" class="block '
                f'block-system block-system-powered-by-block"><span>Powered by <a href="https://'
                f'www.drupal.org">Drupal</a></span></div></div></div></footer>')

    def page(self, title: str, head: str, body_class: str, main: str, below: str = "",
             breadcrumb: str = "") -> str:
        crumbs = ""
        if breadcrumb:
            crumbs = (f'<div class="region region--breadcrumb grid-full layout--pass--content-'
                      f'medium"><div id="block-olivero-breadcrumbs" class="block block-system '
                      f'block-system-breadcrumb-block"><nav class="breadcrumb" role="navigation" '
                      f'aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="'
                      f'visually-hidden">Breadcrumb</h2><div class="breadcrumb__content"><ol class'
                      f'="breadcrumb__list"><li class="breadcrumb__item"><a href="'
                      f'{self.url("/")}" class="breadcrumb__link">Home</a></li>{breadcrumb}</ol>'
                      f"</div></nav></div></div>")
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}" dir="ltr">\n<head>\n<meta charset="utf-8"'
            f' />\n{head}{GENERATOR}<meta name="MobileOptimized" content="width" />\n<meta name="'
            f'HandheldFriendly" content="true" />\n<meta name="viewport" content="width=device-'
            f'width, initial-scale=1.0" />\n<link rel="icon" href="'
            f'{self.url("/core/misc/favicon.ico")}" type="image/vnd.microsoft.icon" />\n'
            f'<title>{esc(title)} | '
            f'{esc(self.spec.name)}</title>\n<link rel="stylesheet" media="all" href="'
            f'{self.url("/sites/default/files/css/css_olivero.css")}" />\n</head>\n<body class="'
            f'{body_class}">\n<a href="#main-content" class="visually-hidden focusable skip-link">'
            f'Skip to main content</a>\n<div class="dialog-off-canvas-main-canvas" data-off-canvas-'
            f'main-canvas><div id="page-wrapper" class="page-wrapper"><div id="page">\n'
            f'{self.header}\n<div id="main-wrapper" class="layout-main-wrapper layout-container">'
            f'<div id="main" class="layout-main"><div class="main-content"><a id="main-content" '
            f'tabindex="-1"></a>{crumbs}<main role="main">\n{main}\n</main>\n{below}\n</div></div>'
            f"</div>\n{self.footer}\n</div></div></div>\n</body>\n</html>\n")

    def title_block(self, title: str) -> str:
        return (f'<div class="region region--content-above grid-full layout--pass--content-'
                f'medium"><div id="block-olivero-page-title" class="block block-core block-page-'
                f'title-block"><h1 class="title page-title"><span class="field field--name-title '
                f'field--type-string field--label-hidden">{esc(title)}</span></h1></div></div>')

    def views_block(self, heading: str, posts: tuple[Post, ...] | list[Post]) -> str:
        items = "".join(
            f'<li><div class="views-field views-field-title"><span class="field-content"><a href='
            f'"{self.post_url(p)}" hreflang="en">{esc(p.title)}</a></span></div></li>'
            for p in posts)
        return (f'<div class="views-element-container block block-views block-views-blockarticle-'
                f'lists-block-1"><h2 class="block__title">{esc(heading)}</h2><div class="block__'
                f'content"><div><div class="view view-article-lists view-id-article_lists view-'
                f'display-id-block_1"><div class="view-content"><div class="item-list"><ul>{items}'
                f"</ul></div></div></div></div></div></div>")

    # --- articles -----------------------------------------------------------------------
    def meta_line(self, post: Post) -> str:
        authors = ", ".join(f'<a title="View user profile." href="{self.url(self.author_path(a))}'
                            f'" class="username">{esc(a.name)}</a>' for a in post.authors)
        return (f'<div class="node__meta"><span>By <span class="node__author"><span>{authors}'
                f'</span></span>, <span class="field field--name-created field--type-created '
                f'field--label-hidden"><time datetime="{utc(post.published)}" title="'
                f'{post.published:%A, %B %-d, %Y - %H:%M}" class="datetime">'
                f"{drupal_date(post.published)}</time></span></span></div>")

    def body_html(self, post: Post, live: bool = False) -> str:
        out = []
        rng = random.Random(f"live:{post.index}")
        minute = 9 * 60
        for b in self.body(post).blocks:
            if b.tag == "p":
                if live:
                    minute += rng.randint(7, 40)
                    hhmm = f"{minute // 60:02d}:{minute % 60:02d}"
                    out.append(f'<div class="live-update"><time datetime="'
                               f'{post.published:%Y-%m-%d}T{hhmm}:00">{hhmm}</time><p>{b.html}'
                               f"</p></div>")
                else:
                    out.append(f"<p>{b.html}</p>")
            elif b.tag in ("h2", "h3"):
                out.append(f"<{b.tag}>{b.html}</{b.tag}>")
            elif b.tag == "figure":
                out.append(b.html)
        return "\n".join(out)

    def article_head(self, post: Post, kind: str = "NewsArticle") -> str:
        url = self.post_url(post)
        img = self.url(self.image_path(post))
        graph = {"@context": "https://schema.org", "@graph": [{
            "@type": kind, "headline": post.title, "name": post.title,
            "datePublished": utc(post.published), "dateModified": utc(post.modified),
            "author": [{"@type": "Person", "name": a.name} for a in post.authors],
            "image": {"@type": "ImageObject", "url": img},
            "publisher": {"@type": "Organization", "name": self.spec.name},
            "mainEntityOfPage": url}]}
        return (f'<meta name="description" content="{attr(self.description(post))}" />\n<link '
                f'rel="canonical" href="{url}" />\n<link rel="shortlink" href="'
                f'{self.url(f"/node/{post.id}")}" />\n<link rel="amphtml" href="{url}?amp" />\n'
                f'<meta property="og:site_name" content="{attr(self.spec.name)}" />\n<meta '
                f'property="og:type" content="article" />\n<meta property="og:url" content="{url}" '
                f'/>\n<meta property="og:title" content="{attr(post.title)}" />\n<meta property="'
                f'og:image" content="{img}" />\n<meta property="article:published_time" content="'
                f'{utc(post.published)}" />\n<meta property="article:modified_time" content="'
                f'{utc(post.modified)}" />\n<script type="application/ld+json">{jsonld(graph)}'
                f"</script>\n")

    def render_article(self, post: Post) -> str:
        live = post is self.live_blog
        tags = "".join(f'<li><a href="{self.url(self.tag_path(t))}" hreflang="en">{esc(t.name)}'
                       f"</a></li>" for t in post.tags)
        img = self.url(self.image_path(post))
        main = (
            self.title_block(post.title)
            + f'<div class="region region--content grid-full layout--pass--content-medium" id="'
            f'content"><div id="block-olivero-content" class="block block-system block-system-main'
            f'-block"><div class="block__content"><article data-history-node-id="{post.id}" class'
            f'="node node--type-article node--promoted node--view-mode-full"><header class="">'
            f"{self.meta_line(post)}</header><div class=\"node__content\"><div class=\"field field"
            f'--name-field-image field--type-image field--label-hidden field__item"><img loading="'
            f'lazy" src="{img}" width="1200" height="800" alt="{attr(image_caption(post))}" />'
            f"</div>"
            f'<div class="text-content clearfix field field--name-body field--type-text-with-'
            f'summary field--label-hidden field__item">\n{self.body_html(post, live)}\n</div><div '
            f'class="field field--name-field-tags field--type-entity-reference field--label-above '
            f'clearfix"><h3 class="field__label">Tags</h3><ul class="links field__items">{tags}'
            f'</ul></div><div class="node__links"><ul class="links inline"><li class="print-html">'
            f'<a href="{self.url(f"/node/{post.id}/printable/print")}" class="print-page">Print'
            f"</a></li></ul></div></div></article></div></div></div>")
        below = ('<div class="region region--content-below grid-full layout--pass--content-'
                 'medium">' + "".join(self.views_block(b.heading, b.posts)
                                      for b in self.blocks(post)) + "</div>")
        cat = post.category
        crumb = (f'<li class="breadcrumb__item"><a href="{self.url(self.category_path(cat))}" '
                 f'class="breadcrumb__link">{esc(cat.name)}</a></li>')
        return self.page(post.title, self.article_head(
            post, "LiveBlogPosting" if live else "NewsArticle"),
            "path-node page-node-type-article", main, below, crumb)

    def render_amp(self, post: Post) -> str:
        url = self.post_url(post)
        graph = jsonld({"@context": "https://schema.org", "@type": "NewsArticle",
                        "headline": post.title, "datePublished": utc(post.published),
                        "mainEntityOfPage": url})
        return (f'<!doctype html>\n<html amp lang="en">\n<head>\n<meta charset="utf-8" />\n<title>'
                f"{esc(post.title)} | {esc(self.spec.name)}</title>\n<link rel=\"canonical\" href="
                f'"{url}" />\n<meta name="viewport" content="width=device-width" />\n<script async '
                f'src="https://cdn.ampproject.org/v0.js"></script>\n<script type="application/ld+'
                f'json">{graph}</script>\n</head>\n<body class="amp">'
                f'<header class="amp-header"><a href="{self.url("/")}">{esc(self.spec.name)}</a>'
                f'</header><article class="node node--type-article node--view-mode-amp"><h1>'
                f"{esc(post.title)}</h1>{self.meta_line(post)}<div class=\"field--name-body\">"
                f"{self.body_html(post)}</div></article></body>\n</html>\n")

    def render_print(self, post: Post) -> str:
        url = self.post_url(post)
        return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n<title>'
                f"{esc(post.title)} | {esc(self.spec.name)}</title>\n<link rel=\"canonical\" href="
                f'"{url}" />\n<meta name="robots" content="noindex" />\n</head>\n<body class="'
                f'printable"><div class="print-header">{esc(self.spec.name)}</div><h1>'
                f'{esc(post.title)}</h1><div class="print-submitted">By '
                f'{esc(", ".join(a.name for a in post.authors))}, {drupal_date(post.published)}'
                f'</div><div class="print-content">{self.body_html(post)}</div><div class="print-'
                f'source">Source URL: {esc(url)}</div></body>\n</html>\n')

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
