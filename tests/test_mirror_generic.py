"""The second site (generic WordPress theme) against its manifest and ``wpgeneric.yaml``."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET

from parsel import Selector

from crawler.profiles import load_profile
from tests.fixtures_mirror import profile_body, profile_body_links, profile_related

PROFILE = load_profile("wpgeneric")


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8")


def test_profile_is_the_second_site_by_configuration() -> None:
    assert PROFILE.name == "wpgeneric"
    assert PROFILE.base_url == "https://riversidechronicle.example"
    assert {b.label for b in PROFILE.related} == {"related", "latest"}
    mirrored = PROFILE.with_base_url("http://127.0.0.1:8080")
    assert mirrored.is_article_url("http://127.0.0.1:8080/news/some-story/")
    assert not mirrored.is_article_url("http://127.0.0.1:8080/category/local/")


def test_every_article_serves_and_the_profile_finds_body_and_links(generic_mirror) -> None:
    manifest = generic_mirror.manifest
    articles = manifest["articles"]
    assert manifest["theme"] == "generic" and len(articles) >= 30
    assert manifest["site"] == "wpgeneric"
    urls = {a["url"] for a in articles}
    for article in articles:
        assert PROFILE.with_base_url(generic_mirror.base_url).is_article_url(article["url"])
        status, html = get(article["url"])
        page = Selector(text=html)
        assert status == 200
        assert page.css("article.post h1.entry-title::text").get() == article["title"]
        assert page.css("link[rel=canonical]::attr(href)").get() == article["url"]
        assert profile_body(html, PROFILE) == article["body"].split("\n\n"), article["url"]
        found = profile_related(html, PROFILE)
        for label in ("related", "latest"):
            want = [(r["url"], r["text"]) for r in article["related"] if r["label"] == label]
            assert found.get(label, []) == want, (article["url"], label)
        inline = [h for h in profile_body_links(html, PROFILE) if h in urls]
        assert inline == [r["url"] for r in article["related"] if r["label"] == "inline"]


def test_sitemaps_feed_and_pagination_cover_every_article(generic_mirror) -> None:
    manifest = generic_mirror.manifest
    base = generic_mirror.base_url
    expected = sorted(a["url"] for a in manifest["articles"])
    _, robots = get(f"{base}/robots.txt")
    assert f"Sitemap: {base}/wp-sitemap.xml" in robots
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = [e.text for e in ET.fromstring(get(f"{base}/wp-sitemap.xml")[1]).iter(f"{ns}loc")]
    posts = [e.text for s in index if "posts-post" in s
             for e in ET.fromstring(get(s)[1]).iter(f"{ns}loc")]
    assert sorted(posts) == expected
    feed = ET.fromstring(get(f"{base}/feed/")[1])
    assert sorted(i.findtext("link") for i in feed.iter("item")) == expected
    found, url, pages = set(), f"{base}/", 0
    while url:
        page = Selector(text=get(url)[1])
        found |= set(page.css("main h2.entry-title a::attr(href)").getall())
        url = page.css("nav.pagination a.next::attr(href)").get()
        pages += 1
    assert sorted(found) == expected
    assert pages == next(lst["pages"] for lst in manifest["listings"] if lst["kind"] == "home")


def test_one_duplicate_url_variant(generic_mirror) -> None:
    aliased = generic_mirror.manifest["trap_urls"]["aliased"]
    [alias] = aliased["aliases"]
    assert "utm_source=" in alias
    status, html = get(alias)
    assert status == 200
    assert Selector(text=html).css("link[rel=canonical]::attr(href)").get() == aliased["url"]
    _, home = get(generic_mirror.base_url + "/")
    assert alias.replace("&", "&amp;") in home
