"""The third site (Drupal 10, Olivero) against its manifest and ``harbourcity.yaml``: the
pages a Drupal news site serves and the traps it holds (served in-process, no sockets)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from parsel import Selector

from crawler.profiles import load_profile
from newscrawl_dev.mirror.app import MirrorApp
from tests.fixtures_mirror import profile_body, profile_related

BASE = "http://127.0.0.1:8080"
PROFILE = load_profile("harbourcity").with_base_url(BASE)


@pytest.fixture(scope="module")
def app() -> MirrorApp:
    return MirrorApp("drupal", base_url=BASE)


def get(app: MirrorApp, url: str) -> tuple[int, str, dict[str, str]]:
    resp = app.handle("GET", url.removeprefix(BASE), {})
    return resp.status, resp.body.decode("utf-8"), resp.headers


def test_every_article_serves_and_the_profile_finds_body_and_blocks(app: MirrorApp) -> None:
    manifest = app.manifest()
    assert manifest["theme"] == "drupal" and manifest["site"] == "harbourcity"
    live = manifest["trap_urls"]["live_blog"]["url"]
    for article in manifest["articles"]:
        assert PROFILE.is_article_url(article["url"])
        status, html, _ = get(app, article["url"])
        page = Selector(text=html)
        assert status == 200
        assert page.css("article.node--type-article.node--view-mode-full")
        assert page.css("h1.page-title span::text").get() == article["title"]
        assert page.css("link[rel=canonical]::attr(href)").get() == article["url"]
        if article["url"] == live:
            texts = [" ".join(p.split()) for p in page.css(".live-update p").xpath(
                "string()").getall()]
            assert texts == [b for b in article["body"].split("\n\n") if b in texts]
            assert "LiveBlogPosting" in html
        else:
            assert profile_body(html, PROFILE) == article["body"].split("\n\n"), article["url"]
        found = profile_related(html, PROFILE)
        for label in ("related", "must_read", "latest"):
            want = [(r["url"], r["text"]) for r in article["related"] if r["label"] == label]
            assert found.get(label, []) == want, (article["url"], label)
        # the three blocks share their markup: only the heading tells them apart
        classes = {b.attrib["class"] for b in page.css("div.block-views")}
        assert len(classes) == 1 and len(page.css("div.block-views")) == 3


def test_variants_redirects_and_pagination(app: MirrorApp) -> None:
    manifest = app.manifest()
    post = app.site.content.posts[0]
    url = app.site.post_url(post)
    for variant in (f"{url}?amp", f"{BASE}/node/{post.id}/printable/print"):
        status, html, _ = get(app, variant)
        assert status == 200
        assert Selector(text=html).css("link[rel=canonical]::attr(href)").get() == url
    status, _, headers = get(app, f"{BASE}/node/{post.id}")
    assert status == 301 and headers["Location"] == url
    # ?page=N counts from 0; the last page has no next link; one past it is a 404
    home = app.site.listings["/"]
    status, html, _ = get(app, f"{BASE}/?page=1")
    page = Selector(text=html)
    assert status == 200 and page.css('a[rel="prev"]::attr(href)').get() == "?page=0"
    status, html, _ = get(app, f"{BASE}/?page={home.pages - 1}")
    assert status == 200 and not Selector(text=html).css('a[rel="next"]')
    assert get(app, f"{BASE}/?page={home.pages}")[0] == 404
    listed = set()
    for n in range(home.pages):
        listed |= set(Selector(text=get(app, f"{BASE}/?page={n}")[1]).css(
            "article.node--view-mode-teaser h2 a::attr(href)").getall())
    assert {a["url"] for a in manifest["articles"]} <= listed


def test_the_traps_look_like_their_real_counterparts(app: MirrorApp) -> None:
    manifest = app.manifest()
    kinds = {n["kind"] for n in manifest["non_articles"]}
    assert {"page", "paywall", "amp", "print", "login", "redirect"} <= kinds
    for entry in manifest["non_articles"]:
        if entry["kind"] != "page":
            continue
        status, html, _ = get(app, entry["url"])
        page = Selector(text=html)
        # basic pages: article URL shape and og:type=article, but a WebPage and no byline
        assert status == 200 and page.css('meta[property="og:type"]::attr(content)').get() \
            == "article"
        assert page.css("article.node--type-page") and not page.css(".node__meta")
        assert json.loads(page.css('script[type="application/ld+json"]::text').get())[
            "@graph"][0]["@type"] == "WebPage"
    paywall = next(n["url"] for n in manifest["non_articles"] if n["kind"] == "paywall")
    html = get(app, paywall)[1]
    assert '"isAccessibleForFree":false' in html and "paywall" in html
    author = get(app, f"{BASE}/author/nadia-varga")[1]
    bio = Selector(text=author).css(".field--name-field-bio p::text").get()
    assert bio and len(bio.split()) > 40
    section = Selector(text=get(app, f"{BASE}/section/city")[1])
    assert section.css(".field--name-description p") and section.css(".views-row")
    robots = get(app, f"{BASE}/robots.txt")[1]
    assert "Sitemap:" not in robots and "Disallow: /user/login" in robots
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = {e.text for e in ET.fromstring(get(app, f"{BASE}/sitemap.xml")[1]).iter(f"{ns}loc")}
    assert {a["url"] for a in manifest["articles"]} <= locs
    assert {n["url"] for n in manifest["non_articles"] if n["kind"] in ("page", "paywall")} \
        <= locs
    assert re.search(r'<link rel="alternate" type="application/rss\+xml"',
                     get(app, f"{BASE}/")[1])
