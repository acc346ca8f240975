"""The tagDiv "Newspaper" theme, cloud-template (``tdb_``) generation, as the first site uses it.

Markup follows the theme's public source: ``tdb_*`` blocks inside a template ``<article>``,
``td_flex_block_1`` sidebar blocks, ``tdb_loop`` listings with ``div.page-nav``, Yoast SEO
head tags.  Site-wide parts (styles, scripts, menus, footer) are rendered once per site;
an article page costs a body, its teaser blocks and string joins.

About 740 lines: one theme's page templates (the tagDiv markup of the first site), with its
traps next to the pages they belong to; split, one site's markup would be scattered.
"""

from __future__ import annotations

import functools
import json
from itertools import count

from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import (
    Block,
    Listing,
    Site,
    attr,
    esc,
    jsonld,
    utc,
    wp_date,
)

THEME_VER = "12.6.1"
WP_VER = "6.4.3"
TEMPLATE_ID = 6320


@functools.cache
def inline_style() -> str:
    """The per-block inline CSS tagDiv prints into every page (about 50 KB)."""
    rules = []
    for i in range(1, 520):
        rules.append(
            f".tdi_{i}{{margin-bottom:{i % 37}px!important;padding-top:{i % 11}px}}"
            f"@media (min-width:768px) and (max-width:1018px){{.tdi_{i}{{margin-bottom:"
            f"{(i * 7) % 29}px!important}}}}"
        )
    return "\n".join(rules)


@functools.cache
def inline_script() -> str:
    lines = ["var tdBlocksArray = []; function tdBlock() { this.id = ''; this.block_type = 1; "
             "this.atts = ''; this.td_column_number = ''; this.td_current_page = 1; "
             "this.post_count = 0; this.found_posts = 0; this.max_num_pages = 0; "
             "this.td_filter_value = ''; this.is_ajax_running = false; "
             "this.td_user_action = ''; this.header_color = ''; "
             "this.ajax_pagination_infinite_stop = ''; }"]
    for i in range(120):
        lines.append(f"var tds_setting_{i} = {json.dumps({'k': i, 'v': 'td_val_' + str(i)})};")
    return "\n".join(lines)


class Ids:
    """Sequential ``tdi_NN`` ids, as tagDiv numbers blocks per page."""

    def __init__(self, start: int = 30) -> None:
        self._n = count(start)

    def __call__(self) -> str:
        return f"tdi_{next(self._n)}"


def block_script(uid: str, block_type: str, atts: dict) -> str:
    a = json.dumps(atts, separators=(",", ":")).replace("'", "\\'")
    return (f"<script>var block_{uid} = new tdBlock();\nblock_{uid}.id = \"{uid}\";\n"
            f"block_{uid}.atts = '{a}';\nblock_{uid}.td_column_number = \"1\";\n"
            f"block_{uid}.block_type = \"{block_type}\";\ntdBlocksArray.push(block_{uid});"
            "\n</script>")


class NewspaperSite(Site):
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

    # --- site-wide parts ----------------------------------------------------------------
    @functools.cached_property
    def menu_items(self) -> list[tuple[str, str, list[Post]]]:
        c = self.content
        items = [("Home", "/", [])]
        for cat in self.spec.categories:
            if c.by_category[cat.slug]:
                items.append((cat.name, self.category_path(cat), c.by_category[cat.slug][:4]))
        items += [(title, path, []) for path, title in self.static_pages.items()]
        return items

    def teaser_thumb(self, post: Post, size: str = "218x150") -> str:
        img = self.url(self.image_path(post)[:-4] + f"-{size}.jpg")
        return (f'<div class="td-module-thumb"><a href="{self.post_url(post)}" rel="bookmark" '
                f'class="td-image-wrap " title="{attr(post.title)}"><span class="entry-thumb '
                f'td-thumb-css" data-type="css_image" data-img-url="{img}"></span></a></div>')

    def title_link(self, post: Post) -> str:
        return (f'<h3 class="entry-title td-module-title"><a href="{self.post_url(post)}" '
                f'rel="bookmark" title="{attr(post.title)}">{esc(post.title)}</a></h3>')

    def meta_line(self, post: Post, category: bool = False) -> str:
        a = post.authors[0]
        cat = (f'<a href="{self.url(self.category_path(post.category))}" '
               f'class="td-post-category">{esc(post.category.name)}</a>') if category else ""
        return (f'<div class="td-editor-date">{cat}<span class="td-author-date">'
                f'<span class="td-post-author-name"><a href="{self.url(self.author_path(a))}">'
                f'{esc(a.name)}</a> <span>-</span> </span><span class="td-post-date"><time '
                f'class="entry-date updated td-module-date" datetime="{post.published.isoformat()}"'
                f'>{wp_date(post.published)}</time></span></span></div>')

    def module(self, post: Post, cls: str, excerpt_words: int = 0, meta: bool = True,
               category: bool = False) -> str:
        exc = (f'<div class="td-excerpt">{esc(self.excerpt(post, excerpt_words))}</div>'
               if excerpt_words else "")
        return (f'<div class="{cls} td_module_wrap td-animation-stack td-cpt-post">'
                f'<div class="td-module-container td-category-pos-"><div class="td-image-'
                f'container">{self.teaser_thumb(post)}</div><div class="td-module-meta-info">'
                f'{self.title_link(post)}{self.meta_line(post, category) if meta else ""}'
                f"{exc}</div></div></div>")

    def flex_block(self, ids: Ids, heading: str, posts: list[Post] | tuple[Post, ...],
                   excerpt_words: int, meta: bool = False, cls: str = "td_flex_block_1") -> str:
        uid = ids()
        modules = "".join(self.module(p, "td_module_flex td_module_flex_1", excerpt_words,
                                      meta=meta) for p in posts)
        return (f'<div class="td_block_wrap {cls} {uid} td_with_ajax_pagination '
                f'td-pb-border-top td_block_template_8 td_flex_block" data-td-block-uid="{uid}">'
                + block_script(uid, cls, {
                    "custom_title": heading, "limit": len(posts), "mc1_el": excerpt_words,
                    "tdc_css": "", "offset": "", "block_type": cls, "separator": "",
                    "td_ajax_filter_type": "", "ajax_pagination": "next_prev"})
                + '<div class="td-block-title-wrap"><h4 class="td-block-title"><span>'
                f'{esc(heading)}</span></h4></div><div id={uid} class="td_block_inner '
                f'td-mc1-wrap">{modules}'
                f'</div><div class="td-next-prev-wrap"><a href="#" class="td-ajax-prev-page '
                f'ajax-page-disabled" aria-label="prev-page" id="prev-page-{uid}" '
                f'data-td_block_id="{uid}"><i class="td-next-prev-icon td-icon-font '
                f'td-icon-menu-left"></i></a><a href="#" class="td-ajax-next-page" '
                f'aria-label="next-page" id="next-page-{uid}" data-td_block_id="{uid}"><i '
                f'class="td-next-prev-icon td-icon-font td-icon-menu-right"></i></a></div></div>')

    @functools.cached_property
    def header(self) -> str:
        lis = []
        for n, (name, path, posts) in enumerate(self.menu_items):
            mega = ""
            if posts:
                mods = "".join(
                    f'<div class="td_module_mega_menu td-animation-stack td_mod_mega_menu">'
                    f'{self.teaser_thumb(p, "218x150")}<div class="item-details">'
                    f"{self.title_link(p)}</div></div>" for p in posts)
                mega = (f'<ul class="sub-menu"><li class="menu-item-0"><div class="td-container-'
                        f'border"><div class="td-mega-grid"><div class="td_block_wrap '
                        f'td_block_mega_menu tdi_{900 + n} td-no-subcats td_with_ajax_pagination '
                        f'td-pb-border-top td_block_template_8" data-td-block-uid="tdi_{900 + n}">'
                        f'<div id=tdi_{900 + n} class="td_block_inner"><div class="td-mega-row">'
                        f"{mods}</div></div></div></div></div></li></ul>")
            cls = "menu-item menu-item-type-taxonomy menu-item-object-category td-menu-item " \
                  "td-mega-menu" if posts else "menu-item menu-item-type-post_type td-menu-item " \
                  "td-normal-menu"
            lis.append(f'<li id="menu-item-{100 + n}" class="{cls} menu-item-{100 + n}"><a href="'
                       f'{self.url(path)}"><div class="tdb-menu-item-text">{esc(name)}</div></a>'
                       f"{mega}</li>")
        menu = "".join(lis)
        return (f'<div class="tdc-header-wrap"><div class="td-header-template-wrap" '
                f'style="position: relative"><div class="td-header-desktop-wrap"><div '
                f'id="tdi_1" class="tdc-zone"><div class="tdc_zone tdi_2 wpb_row td-pb-row '
                f'tdc-element-style"><div class="td_block_wrap tdb_header_logo tdi_3 '
                f'td-pb-border-top td_block_template_8 tdb-header-align"><div class="tdb-block-'
                f'inner td-fix-index"><a class="tdb-logo-a" href="{self.url("/")}"><span class="'
                f'tdb-logo-text-wrap"><span class="tdb-logo-text-title">{esc(self.spec.name)}'
                f'</span><span class="tdb-logo-text-tagline">{esc(self.spec.tagline)}</span>'
                f'</span></a></div></div><div class="td_block_wrap tdb_header_menu tdi_4 '
                f'tds_menu_active1 tds_menu_sub_active1 tdb-head-menu-inline td-pb-border-top '
                f'td_block_template_8 tdb-header-align"><div id="tdi_4" class="td_block_inner '
                f'td-fix-index"><div class="tdb-main-sub-icon-fake"></div><ul id="menu-main-menu"'
                f' class="tdb-block-menu tdb-menu tdb-menu-items-visible">{menu}</ul></div></div>'
                f'<div class="td_block_wrap tdb_header_search tdi_5 tdb-header-search-trigger-'
                f'enabled td-pb-border-top td_block_template_8 tdb-header-align"><div '
                f'class="tdb-block-inner td-fix-index"><div class="tdb-drop-down-search"><div '
                f'class="tdb-drop-down-search-inner"><form method="get" class="tdb-search-form" '
                f'action="{self.url("/")}"><div class="tdb-search-form-inner"><input class="tdb-'
                f'head-search-form-input" placeholder=" " type="text" value="" name="s"><button '
                f'class="wpb_button wpb_btn-inverse btn tdb-head-search-form-btn" title="Search"'
                f' type="submit"><span>Search</span></button></div></form></div></div></div>'
                f"</div></div></div></div></div></div>")

    @functools.cached_property
    def mobile_menu(self) -> str:
        lis = "".join(f'<li class="menu-item"><a href="{self.url(path)}">{esc(name)}</a></li>'
                      for name, path, _ in self.menu_items)
        return (f'<div class="td-menu-background" style="visibility:hidden"></div><div id="td-'
                f'mobile-nav" style="visibility:hidden"><div class="td-mobile-container"><div '
                f'class="td-menu-socials-wrap"><div class="td-mobile-close"><span><i class="td-'
                f'icon-close-mobile"></i></span></div></div><div class="td-mobile-content"><div '
                f'class="menu-main-menu-container"><ul id="menu-main-menu-1" class="td-mobile-'
                f'main-menu">{lis}</ul></div></div></div></div>')

    def trap_links(self) -> list[tuple[str, str]]:
        """(href, text) of the footer's "Useful links" that lead into the traps."""
        from newscrawl_dev.mirror.traps import footer_links

        return footer_links(self)

    @functools.cached_property
    def footer(self) -> str:
        c = self.content
        picks = self.picks(c.stable[-1], "footer", c.stable, 3)
        block = self.flex_block(Ids(700), "Editor's picks", picks, 0, meta=True,
                                cls="td_flex_block_1")
        pages = [("About us", "/about-us/"), ("Project", "/project/"),
                 ("Subprojects", "/subprojects/"), ("Contact", "/about-us/#contact")]
        links = [(self.url(p), t) for t, p in pages] + self.trap_links()
        lis = "".join(f'<li class="menu-item"><a href="{attr(h)}">{esc(t)}</a></li>'
                      for h, t in links)
        months = [lst for lst in self.listings.values() if lst.kind == "date" and "/" in lst.key]
        arch = "".join(f'<li><a href="{self.url(m.path)}">{m.posts[0].published:%B %Y}</a></li>'
                       for m in months[:12])
        return (f'<div class="tdc-footer-wrap"><div class="td-footer-template-wrap" style='
                f'"position: relative"><div id="tdi_600" class="tdc-zone"><div class="tdc_zone '
                f'tdi_601 wpb_row td-pb-row"><div class="vc_row tdi_602 wpb_row td-pb-row">'
                f'<div class="vc_column tdi_603 wpb_column vc_column_container tdc-column '
                f'td-pb-span6"><div class="wpb_wrapper">{block}</div></div><div class="vc_column '
                f'tdi_604 wpb_column vc_column_container tdc-column td-pb-span3"><div class="'
                f'wpb_wrapper"><div class="td_block_wrap tdb_mobile_menu tdi_605 td-pb-border-top'
                f' td_block_template_8"><div class="tdb-block-inner td-fix-index"><ul class='
                f'"tdb-footer-menu">{lis}</ul></div></div></div></div><div class="vc_column '
                f'tdi_606 wpb_column vc_column_container tdc-column td-pb-span3"><div class="'
                f'wpb_wrapper"><aside class="td_block_template_8 widget widget_archive"><h4 '
                f'class="block-title"><span>Archives</span></h4><ul>{arch}</ul></aside></div>'
                f'</div></div><div class="td-footer-copy">&copy; {esc(self.spec.name)}. '
                f"University of Bucharest.</div></div></div></div></div>")

    # --- page frame ---------------------------------------------------------------------
    def head_common(self) -> str:
        name = attr(self.spec.name)
        return (f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" '
                f'href="{self.url("/feed/")}" />\n<link rel="alternate" type="application/'
                f'rss+xml" title="{name} &raquo; Comments Feed" href="{self.url("/comments/feed/")}'
                f'" />\n<link rel=\'stylesheet\' id=\'td-theme-css\' href=\''
                f'{self.url("/wp-content/themes/Newspaper/style.css")}?ver={THEME_VER}\' '
                f"type='text/css' media='all' />\n<style id=\"td-theme-inline-css\">"
                f"{inline_style()}</style>\n"
                f'<link rel="https://api.w.org/" href="{self.url("/wp-json/")}" />\n<link '
                f'rel="EditURI" type="application/rsd+xml" title="RSD" href="'
                f'{self.url("/xmlrpc.php?rsd")}" />\n<meta name="generator" content="WordPress '
                f'{WP_VER}" />\n<script>{inline_script()}\nvar td_ajax_url="'
                f'{self.url("/wp-admin/admin-ajax.php")}?td_theme_name=Newspaper&v={THEME_VER}";'
                "</script>\n")

    def page(self, title: str, head: str, body_class: str, main: str,
             truncated: bool = False) -> str:
        start = (f'<!doctype html>\n<html lang="{self.lang}">\n<head>\n<meta charset="UTF-8" />\n'
                 f"<title>{esc(title)}</title>\n<meta name=\"viewport\" content=\"width=device-"
                 f'width, initial-scale=1.0">\n<link rel="pingback" href="'
                 f'{self.url("/xmlrpc.php")}" />\n{head}{self.head_common()}</head>\n<body class="'
                 f'{body_class} td-standard-pack global-block-template-8 tdb-template td-full-'
                 f'layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">\n<div '
                 f'class="td-scroll-up" data-style="style1"><i class="td-icon-menu-up"></i></div>'
                 f'\n{self.mobile_menu}\n<div class="td-search-background" style="visibility:'
                 f'hidden"></div>\n<div id="td-outer-wrap" class="td-theme-wrap">\n{self.header}\n'
                 f'<div class="td-main-content-wrap td-container-wrap">\n{main}')
        if truncated:
            return start
        return (start + f"\n</div>\n{self.footer}\n</div>\n<script type=\"text/javascript\">"
                "jQuery().ready(function() { tdBlocksArray.forEach(function(b){ b.ready = 1; "
                "}); });</script>\n</body>\n</html>\n")

    # --- article ------------------------------------------------------------------------
    def article_head(self, post: Post) -> str:
        url = self.post_url(post)
        img = self.url(self.image_path(post))
        desc = attr(self.description(post))
        authors = [
            {"@type": "Person", "@id": f"{self.base}/#/schema/person/{a.slug}", "name": a.name,
             "url": self.url(self.author_path(a))} for a in post.authors]
        graph = [
            {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": [{"name": a.name, "@id": f"{self.base}/#/schema/person/{a.slug}"}
                        for a in post.authors] if len(post.authors) > 1 else
             {"name": post.authors[0].name,
              "@id": f"{self.base}/#/schema/person/{post.authors[0].slug}"},
             "headline": post.title, "datePublished": utc(post.published),
             "dateModified": utc(post.modified), "mainEntityOfPage": {"@id": url},
             "wordCount": len(self.body(post).text.split()), "commentCount": self.comments(post),
             "publisher": {"@id": f"{self.base}/#organization"},
             "image": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": img,
             "keywords": [t.name for t in post.tags],
             "articleSection": [c.name for c in post.categories], "inLanguage": self.lang,
             "potentialAction": [{"@type": "CommentAction", "name": "Comment",
                                  "target": [f"{url}#respond"]}]},
            {"@type": "WebPage", "@id": url, "url": url,
             "name": f"{post.title} - {self.spec.name}",
             "isPartOf": {"@id": f"{self.base}/#website"},
             "primaryImageOfPage": {"@id": f"{url}#primaryimage"}, "image": {"@id":
                                                                             f"{url}#primaryimage"},
             "thumbnailUrl": img, "datePublished": utc(post.published),
             "dateModified": utc(post.modified), "breadcrumb": {"@id": f"{url}#breadcrumb"},
             "inLanguage": self.lang, "potentialAction": [{"@type": "ReadAction",
                                                           "target": [url]}]},
            {"@type": "ImageObject", "inLanguage": self.lang, "@id": f"{url}#primaryimage",
             "url": img, "contentUrl": img, "width": 1200, "height": 800},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": self.base + "/"},
                {"@type": "ListItem", "position": 2, "name": post.title}]},
            {"@type": "WebSite", "@id": f"{self.base}/#website", "url": self.base + "/",
             "name": self.spec.name, "description": self.spec.tagline,
             "publisher": {"@id": f"{self.base}/#organization"}, "inLanguage": self.lang},
            {"@type": "Organization", "@id": f"{self.base}/#organization",
             "name": self.spec.name, "url": self.base + "/"},
            *authors,
        ]
        amp = ""
        if self.traps and post is self.content.special.get("aliased"):
            amp = f'<link rel="amphtml" href="{url}amp/" />\n'
        names = ", ".join(a.name for a in post.authors)
        minutes = max(1, len(self.body(post).text.split()) // 200)
        return (f"<!-- This site is optimized with the Yoast SEO plugin v21.9.1 - https://yoast"
                f".com/wordpress/plugins/seo/ -->\n<meta name=\"description\" content=\"{desc}\" />"
                f'\n<link rel="canonical" href="{url}" />\n<meta property="og:locale" content="'
                f'en_US" />\n<meta property="og:type" content="article" />\n<meta property="og:'
                f'title" content="{attr(post.title)} - {attr(self.spec.name)}" />\n<meta property'
                f'="og:description" content="{desc}" />\n<meta property="og:url" content="{url}" '
                f'/>\n<meta property="og:site_name" content="{attr(self.spec.name)}" />\n<meta '
                f'property="article:published_time" content="{utc(post.published)}" />\n<meta '
                f'property="article:modified_time" content="{utc(post.modified)}" />\n<meta '
                f'property="og:image" content="{img}" />\n<meta property="og:image:width" content'
                f'="1200" />\n<meta property="og:image:height" content="800" />\n<meta property="'
                f'og:image:type" content="image/jpeg" />\n<meta name="author" content="'
                f'{attr(names)}" />\n<meta name="twitter:card" content="summary_large_image" />\n'
                f'<meta name="twitter:label1" content="Written by" />\n<meta name="twitter:data1" '
                f'content="{attr(names)}" />\n<meta name="twitter:label2" content="Est. reading '
                f'time" />\n<meta name="twitter:data2" content="{minutes} minutes" />\n<script '
                f'type="application/ld+json" class="yoast-schema-graph">'
                f'{jsonld({"@context": "https://schema.org", "@graph": graph})}</script>\n<!-- / '
                f'Yoast SEO plugin. -->\n<link rel="alternate" type="application/rss+xml" title="'
                f'{attr(self.spec.name)} &raquo; {attr(post.title)} Comments Feed" href="{url}'
                f'feed/" />\n<link rel="alternate" title="JSON" type="application/json" href="'
                f'{self.url("/wp-json/wp/v2/posts/")}{post.id}" />\n<link rel=\'shortlink\' href'
                f"='{self.base}/?p={post.id}' />\n{amp}")

    def comments(self, post: Post) -> int:
        return 2 if post.index % 4 == 1 else 0

    def article_main(self, post: Post, ids: Ids) -> tuple[str, str, str]:
        """(main column, sidebar, bottom row) of the article template."""
        url = self.post_url(post)
        cat = post.category
        cat_url = self.url(self.category_path(cat))
        words = post.title.split()
        crumb = " ".join(words[:9]) + ("..." if len(words) > 9 else "")
        parts = []
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_breadcrumbs {uid} td-pb-border-top td_block_template_8'
            f' tdb-breadcrumbs " data-td-block-uid="{uid}"><div class="tdb-block-inner td-fix-'
            f'index"><span><a title="View all posts in {attr(cat.name)}" class="tdb-entry-crumb" '
            f'href="{cat_url}">{esc(cat.name)}</a></span><i class="td-icon-right tdb-bread-sep '
            f'tdb-bred-no-url-last"></i><span class="tdb-bred-no-url-last">{esc(crumb)}</span>'
            f'</div></div><script type="application/ld+json">' + jsonld({
                "@context": "http://schema.org", "@type": "BreadcrumbList", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "item": {
                        "@type": "WebSite", "@id": self.base + "/", "name": "Home"}},
                    {"@type": "ListItem", "position": 2, "item": {
                        "@type": "WebPage", "@id": cat_url, "name": cat.name}},
                    {"@type": "ListItem", "position": 3, "item": {
                        "@type": "WebPage", "@id": url, "name": crumb}}]}) + "</script>")
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_single_categories {uid} td-pb-border-top '
            f'td_block_template_8 " data-td-block-uid="{uid}"><div class="tdb-category td-fix-'
            f'index">' + "".join(
                f'<a class="tdb-entry-category" href="{self.url(self.category_path(c))}"><span '
                f'class="tdb-cat-bg"></span>{esc(c.name)}</a>' for c in post.categories)
            + "</div></div>")
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_title {uid} tdb-single-title td-pb-border-top '
            f'td_block_template_8" data-td-block-uid="{uid}"><div class="tdb-block-inner td-fix-'
            f'index"><h1 class="tdb-title-text">{esc(post.title)}</h1><div></div><div class="'
            f'tdb-title-line"></div></div></div>')
        uid = ids()
        authors = " &amp; ".join(
            f'<a class="tdb-author-name" href="{self.url(self.author_path(a))}">{esc(a.name)}</a>'
            for a in post.authors)
        a0 = post.authors[0]
        parts.append(
            f'<div class="td_block_wrap tdb_single_author {uid} td-pb-border-top '
            f'td_block_template_8 tdb-post-meta" data-td-block-uid="{uid}"><div class="tdb-block-'
            f'inner td-fix-index"><a class="tdb-author-photo" href="'
            f'{self.url(self.author_path(a0))}" title="{attr(a0.name)}"><img alt="'
            f'{attr(a0.name)}" src="{self.url("/wp-content/uploads/avatars/")}{a0.slug}-96x96.jpg"'
            f' class="avatar avatar-96 photo" height="96" width="96"></a><div class="tdb-author-'
            f'name-wrap"><span class="tdb-author-by">By'
            f"</span> {authors}</div></div></div>")
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_single_date {uid} td-pb-border-top td_block_template_8'
            f' tdb-post-meta" data-td-block-uid="{uid}"><div class="tdb-block-inner td-fix-index">'
            f'<time class="entry-date updated td-module-date" datetime="'
            f'{post.published.isoformat()}">{wp_date(post.published)}</time></div></div>')
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_single_comments_count {uid} td-pb-border-top '
            f'td_block_template_8 tdb-post-meta"><div class="tdb-block-inner td-fix-index"><a href'
            f'="{url}#respond"><i class="tdb-comm-icon td-icon-comments"></i><span>'
            f"{self.comments(post)}</span></a></div></div>")
        uid = ids()
        caption = "" if post.fixed_body else image_caption(post)
        full = self.url(self.image_path(post))
        parts.append(
            f'<div class="td_block_wrap tdb_single_featured_image {uid} tdb-content-horiz-left '
            f'td-pb-border-top td_block_template_8" data-td-block-uid="{uid}"><div class="tdb-'
            f'block-inner td-fix-index"><a href="{full}" data-caption="{attr(caption)}" class="'
            f'td-modal-image"><img fetchpriority="high" class="entry-thumb" src="{full[:-4]}-696x'
            f'464.jpg" srcset="{full[:-4]}-696x464.jpg 696w, {full[:-4]}-1024x683.jpg 1024w" sizes'
            f'="(max-width: 696px) 100vw, 696px" alt="" title="{attr(post.title)}" width="696" '
            f'height="464" /></a>'
            + (f'<figcaption class="tdb-caption-text">{esc(caption)}</figcaption>' if caption
               else "") + "</div></div>")
        uid = ids()
        share = "".join(
            f'<a class="td-social-sharing-button td-social-sharing-button-js td-social-network '
            f'td-social-{net.lower()}" href="{href}" title="{net}"><div class="td-social-but-icon">'
            f'<i class="td-icon-{net.lower()}"></i></div><div class="td-social-but-text">{net}'
            f"</div></a>" for net, href in (
                ("Facebook", f"https://www.facebook.com/sharer.php?u={url}"),
                ("Twitter", f"https://twitter.com/intent/tweet?text={attr(post.title)}&amp;url={url}"),
                ("Linkedin", f"https://www.linkedin.com/shareArticle?mini=true&amp;url={url}"),
                ("Telegram", f"https://t.me/share/url?url={url}"),
                ("Whatsapp", f"https://api.whatsapp.com/send?text={url}")))
        parts.append(
            f'<div class="td_block_wrap tdb_single_post_share {uid} td-pb-border-top '
            f'td_block_template_8"><div id="{uid}" class="td-post-sharing tdb-block td-ps-bg '
            f'td-ps-notext td-post-sharing-style1 "><div class="td-post-sharing-visible">{share}'
            f'</div><div class="td-social-sharing-hidden"><ul class="td-pulldown-filter-list">'
            f'</ul><a class="td-social-sharing-button td-social-handler td-social-expand-tabs" '
            f'href="#" title="More"><div class="td-social-but-icon"><i class="td-icon-plus '
            f'td-social-expand-tabs-icon"></i></div></a></div></div></div>')
        uid = ids()
        broken = self.truncated(post)
        body = []
        for b in self.body(post).blocks:
            if b.tag in ("p", "source"):
                body.append(f"<p>{b.html}" if broken else f"<p>{b.html}</p>")
            elif b.tag in ("h2", "h3"):
                body.append(f"<{b.tag}>{b.html}</{b.tag}>")
            elif b.tag == "figure":
                body.append(b.html)
            elif b.tag == "ad":
                aid = ids()
                body.append(f'<div class="td-a-rec td-a-rec-id-content_inline  {aid} '
                            f'td_block_template_8"><span class="td-adspot-title">- '
                            f'Advertisement -</span><div class="td-all-devices"><a href="#">'
                            f'<img src="{self.url("/wp-content/uploads/2021/04/banner.png")}" '
                            f'alt="" /></a></div></div>')
        parts.append(
            f'<div class="td_block_wrap tdb_single_content {uid} td-pb-border-top '
            f'td_block_template_8 td-post-content tagdiv-type" data-td-block-uid="{uid}"><div '
            f'class="tdb-block-inner td-fix-index">' + "\n".join(body)
            + ("" if broken else "</div></div>"))
        if broken:
            return "\n".join(parts), "", ""
        parts.append(self.after_body(post, ids))
        sidebar = "".join(self.flex_block(ids, b.heading, b.posts, 19 if b.label == "latest"
                                          else 9) for b in self.blocks(post)
                          if b.label in ("latest", "must_read"))
        bottom = []
        for b in self.blocks(post):
            if b.label == "related":
                bottom.append(self.related_block(ids, post, b))
            elif b.label == "recommended":
                bottom.append(self.flex_block(ids, b.heading, b.posts, 12, meta=True,
                                              cls="td_flex_block_4"))
        return "\n".join(parts), sidebar, "".join(bottom)

    def after_body(self, post: Post, ids: Ids) -> str:
        url = self.post_url(post)
        uid = ids()
        tags = "".join(f'<li><a href="{self.url(self.tag_path(t))}">{esc(t.name)}</a></li>'
                       for t in post.tags)
        out = [f'<div class="td_block_wrap tdb_single_tags {uid} td-pb-border-top '
               f'td_block_template_8"><div class="tdb-block-inner td-fix-index"><ul class="tdb-'
               f'tags"><li><span>Tags</span></li>{tags}</ul></div></div>']
        posts = self.content.posts
        i = self.content.position[post.id]
        prev_p = posts[i + 1] if i + 1 < len(posts) else None
        next_p = posts[i - 1] if i > 0 else None
        uid = ids()

        def side(p: Post | None, cls: str, label: str) -> str:
            if p is None:
                return f'<div class="tdb-next-post {cls}"></div>'
            return (f'<div class="tdb-next-post tdb-next-post-bg {cls}"><span>{label}</span>'
                    f'<a href="{self.post_url(p)}">{esc(p.title)}</a></div>')

        out.append(f'<div class="td_block_wrap tdb_single_next_prev {uid} td-pb-border-top '
                   f'td_block_template_8"><div class="tdb-block-inner td-fix-index">'
                   f'{side(prev_p, "tdb-post-prev", "Previous article")}'
                   f'{side(next_p, "tdb-post-next", "Next article")}</div></div>')
        a = post.authors[0]
        aurl = self.url(self.author_path(a))
        uid = ids()
        out.append(f'<div class="tdb-author-box td_block_wrap tdb_single_author_box {uid} '
                   f'tdb-content-vert-top td-pb-border-top td_block_template_8"><div class="tdb-'
                   f'block-inner td-fix-index"><a href="{aurl}" class="tdb-author-photo"><img '
                   f'alt="{attr(a.name)}" src="{self.url("/wp-content/uploads/avatars/")}'
                   f'{a.slug}-96x96.jpg" class="avatar avatar-96 photo" height="96" width="96">'
                   f'</a><div class="tdb-author-info"><a href="{aurl}" class="tdb-author-name">'
                   f'{esc(a.name)}</a><div class="tdb-author-descr">{esc(a.bio)}</div></div>'
                   f"</div></div>")
        n = self.comments(post)
        items = "".join(
            f'<li class="comment " id="li-comment-{post.id * 10 + k}"><article><footer><img alt="" '
            f'src="{self.url("/wp-content/uploads/avatars/anon-50x50.jpg")}" class="avatar '
            f'avatar-50 photo" height="50" width="50"><cite><a href="https://commenter{k}.example'
            f'.net/" rel="external nofollow" class="url">Reader {k + 1}</a></cite><a class="'
            f'comment-link" href="#li-comment-{post.id * 10 + k}"><time pubdate="1679224500">'
            f'{wp_date(post.published)} at 11:15 am</time></a></footer><div class="comment-content'
            f'"><p>Thank you for this analysis, reader {k + 1} agrees with the main point.</p>'
            f'</div><div class="comment-meta" id="comment-{post.id * 10 + k}"><a rel=\'nofollow\' '
            f"class='comment-reply-link' href='{url}?replytocom={post.id * 10 + k}#respond'>Reply"
            f"</a></div></article></li>" for k in range(n))
        title = f"{n} COMMENTS" if n else "NO COMMENTS"
        uid = ids()
        out.append(
            f'<div class="td_block_wrap tdb_single_comments {uid} td-pb-border-top '
            f'td_block_template_8"><div class="tdb-block-inner td-fix-index"><div class="comments"'
            f' id="comments"><div class="td-comments-title-wrap td_block_template_8"><h4 class="'
            f'td-comments-title td-block-title"><span>{title}</span></h4></div><ol class="comment-'
            f'list ">{items}</ol><div id="respond" class="comment-respond"><h3 id="reply-title" '
            f'class="comment-reply-title">LEAVE A REPLY <small><a rel="nofollow" id="cancel-'
            f'comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a>'
            f'</small></h3><form action="{self.url("/wp-comments-post.php")}" method="post" id="'
            f'commentform" class="comment-form"><div class="clearfix"></div><div class="comment-'
            f'form-input-wrap td-form-comment"><textarea placeholder="Comment:" id="comment" '
            f'name="comment" cols="45" rows="8" aria-required="true"></textarea></div><div class'
            f'="comment-form-input-wrap td-form-author"><input class="" id="author" name="author"'
            f' placeholder="Name:*" type="text" value="" size="30"  aria-required=\'true\' /></div>'
            f'<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit"'
            f' value="Post Comment" /> <input type=\'hidden\' name=\'comment_post_ID\' value=\''
            f"{post.id}' id='comment_post_ID' /></p></form></div></div></div></div>")
        return "\n".join(out)

    def related_block(self, ids: Ids, post: Post, block: Block) -> str:
        uid = ids()
        mods = "".join(
            f'<div class="tdb_module_related td_module_wrap td-animation-stack"><div class="td-'
            f'module-container td-category-pos-"><div class="td-image-container">'
            f'{self.teaser_thumb(p)}</div><div class="td-module-meta-info">{self.title_link(p)}'
            f"{self.meta_line(p)}</div></div></div>" for p in block.posts)
        return (f'<div class="td_block_wrap tdb_single_related {uid} td_with_ajax_pagination '
                f'td-pb-border-top td_block_template_8 tdb-single-related-posts" data-td-block-'
                f'uid="{uid}">' + block_script(uid, "tdb_single_related", {
                    "limit": "3", "live_filter": "cur_post_same_categories",
                    "td_ajax_filter_type": "td_custom_related", "live_filter_cur_post_id":
                    post.id, "custom_title": "You might also like"})
                + f'<div class="td-block-title-wrap"><h4 class="td-block-title"><span>'
                f'{esc(block.heading)}</span></h4><div class="td-subcat-filter"><ul class="td-'
                f'subcat-list"><li class="td-subcat-item"><a class="td-subcat-link" href="#" '
                f'data-td_filter_value="">RELATED</a></li></ul></div></div><div id={uid} class="'
                f'td_block_inner tdb-block-inner td-fix-index">{mods}</div><div class="td-next-'
                f'prev-wrap"><a href="#" class="td-ajax-prev-page ajax-page-disabled" aria-label='
                f'"prev-page" id="prev-page-{uid}" data-td_block_id="{uid}"><i class="td-next-'
                f'prev-icon td-icon-font td-icon-menu-left"></i></a><a href="#" class="td-ajax-'
                f'next-page" aria-label="next-page" id="next-page-{uid}" data-td_block_id="{uid}">'
                f'<i class="td-next-prev-icon td-icon-font td-icon-menu-right"></i></a></div>'
                f"</div>")

    def render_article(self, post: Post) -> str:
        ids = Ids()
        main, sidebar, bottom = self.article_main(post, ids)
        cats = " ".join(f"category-{c.slug}" for c in post.categories)
        body_class = (f"post-template-default single single-post postid-{post.id} "
                      f"single-format-standard {cats} tdb_template_{TEMPLATE_ID}")
        title = f"{post.title} - {self.spec.name}"
        head = self.article_head(post)
        article_open = (
            f'<div class="tdc-content-wrap"><article id="template-id-{TEMPLATE_ID}" class="post-'
            f'{TEMPLATE_ID} tdb_templates type-tdb_templates status-publish post" itemscope '
            f'itemtype="https://schema.org/Article"><div id="tdi_22" class="tdc-zone"><div class='
            f'"tdc_zone tdi_23 wpb_row td-pb-row"><div id="tdi_24" class="tdc-row stretch_row_1200'
            f' td-stretch-content"><div class="vc_row tdi_25 wpb_row td-pb-row tdc-element-style">'
            f'<div class="vc_column tdi_27 wpb_column vc_column_container tdc-column td-pb-span8">'
            f'<div class="wpb_wrapper">\n')
        if self.truncated(post):
            return self.page(title, head, body_class, article_open + main, truncated=True)
        main_html = (
            article_open + main + '</div></div>\n<div class="vc_column tdi_29 wpb_column '
            'vc_column_container tdc-column td-pb-span4 td-is-sticky"><div class="wpb_wrapper">'
            + sidebar + '</div></div></div></div>\n<div id="tdi_60" class="tdc-row"><div class='
            '"vc_row tdi_61 wpb_row td-pb-row"><div class="vc_column tdi_63 wpb_column '
            'vc_column_container tdc-column td-pb-span12"><div class="wpb_wrapper">' + bottom
            + "</div></div></div></div>\n</div></div></article></div>")
        return self.page(title, head, body_class, main_html)

    # --- listings -----------------------------------------------------------------------
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
