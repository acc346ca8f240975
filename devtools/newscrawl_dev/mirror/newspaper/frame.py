"""The Newspaper theme's site-wide parts (menus, header, footer, teaser modules, flex blocks)
and the page frame every page is rendered into.  Site-wide parts are rendered once per site.
"""

from __future__ import annotations

import functools

from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.newspaper.markup import (
    THEME_VER,
    WP_VER,
    Ids,
    block_script,
    inline_script,
    inline_style,
)
from newscrawl_dev.mirror.theme import (
    Site,
    attr,
    esc,
    wp_date,
)


class NewspaperFrame(Site):
    """What every page of the Newspaper site is framed by."""

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
