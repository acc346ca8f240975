"""RSS feeds, robots.txt and sitemaps (Yoast-style for newspaper, WordPress core for generic)."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import Site, rfc822, utc

NEWS_SITEMAP_SIZE = 10


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def body_html(site: Site, post: Post) -> str:
    out = []
    for b in site.body(post).blocks:
        if b.tag in ("p", "source"):
            out.append(f"<p>{b.html}</p>")
        elif b.tag in ("h2", "h3"):
            out.append(f"<{b.tag}>{b.html}</{b.tag}>")
        elif b.tag == "figure":
            out.append(b.html)
    return "\n".join(out)


def rss(site: Site, posts: list[Post], title: str, link: str, self_url: str) -> str:
    """RSS 2.0 as WordPress prints it, with every given post (posts_per_rss set high)."""
    items = []
    for p in posts:
        url = site.post_url(p)
        cats = "".join(f"\n\t\t<category>{_cdata(c.name)}</category>" for c in p.categories)
        cats += "".join(f"\n\t\t<category>{_cdata(t.name)}</category>" for t in p.tags)
        creators = "".join(f"\n\t\t<dc:creator>{_cdata(a.name)}</dc:creator>" for a in p.authors)
        items.append(
            f"\t<item>\n\t\t<title>{escape(p.title)}</title>\n\t\t<link>{escape(url)}</link>\n"
            f"\t\t<comments>{escape(url)}#respond</comments>{creators}\n\t\t<pubDate>"
            f"{rfc822(p.published)}</pubDate>{cats}\n\t\t<guid isPermaLink=\"false\">"
            f"{escape(site.base)}/?p={p.id}</guid>\n\t\t<description>"
            f"{_cdata(site.excerpt(p, 55))}</description>\n\t\t<content:encoded>"
            f"{_cdata(body_html(site, p))}</content:encoded>\n\t</item>")
    last = max((p.modified for p in posts), default=None)
    build = f"\t<lastBuildDate>{rfc822(last)}</lastBuildDate>\n" if last else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n>\n<channel>\n'
        f"\t<title>{escape(title)}</title>\n"
        f'\t<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{escape(link)}</link>\n\t<description>{escape(site.spec.tagline)}</description>"
        f"\n{build}\t<language>en-US</language>\n\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>1</sy:updateFrequency>\n\t<generator>https://wordpress.org/?v=6.4.3"
        "</generator>\n" + "\n".join(items) + "\n</channel>\n</rss>\n")


def robots(site: Site, sitemap_path: str) -> str:
    return ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
            "Disallow: /private/\nDisallow: /?s=\nDisallow: /search/\nDisallow: /tag-cloud/\n\n"
            f"Sitemap: {site.url(sitemap_path)}\n")


def _urlset(entries: list[tuple[str, str]], extra_ns: str = "") -> str:
    rows = "".join(f"\t<url>\n\t\t<loc>{escape(loc)}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n"
                   f"\t</url>\n" for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns:xsi="http://www.w3.org/2001/'
            'XMLSchema-instance" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            f"{extra_ns}>\n{rows}</urlset>\n")


def _index(entries: list[tuple[str, str]]) -> str:
    rows = "".join(f"\t<sitemap>\n\t\t<loc>{escape(loc)}</loc>\n\t\t<lastmod>{lastmod}"
                   f"</lastmod>\n\t</sitemap>\n" for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.'
            f'sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n')


class YoastSitemaps:
    """Yoast SEO: ``sitemap_index.xml`` -> post-sitemap[N].xml, page-, category-, news-."""

    def __init__(self, site: Site, page_size: int = 50) -> None:
        self.site = site
        self.page_size = page_size
        # Yoast orders post sitemaps by modification date, oldest first
        self.posts = sorted(site.content.posts, key=lambda p: (p.modified, p.id))

    @property
    def post_files(self) -> list[str]:
        n = max(1, math.ceil(len(self.posts) / self.page_size))
        return ["/post-sitemap.xml"] + [f"/post-sitemap{i}.xml" for i in range(2, n + 1)]

    def files(self) -> dict[str, str]:
        """Sitemap path -> content type key; rendering is in :meth:`render`."""
        paths = ["/sitemap_index.xml", *self.post_files, "/page-sitemap.xml",
                 "/category-sitemap.xml", "/news-sitemap.xml"]
        return {p: "xml" for p in paths}

    def render(self, path: str) -> str | None:
        s = self.site
        if path == "/sitemap_index.xml":
            entries = []
            for i, f in enumerate(self.post_files):
                chunk = self.posts[i * self.page_size:(i + 1) * self.page_size]
                entries.append((s.url(f), utc(chunk[-1].modified)))
            newest = utc(self.posts[-1].modified)
            entries += [(s.url("/page-sitemap.xml"), newest),
                        (s.url("/category-sitemap.xml"), newest),
                        (s.url("/news-sitemap.xml"), newest)]
            return _index(entries)
        if path in self.post_files:
            i = self.post_files.index(path)
            chunk = self.posts[i * self.page_size:(i + 1) * self.page_size]
            return _urlset([(s.post_url(p), utc(p.modified)) for p in chunk])
        if path == "/page-sitemap.xml":
            newest = utc(self.posts[-1].modified)
            return _urlset([(s.url("/"), newest)] + [(s.url(p), "2021-04-20T09:00:00+00:00")
                                                     for p in s.static_pages])
        if path == "/category-sitemap.xml":
            c = s.content
            return _urlset([(s.url(s.category_path(cat)), utc(c.by_category[cat.slug][0].modified))
                            for cat in s.spec.categories if c.by_category[cat.slug]])
        if path == "/news-sitemap.xml":
            rows = []
            for p in s.content.posts[:NEWS_SITEMAP_SIZE]:
                rows.append(
                    f"\t<url>\n\t\t<loc>{escape(s.post_url(p))}</loc>\n\t\t<news:news>\n\t\t\t"
                    f"<news:publication>\n\t\t\t\t<news:name>{escape(s.spec.name)}</news:name>\n"
                    "\t\t\t\t<news:language>en</news:language>\n\t\t\t</news:publication>\n"
                    f"\t\t\t<news:publication_date>{utc(p.published)}</news:publication_date>\n"
                    f"\t\t\t<news:title>{escape(p.title)}</news:title>\n\t\t</news:news>\n\t</url>"
                    "\n")
            return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.'
                    'org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-'
                    f'news/0.9">\n{"".join(rows)}</urlset>\n')
        return None


class CoreSitemaps:
    """WordPress core sitemaps: ``wp-sitemap.xml`` -> posts, categories, users."""

    def __init__(self, site: Site, page_size: int = 2000) -> None:
        self.site = site
        self.page_size = page_size
        self.posts = site.content.posts

    @property
    def post_files(self) -> list[str]:
        n = max(1, math.ceil(len(self.posts) / self.page_size))
        return [f"/wp-sitemap-posts-post-{i}.xml" for i in range(1, n + 1)]

    def files(self) -> dict[str, str]:
        paths = ["/wp-sitemap.xml", *self.post_files, "/wp-sitemap-posts-page-1.xml",
                 "/wp-sitemap-taxonomies-category-1.xml", "/wp-sitemap-users-1.xml"]
        return {p: "xml" for p in paths}

    def render(self, path: str) -> str | None:
        s = self.site
        if path == "/wp-sitemap.xml":
            files = [f for f in self.files() if f != "/wp-sitemap.xml"]
            rows = "".join(f"<sitemap><loc>{escape(s.url(f))}</loc></sitemap>" for f in files)
            return ('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" '
                    f'href="{escape(s.url("/wp-sitemap-index.xsl"))}" ?>\n<sitemapindex xmlns="'
                    f'http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>\n')
        if path in self.post_files:
            i = self.post_files.index(path)
            chunk = self.posts[i * self.page_size:(i + 1) * self.page_size]
            return _urlset([(s.post_url(p), utc(p.modified)) for p in chunk])
        if path == "/wp-sitemap-posts-page-1.xml":
            return _urlset([(s.url(p), "2021-03-01T09:00:00+00:00") for p in s.static_pages])
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            c = s.content
            return _urlset([(s.url(s.category_path(cat)), utc(c.by_category[cat.slug][0].modified))
                            for cat in s.spec.categories if c.by_category[cat.slug]])
        if path == "/wp-sitemap-users-1.xml":
            return _urlset([(s.url(s.author_path(a)), utc(s.content.by_author[a.slug][0].modified))
                            for a in s.spec.authors if a.slug in s.content.by_author])
        return None
