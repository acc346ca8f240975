"""The manifest: ground truth about a mirror, for tests, the demo and the benchmark.

Built from the same :class:`~newscrawl_dev.mirror.theme.Site` methods the pages are rendered
from.  All URLs are absolute with the server's base URL.

``articles``: one entry per distinct article (canonical URL).  Its ``related`` list holds
every link from the article's page to another article of the site, in page order: first
``inline`` links inside the body, then the labelled blocks (newspaper: ``latest``,
``must_read``, ``related``, ``recommended``; generic: ``related``, ``latest``).
``position`` counts from 0 within each label.  The broken (truncated) article's page ends
after its body, so it has inline links only.

``expected_link_count``: the number of distinct ``(from article URL, target URL, label)``
triples over the ``related`` lists of all ``articles`` entries.  Links to non-articles (an
external site, a category page) are not edges; pages in ``duplicates`` add no edges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscrawl_dev.mirror import traps
from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.theme import http_date, utc

if TYPE_CHECKING:
    from newscrawl_dev.mirror.app import MirrorApp


def article_entry(app: MirrorApp, post: Post) -> dict[str, Any]:
    from newscrawl_dev.mirror.app import etag

    site = app.site
    body = site.body(post)
    text = body.text
    sp = site.content.special
    newspaper_traps = app.traps and app.theme == "newspaper"
    aliases = []
    if app.traps and post is sp.get("aliased") and app.theme != "drupal":
        aliases = (traps.alias_urls(site, post) if newspaper_traps
                   else [f"{site.post_url(post)}?{traps.UTM_QUERY}"])
    caption = None if post.fixed_body else image_caption(post)
    entry: dict[str, Any] = {
        "url": site.post_url(post),
        "id": post.id,
        "title": post.title,
        "authors": [a.name for a in post.authors],
        "published": post.published.isoformat(),
        # as the page states it, and the publisher's calendar day
        "published_local": utc(post.published) if post.utc_dates else post.published.isoformat(),
        "published_day": post.published.date().isoformat(),
        "modified": post.modified.isoformat(),
        "categories": [c.name for c in post.categories],
        "tags": [t.name for t in post.tags],
        "language": post.language,
        "description": site.description(post),
        "image": {"url": site.url(site.image_path(post)), "caption": caption},
        "body": text,
        "word_count": len(text.split()),
        "related": site.related(post),
        "aliases": aliases,
        "etag": etag(site, post),
        "last_modified": http_date(post.modified),
    }
    if newspaper_traps:
        for role, (status, _) in traps.FLAKY.items():
            if post is sp.get(role):
                entry["first_status"] = status
        if post.encoding_trap:
            entry["encoding"] = {"bytes": "windows-1251", "declared": "UTF-8 (meta), none (HTTP)"}
        if site.truncated(post):
            entry["truncated"] = True
    return entry


def build_manifest(app: MirrorApp) -> dict[str, Any]:
    site = app.site
    c = site.content
    articles = [article_entry(app, p) for p in c.posts]
    edges = {(a["url"], r["url"], r["label"]) for a in articles for r in a["related"]}
    dup = app.duplicate()
    duplicates = ([{"url": site.post_url(dup[1]),
                    "original_url": site.post_url(c.special["duplicated"])}] if dup else [])
    listings = [{"url": site.url(lst.path), "kind": lst.kind, "name": lst.title,
                 "pages": lst.pages, "count": len(lst.posts)} for lst in site.listings.values()]
    feeds = [{"url": site.url("/feed/"), "kind": "rss", "count": len(c.posts)}]
    feeds += [{"url": site.url(site.category_path(cat) + "feed/"), "kind": "rss-category",
               "count": len(c.by_category[cat.slug])} for cat in site.spec.categories
              if c.by_category[cat.slug]]
    sitemaps = [{"url": site.url(p), "kind": "index" if p == app.sitemap_index else "urlset"}
                for p in app.sitemap_paths()]
    non_articles = [{"url": site.url(p), "kind": "page", "status": 200, "what": title}
                    for p, title in site.static_pages.items()]
    trap_info: dict[str, Any] = {}
    if app.theme == "newspaper":
        non_articles += [
            {"url": site.url(traps.PDF), "kind": "pdf", "status": 200,
             "what": "application/pdf linked from /project/"},
            {"url": site.url(traps.IMAGE), "kind": "image", "status": 200,
             "what": "image/png linked from /project/"},
        ]
    if app.traps and app.theme == "generic":
        post = c.special["aliased"]
        trap_info = {"aliased": {"url": site.post_url(post),
                                 "aliases": [f"{site.post_url(post)}?{traps.UTM_QUERY}"]}}
    if app.traps and app.theme == "newspaper":
        sp = c.special
        target = site.post_url(sp["coauthored"])
        trap_info = {
            "redirect_chain": {"url": site.url(traps.REDIRECT_CHAIN[0]),
                               "hops": [[site.url(traps.REDIRECT_CHAIN[1]), 301],
                                        [target, 302]], "target": target},
            "shortlink": {"url": site.url(f"/?p={sp['mission'].id}"),
                          "target": site.post_url(sp["mission"]), "status": 301},
            "page_one_redirect": {"url": site.url("/category/articles/page/1/"),
                                  "target": site.url("/category/articles/"), "status": 301},
            "not_found": site.url(traps.DEAD),
            "flaky": [{"url": site.post_url(sp[r]), "first_status": s,
                       "retry_after": ra} for r, (s, ra) in traps.FLAKY.items()],
            "aliased": {"url": site.post_url(sp["aliased"]),
                        "aliases": traps.alias_urls(site, sp["aliased"])},
            "duplicate": duplicates[0] if duplicates else None,
            "truncated": site.post_url(sp["broken"]),
            "encoding": site.post_url(sp["encoding"]),
            "huge": {"url": site.url(traps.HUGE), "bytes": traps.HUGE_SIZE},
            "empty": site.url(traps.EMPTY),
            "binary": site.url(traps.BINARY),
            "calendar": site.url(f"{traps.CALENDAR}?month=2024-01"),
            "endless_pagination": site.url(traps.EVENTS),
            "disallowed": [site.url(traps.PRIVATE), site.url(traps.SEARCH),
                           site.url("/tag-cloud/?tag=ukraine+belarus")],
        }
        non_articles += [
            {"url": trap_info["redirect_chain"]["url"], "kind": "redirect", "status": 301,
             "what": "301 -> 302 -> article"},
            {"url": trap_info["shortlink"]["url"], "kind": "redirect", "status": 301,
             "what": "WordPress shortlink ?p=ID"},
            {"url": trap_info["page_one_redirect"]["url"], "kind": "redirect", "status": 301,
             "what": "/page/1/ redirects to the listing"},
            {"url": trap_info["not_found"], "kind": "not_found", "status": 404,
             "what": "dead article link"},
            {"url": trap_info["huge"]["url"], "kind": "huge", "status": 200,
             "what": "5 MB listing page"},
            {"url": trap_info["empty"], "kind": "empty", "status": 200, "what": "empty_body"},
            {"url": trap_info["binary"], "kind": "binary", "status": 200,
             "what": "random bytes served as text/html"},
            {"url": trap_info["calendar"], "kind": "calendar_trap", "status": 200,
             "what": "endless calendar: next/previous month forever"},
            {"url": trap_info["endless_pagination"], "kind": "pagination_trap", "status": 200,
             "what": "events listing whose /page/N/ never ends"},
        ] + [{"url": u, "kind": "disallowed", "status": 200, "what": "disallowed by robots.txt"}
             for u in trap_info["disallowed"]]
    extras = getattr(site, "manifest_extras", None)
    if extras is not None:
        more = extras()
        feeds, sitemaps = more["feeds"], more["sitemaps"]
        non_articles = more["non_articles"]
        trap_info = {"live_blog": more["live_blog"][0]}
    seed = c.special.get("seed")
    changed = c.special["changed_in_revision_2"]
    added = c.special.get("added_in_revision_2")
    return {
        "site": _profile_name(app.theme),
        "site_name": site.spec.name,
        "theme": app.theme,
        "base_url": site.base,
        "revision": app.revision,
        "traps": app.traps,
        "articles": articles,
        "duplicates": duplicates,
        "listings": listings,
        "feeds": feeds,
        "sitemaps": sitemaps,
        "robots": site.url("/robots.txt"),
        "non_articles": non_articles,
        "trap_urls": trap_info,
        "expected_article_count": len(articles),
        "expected_link_count": len(edges),
        "seed_url": site.post_url(seed) if seed else None,
        "changed_in_revision_2": site.post_url(changed),
        "added_in_revision_2": site.post_url(added) if added else None,
    }


def _profile_name(theme: str) -> str:
    from newscrawl_dev.mirror.app import PROFILE_NAMES

    return PROFILE_NAMES[theme]
