"""The second site: a plain WordPress theme (Twenty Twenty / GeneratePress-like markup).

``article.post > header.entry-header h1.entry-title``, ``div.entry-content`` holding the body,
a Jetpack sharing box and a YARPP "Related posts" list (both appended *inside*
``entry-content`` as the plugins do), a core "Recent Posts" widget in the sidebar, core
pagination ``nav.navigation.pagination`` and core sitemaps.  Articles live at
``/news/<slug>/``.
"""

from __future__ import annotations

import functools
from datetime import datetime

from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Block, Listing, Site, attr, esc, jsonld, utc, wp_date


class GenericSite(Site):
    theme = "generic"
    # The privacy page shares the article URL shape (og:type website, not an article).
    static_pages = {"/about/": "About", "/contact/": "Contact",
                    "/news/privacy-policy/": "Privacy policy"}

    def post_path(self, post: Post) -> str:
        return f"/news/{post.slug}/"

    def blocks(self, post: Post) -> list[Block]:
        c = self.content
        related = self.picks(post, "yarpp", c.stable_by_category[post.category.slug], 4)
        latest = tuple(c.newest(c.posts, 5, exclude=post))
        return [Block("related", "Related posts:", related),
                Block("latest", "Recent Posts", latest)]

    @functools.cached_property
    def header(self) -> str:
        items = "".join(
            f'<li id="menu-item-{20 + i}" class="menu-item menu-item-type-taxonomy menu-item-'
            f'object-category menu-item-{20 + i}"><a href="{self.url(self.category_path(cat))}">'
            f"{esc(cat.name)}</a></li>" for i, cat in enumerate(self.spec.categories))
        items += "".join(f'<li class="menu-item menu-item-type-post_type"><a href="{self.url(p)}">'
                         f"{esc(t)}</a></li>" for p, t in self.static_pages.items())
        return (f'<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
                f'<header id="masthead" class="site-header" itemtype="https://schema.org/WPHeader"'
                f' itemscope><div class="inside-header grid-container"><div class="site-branding">'
                f'<p class="main-title" itemprop="headline"><a href="{self.url("/")}" rel="home">'
                f'{esc(self.spec.name)}</a></p><p class="site-description" itemprop="description">'
                f'{esc(self.spec.tagline)}</p></div><nav id="site-navigation" class="main-'
                f'navigation" aria-label="Primary"><button class="menu-toggle" aria-controls="'
                f'primary-menu" aria-expanded="false">Menu</button><ul id="primary-menu" class="'
                f'menu sf-menu">{items}</ul></nav></div></header>')

    def sidebar(self, latest: tuple[Post, ...] | list[Post]) -> str:
        recent = "".join(f'<li><a href="{self.post_url(p)}">{esc(p.title)}</a></li>'
                         for p in latest)
        cats = "".join(f'<li class="cat-item cat-item-{cat.id}"><a href="'
                       f'{self.url(self.category_path(cat))}">{esc(cat.name)}</a></li>'
                       for cat in self.spec.categories)
        return (f'<aside id="secondary" class="widget-area sidebar" role="complementary"><section '
                f'id="search-2" class="widget widget_search"><form role="search" method="get" '
                f'class="search-form" action="{self.url("/")}"><label><span class="screen-reader-'
                f'text">Search for:</span><input type="search" class="search-field" name="s" />'
                f'</label><input type="submit" class="search-submit" value="Search" /></form>'
                f'</section><section id="recent-posts-2" class="widget widget_recent_entries"><h2 '
                f'class="widget-title">Recent Posts</h2><nav aria-label="Recent Posts"><ul>'
                f'{recent}</ul></nav></section><section id="categories-2" class="widget '
                f'widget_categories"><h2 class="widget-title">Categories</h2><nav aria-label="'
                f'Categories"><ul>{cats}</ul></nav></section></aside>')

    @functools.cached_property
    def footer(self) -> str:
        links = ""
        if self.traps:
            from newscrawl_dev.mirror.traps import UTM_QUERY

            p = self.content.special["aliased"]
            links = (f'<p class="footer-pick">Newsletter pick: <a href="{self.post_url(p)}?'
                     f'{UTM_QUERY.replace("&", "&amp;")}">{esc(p.title)}</a></p>')
        return (f'<footer id="colophon" class="site-footer"><div class="site-info">{links}<span '
                f'class="copyright">&copy; 2024 {esc(self.spec.name)}</span> &bull; Built with '
                f'<a href="https://wordpress.org/">WordPress</a></div></footer>')

    def page(self, title: str, head: str, body_class: str, main: str, sidebar: str) -> str:
        return (f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<meta charset="UTF-8">\n'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>'
                f"{esc(title)}</title>\n<meta name='robots' content='index, follow, max-image-"
                f"preview:large' />\n{head}<link rel=\"alternate\" type=\"application/rss+xml\" "
                f'title="{attr(self.spec.name)} &raquo; Feed" href="{self.url("/feed/")}" />\n'
                f"<link rel='stylesheet' id='generate-style-css' href='"
                f"{self.url('/wp-content/themes/generatepress/assets/css/main.min.css')}?ver=3.4.0'"
                f" media='all' />\n<meta name=\"generator\" content=\"WordPress 6.4.3\" />\n"
                f'</head>\n<body class="{body_class} right-sidebar nav-float-right '
                f'separate-containers" itemtype="https://schema.org/Blog" itemscope>\n'
                f'{self.header}\n<div class="site grid-container container hfeed" id="page"><div '
                f'class="site-content" id="content"><div class="content-area" id="primary"><main '
                f'class="site-main" id="main">\n{main}\n</main></div>\n{sidebar}\n</div></div>\n'
                f"{self.footer}\n</body>\n</html>\n")

    def render_article(self, post: Post) -> str:
        url = self.post_url(post)
        blocks = {b.label: b for b in self.blocks(post)}
        body = []
        for b in self.body(post).blocks:
            if b.tag == "p":
                body.append(f"<p>{b.html}</p>")
            elif b.tag in ("h2", "h3"):
                body.append(f'<{b.tag} class="wp-block-heading">{b.html}</{b.tag}>')
            elif b.tag == "figure":
                body.append(b.html)
        share = (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-'
                 f'block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share '
                 f'this:</h3><div class="sd-content"><ul><li class="share-facebook"><a rel="'
                 f'nofollow noopener noreferrer" class="share-facebook sd-button" href="{url}?share'
                 f'=facebook" target="_blank"><span>Facebook</span></a></li><li class="share-x"><a '
                 f'rel="nofollow noopener noreferrer" class="share-x sd-button" href="{url}?share=x'
                 f'" target="_blank"><span>X</span></a></li></ul></div></div></div>')
        rel = "".join(f'<li><a href="{self.post_url(p)}" rel="bookmark" title="{attr(p.title)}">'
                      f"{esc(p.title)}</a></li>" for p in blocks["related"].posts)
        yarpp = (f"<div class='yarpp yarpp-related yarpp-related-website yarpp-template-list'>\n"
                 f"<!-- YARPP List -->\n<h3>Related posts:</h3><ol>{rel}</ol>\n</div>")
        cats = ", ".join(f'<a href="{self.url(self.category_path(c))}" rel="category tag">'
                         f"{esc(c.name)}</a>" for c in post.categories)
        tags = ", ".join(f'<a href="{self.url(self.tag_path(t))}" rel="tag">{esc(t.name)}</a>'
                         for t in post.tags)
        authors = ", ".join(f'<span class="author vcard"><a class="url fn n" href="'
                            f'{self.url(self.author_path(a))}">{esc(a.name)}</a></span>'
                            for a in post.authors)
        img = self.url(self.image_path(post))
        cap = image_caption(post)
        stated = utc if post.utc_dates else datetime.isoformat
        i = self.content.position[post.id]
        posts = self.content.posts
        nav = ""
        if i + 1 < len(posts):
            nav += (f'<div class="nav-previous"><a href="{self.post_url(posts[i + 1])}" rel="prev">'
                    f"{esc(posts[i + 1].title)}</a></div>")
        if i > 0:
            nav += (f'<div class="nav-next"><a href="{self.post_url(posts[i - 1])}" rel="next">'
                    f"{esc(posts[i - 1].title)}</a></div>")
        main = (
            f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish '
            f'format-standard has-post-thumbnail hentry category-{post.category.slug}" itemtype="'
            f'https://schema.org/CreativeWork" itemscope><div class="inside-article"><header class'
            f'="entry-header"><h1 class="entry-title" itemprop="headline">{esc(post.title)}</h1>'
            f'<div class="entry-meta"><span class="posted-on"><a href="{url}" rel="bookmark"><time'
            f' class="entry-date published" datetime="{stated(post.published)}" itemprop="'
            f'datePublished">{wp_date(post.published)}</time><time class="updated" datetime="'
            f'{stated(post.modified)}" itemprop="dateModified">{wp_date(post.modified)}</time>'
            f'</a></span> <span class="byline">by {authors}</span></div></header><div class="post-'
            f'thumbnail"><figure class="wp-caption"><img width="1200" height="800" src="{img}" '
            f'class="attachment-full size-full wp-post-image" alt="" itemprop="image" /><figcaption'
            f' class="wp-caption-text">{esc(cap)}</figcaption></figure></div><div class="entry-'
            f'content" itemprop="text">\n' + "\n".join(body) + f"\n{share}\n{yarpp}\n</div><footer"
            f' class="entry-meta entry-footer"><span class="cat-links">Posted in {cats}</span> '
            f'<span class="tags-links">Tagged {tags}</span></footer></div></article>\n<nav class="'
            f'navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post '
            f'navigation</h2><div class="nav-links">{nav}</div></nav>\n<div id="comments" class="'
            f'comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title" class'
            f'="comment-reply-title">Leave a Reply</h3><form action="'
            f'{self.url("/wp-comments-post.php")}" method="post" id="commentform" class="comment-'
            f'form"><p class="comment-form-comment"><textarea id="comment" name="comment" '
            f'cols="45" rows="8"></textarea></p>'
            f"</form></div></div>")
        graph = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
                 "datePublished": utc(post.published), "dateModified": utc(post.modified),
                 "author": [{"@type": "Person", "name": a.name} for a in post.authors],
                 "articleSection": [c.name for c in post.categories], "url": url,
                 "mainEntityOfPage": url, "image": img,
                 "publisher": {"@type": "Organization", "name": self.spec.name}}
        head = (f'<link rel="canonical" href="{url}" />\n<meta name="description" content="'
                f'{attr(self.description(post))}" />\n<meta property="og:type" content="article" />'
                f'\n<meta property="og:title" content="{attr(post.title)}" />\n<meta property="'
                f'og:url" content="{url}" />\n<meta property="og:image" content="{img}" />\n<meta '
                f'property="article:published_time" content="{utc(post.published)}" />\n<meta '
                f'property="article:modified_time" content="{utc(post.modified)}" />\n<script type'
                f'="application/ld+json">{jsonld(graph)}</script>\n<link rel=\'shortlink\' href=\''
                f"{self.base}/?p={post.id}' />\n")
        body_class = (f"post-template-default single single-post postid-{post.id} "
                      f"single-format-standard")
        return self.page(f"{post.title} – {self.spec.name}", head, body_class, main,
                         self.sidebar(blocks["latest"].posts))

    def page_nav(self, listing: Listing, page: int) -> str:
        last = listing.pages
        if last <= 1:
            return ""
        u = lambda n: self.url(listing.page_path(n))  # noqa: E731
        out = []
        if page > 1:
            out.append(f'<a class="prev page-numbers" href="{u(page - 1)}">&laquo; Previous</a>')
        for n in range(1, last + 1):
            if n == page:
                out.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            elif n in (1, last) or abs(n - page) <= 2:
                out.append(f'<a class="page-numbers" href="{u(n)}">{n}</a>')
            elif abs(n - page) == 3:
                out.append('<span class="page-numbers dots">&hellip;</span>')
        if page < last:
            out.append(f'<a class="next page-numbers" href="{u(page + 1)}">Next &raquo;</a>')
        return (f'<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-'
                f'text">Posts navigation</h2><div class="nav-links">{"".join(out)}</div></nav>')

    def render_listing(self, listing: Listing, page: int) -> str:
        arts = "".join(
            f'<article id="post-{p.id}" class="post-{p.id} post type-post status-publish hentry '
            f'category-{p.category.slug}"><div class="inside-article"><header class="entry-header">'
            f'<h2 class="entry-title"><a href="{self.post_url(p)}" rel="bookmark">{esc(p.title)}'
            f'</a></h2><div class="entry-meta"><span class="posted-on"><time class="entry-date '
            f'published" datetime="{p.published.isoformat()}">{wp_date(p.published)}</time></span>'
            f'</div></header><div class="entry-summary"><p>{esc(self.excerpt(p, 55))}</p></div>'
            f"</div></article>" for p in listing.page_posts(page))
        title = {"category": f"Category: {listing.title}", "tag": f"Tag: {listing.title}",
                 "author": f"Author: {listing.title}"}.get(listing.kind, "")
        header = (f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>'
                  if title else "")
        path = listing.page_path(page)
        head = f'<link rel="canonical" href="{self.url(path)}" />\n'
        kind = {"home": "home blog", "category": "archive category", "tag": "archive tag",
                "author": "archive author"}[listing.kind]
        return self.page(f"{title or 'Home'} – {self.spec.name}", head, kind,
                         header + arts + self.page_nav(listing, page),
                         self.sidebar(self.content.posts[:5]))

    def render_static(self, path: str, extra_html: str = "") -> str:
        title = self.static_pages[path]
        if path.startswith("/news/"):
            extra_html += "".join(
                f"<p>{esc(self.spec.name)} keeps the names and addresses of its subscribers only "
                f"for as long as they receive the newsletter, and never shares them with "
                f"advertisers or other third parties ({n}).</p>" for n in range(1, 5))
        main = (f'<article id="post-2" class="post-2 page type-page status-publish hentry"><div '
                f'class="inside-article"><header class="entry-header"><h1 class="entry-title">'
                f'{esc(title)}</h1></header><div class="entry-content"><p>{esc(self.spec.name)} '
                f"is an independent local newsroom.</p>{extra_html}</div></div></article>")
        head = (f'<link rel="canonical" href="{self.url(path)}" />\n<meta property="og:type" '
                f'content="website" />\n')
        return self.page(f"{title} – {self.spec.name}", head, "page-template-default page", main,
                         self.sidebar(self.content.posts[:5]))
