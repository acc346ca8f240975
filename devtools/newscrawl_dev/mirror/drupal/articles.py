"""The Drupal site's article pages: the full view, its AMP and print variants, the live blog."""

from __future__ import annotations

import random

from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.drupal.frame import DrupalFrame, drupal_date
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import attr, esc, jsonld, utc


class DrupalArticles(DrupalFrame):
    """Article pages (``render_article``, ``render_amp``, ``render_print``)."""

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
