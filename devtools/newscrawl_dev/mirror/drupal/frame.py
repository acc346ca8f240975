"""Olivero's page frame for the Drupal site: header, footer, regions, title and views blocks."""

from __future__ import annotations

import functools
from datetime import datetime

from newscrawl_dev.mirror.drupal.nodes import (
    LOGIN,
)
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Site, esc

GENERATOR = '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />\n'


def drupal_date(dt: datetime) -> str:
    return f"{dt:%a, %m/%d/%Y - %H:%M}"


class DrupalFrame(Site):
    """What every page of the Drupal site is framed by."""

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
