"""The newspaper mirror's pages, checked against the manifest and the site profile's selectors."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from parsel import Selector

from crawler.profiles import load_profile
from tests.fixtures_mirror import profile_body, profile_body_links, profile_related

PROFILE = load_profile("russianstudiesromania")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; retries the mirror's one-off 5xx/429 answers."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    for _ in range(3):
        try:
            with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 500, 503):
                return exc.code, dict(exc.headers), exc.read()
    raise AssertionError(f"{url} kept failing")


def page_text(body: bytes, headers: dict[str, str]) -> str:
    charset = "utf-8" if "charset=UTF-8" in headers.get("Content-Type", "") else "windows-1251"
    return body.decode(charset)


def expected_body(article: dict) -> list[str]:
    return article["body"].split("\n\n")


def test_every_article_serves_its_title_in_the_h1(mirror) -> None:
    for article in mirror.manifest["articles"]:
        status, headers, body = fetch(article["url"])
        assert status == 200, article["url"]
        page = Selector(text=page_text(body, headers))
        assert page.css("h1.tdb-title-text::text").get() == article["title"]
        assert page.css("link[rel=canonical]::attr(href)").get() == article["url"]
        assert headers["ETag"] == article["etag"]
        assert headers["Last-Modified"] == article["last_modified"]


def pick_articles(manifest: dict) -> list[dict]:
    arts = manifest["articles"]
    seed = next(a for a in arts if a["url"] == manifest["seed_url"])
    inline = [a for a in arts if sum(r["label"] == "inline" for r in a["related"]) == 2]
    two_authors = next(a for a in arts if len(a["authors"]) == 2)
    encoded = next(a for a in arts if "encoding" in a)
    return [seed, inline[0], inline[-1], two_authors, encoded, arts[0], arts[-1]]


def test_profile_selectors_find_exactly_the_manifest_body_and_links(mirror) -> None:
    manifest = mirror.manifest
    urls = {a["url"] for a in manifest["articles"]}
    for article in pick_articles(manifest):
        _, headers, body = fetch(article["url"])
        html = page_text(body, headers)
        parts = profile_body(html, PROFILE)
        # the theme's last body line "Image source: ..." is body text to the selectors;
        # the manifest's body (what extraction must deliver) leaves it out
        assert parts[-1].startswith("Image source:"), article["url"]
        assert parts[:-1] == expected_body(article), article["url"]
        found = profile_related(html, PROFILE)
        for label in ("latest", "must_read", "related", "recommended"):
            want = [(r["url"], r["text"]) for r in article["related"] if r["label"] == label]
            assert found.get(label, []) == want, (article["url"], label)
        inline = [h for h in profile_body_links(html, PROFILE) if h in urls]
        assert inline == [r["url"] for r in article["related"] if r["label"] == "inline"]


def test_seed_page_renders_the_seed_blocks_text(mirror) -> None:
    manifest = mirror.manifest
    body = fetch(manifest["seed_url"])[2]
    page = Selector(text=body.decode("utf-8"))
    crumb = "".join(page.css("div.tdb_breadcrumbs .tdb-block-inner ::text").getall())
    assert crumb == "ArticlesNew Concessions for Putin: Is Lukashenko Ready to Involve..."
    blocks = {" ".join(b.css(".td-block-title ::text").getall()): b
              for b in page.css("div.td_flex_block")}
    latest = blocks["Latest news"]
    assert latest.css(".td-excerpt::text").getall()[0] == (
        "More than a year has passed since the beginning of the war launched by Russia "
        "against Ukraine, or rather...")
    assert blocks["Must read"].css(".td-excerpt::text").getall()[1] == (
        "After Vladimir Putin's visit to Minsk last year, Western...")
    assert page.css("time.entry-date::attr(datetime)").get().startswith("2022-10-13T")
    assert "Image source:" in page.css("div.tdb_single_content").get()


def test_article_head_has_the_metadata_crawlers_use(mirror) -> None:
    article = next(a for a in mirror.manifest["articles"] if len(a["authors"]) == 2)
    _, _, body = fetch(article["url"])
    page = Selector(text=body.decode("utf-8"))
    assert page.css("meta[property='og:type']::attr(content)").get() == "article"
    assert page.css("meta[property='article:published_time']::attr(content)").get()
    assert page.css("link[rel=shortlink]::attr(href)").get() == \
        f"{mirror.base_url}/?p={article['id']}"
    graph = json.loads(page.css("script.yoast-schema-graph::text").get())["@graph"]
    node = next(n for n in graph if n["@type"] == "Article")
    assert node["headline"] == article["title"]
    assert [a["name"] for a in node["author"]] == article["authors"]
    assert {n["@type"] for n in graph} >= {"Article", "WebPage", "BreadcrumbList", "Person"}
    assert page.css(".tdb-author-name::text").getall()[:2] == article["authors"]
    assert page.css("ul.tdb-tags a::text").getall() == article["tags"]
    # realistic weight: inline styles, scripts and menus
    assert 80_000 <= len(body) <= 250_000


@pytest.mark.parametrize("path", ["/about-us/", "/project/", "/subprojects/"])
def test_static_pages_are_not_articles(mirror, path: str) -> None:
    status, _, body = fetch(mirror.url(path))
    page = Selector(text=body.decode("utf-8"))
    assert status == 200
    assert page.css("meta[property='og:type']::attr(content)").get() == "website"
    types = [n["@type"] for s in page.css("script.yoast-schema-graph::text").getall()
             for n in json.loads(s)["@graph"]]
    assert "Article" not in types and "NewsArticle" not in types
    assert not page.css("div.tdb_single_content")


def test_two_generators_render_the_same_pages(mirror) -> None:
    from newscrawl_dev.mirror.app import MirrorApp

    other = MirrorApp("newspaper", 60, 1, mirror.base_url).site
    site = mirror.app.site
    for path in list(site.post_paths)[:20]:
        started = time.perf_counter()
        page = site.render_article(site.post_paths[path])
        elapsed = time.perf_counter() - started
        assert page == other.render_article(other.post_paths[path]), path
    print(f"render: {elapsed * 1000:.2f} ms for the last article page")
    listing = site.listings["/category/articles/"]
    assert site.render_listing(listing, 2) == other.render_listing(
        other.listings["/category/articles/"], 2)
