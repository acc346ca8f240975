"""The parts of profile-less crawling that need no server: URL shapes, pagination forms,
block headings in the bench languages, page signals, related blocks on a page."""

from __future__ import annotations

import re

import lxml.html
import pytest

from crawler.autoprofile.address import allowed_hosts, is_address, site_key, start_path
from crawler.autoprofile.pagesignals import classify, read_signals
from crawler.autoprofile.related_blocks import find_blocks, label_of
from crawler.autoprofile.url_shapes import ShapeBook, shape_of, shape_regex
from crawler.extraction.jsonld import LinkedData
from crawler.extraction.related import LinkFilter
from spiders.profileless_links import page_of


@pytest.mark.parametrize(("url", "shape"), [
    ("https://s.example/2024/05/12/council-votes-on-budget/", "/<d4>/<d2>/<d2>/<slug>/"),
    ("https://s.example/category/local/page/2/", "/category/<w>/page/<d2>/"),
    ("https://s.example/section/city?page=1", "/section/<w>?page"),
    ("https://s.example/council-votes-on-the-budget", "/<slug>"),
    ("https://s.example/about-us", "/about-us"),
    ("https://s.example/node/1234", "/node/<n>"),
])
def test_url_shapes(url: str, shape: str) -> None:
    assert shape_of(url) == shape


def test_shape_regexes_match_their_urls_and_pages_beyond_99() -> None:
    assert re.search(shape_regex("/<d4>/<d2>/<d2>/<slug>/"), "/2024/05/12/a-b-c/")
    assert re.search(shape_regex("/category/<w>/page/<d2>/"), "/category/x/page/120/")
    assert not re.search(shape_regex("/news/<slug>/"), "/category/x/")
    assert re.search(shape_regex("/section/<w>?page"), "/section/city?page=3")


def test_a_shape_predicts_only_with_enough_agreeing_pages() -> None:
    book = ShapeBook(min_pages=3, min_share=0.9)
    for i in range(2):
        book.learn(f"https://s.example/tag/t{i}/", "listing")
    assert book.predict("https://s.example/tag/other/") is None
    book.learn("https://s.example/tag/t9/", "listing")
    assert book.predict("https://s.example/tag/other/") == "listing"
    for i in range(9):
        book.learn(f"https://s.example/a-long-story-{i}", "article")
    book.learn("https://s.example/editorial-standards-and-corrections", "other")
    assert book.predict("https://s.example/another-long-story") == "article"
    book.learn("https://s.example/privacy-and-cookie-notice", "other")
    assert book.predict("https://s.example/another-long-story") is None


def test_pagination_forms() -> None:
    assert page_of("https://s.example/category/x/page/3/") == ("https://s.example/category/x/",
                                                               3)
    assert page_of("https://s.example/section/city?page=2") == ("https://s.example/section/city",
                                                                3)
    assert page_of("https://s.example/section/city") == ("https://s.example/section/city", 1)


@pytest.mark.parametrize(("heading", "label"), [
    ("Related posts:", "related"), ("You might also like", "related"),
    ("Read next", "related"), ("More from Politics", "related"),
    ("Ähnliche Artikel", "related"), ("À lire aussi", "related"),
    ("Artículos relacionados", "related"), ("Leia também", "related"),
    ("Leggi anche", "related"), ("Читайте также", "related"), ("Citește și", "related"),
    ("Latest news", "latest"), ("Recent Posts", "latest"), ("Neueste Artikel", "latest"),
    ("Últimas noticias", "latest"), ("Ultimele știri", "latest"), ("Последние новости", "latest"),
    ("Must read", "must_read"), ("Most read", "must_read"), ("Meistgelesen", "must_read"),
    ("Les plus lus", "must_read"), ("Cele mai citite", "must_read"),
    ("Recommended to you", "recommended"), ("Empfehlungen der Redaktion", "recommended"),
    ("Consigliati", "recommended"), ("Рекомендуем", "recommended"),
    ("Share this:", None), ("Post navigation", None), ("Categories", None), ("Tags", None),
])
def test_block_headings_name_their_label(heading: str, label: str | None) -> None:
    assert label_of(heading) == label


PAGE = """<html><head><title>T</title>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T",
 "datePublished": "2024-05-01T10:00:00Z"}</script></head><body>
<nav><h2>Latest</h2><ul><li><a href="/a-b-c/">x</a></li><li><a href="/d-e-f/">y</a></li></ul></nav>
<article><h1>T</h1><p>Body text with <a href="/inline-story-here/">a link</a>.</p></article>
<section class="more"><div class="head"><h3>Read next</h3></div>
 <ul><li><a href="/one-two-three/">One</a></li><li><a href="/four-five-six/">Four</a></li>
 <li><a href="/category/news/">News</a></li><li><a rel="next" href="/next-one-here/">N</a></li></ul>
</section>
<footer><h4>Most read</h4><a href="/g-h-i/">g</a><a href="/j-k-l/">j</a></footer>
</body></html>"""


def test_blocks_found_by_heading_leave_out_nav_footer_listings_and_next() -> None:
    tree = lxml.html.document_fromstring(PAGE)
    url = "https://s.example/t-story-here/"
    blocks = find_blocks(tree, LinkFilter(url, None, None, strict=True))
    assert [(b.label, [link["url"] for link in b.links]) for b in blocks] == [
        ("related", ["https://s.example/one-two-three/", "https://s.example/four-five-six/"])]
    signals = read_signals(tree, url, LinkedData(tree), "article")
    assert classify(signals, 300, 15, True) == ("article", "signals:json-ld")


def test_static_pages_paywalls_and_listings_are_not_articles() -> None:
    def judge(html: str, url: str, words: int = 300) -> str:
        tree = lxml.html.document_fromstring(html)
        return classify(read_signals(tree, url, LinkedData(tree), "article"), words, 15, True)[0]

    dated = ('<meta property="article:published_time" content="2024-05-01">'
             "<p>Text</p>")
    assert judge(f"<html><head>{dated}</head><body><p>x</p></body></html>",
                 "https://s.example/privacy-policy") == "other"
    paywall = ('<script type="application/ld+json">{"@type": "NewsArticle", '
               '"isAccessibleForFree": false, "datePublished": "2024-05-01"}</script>')
    assert judge(f"<html><head>{paywall}</head><body><p>x</p></body></html>",
                 "https://s.example/a-premium-story") == "other"
    teasers = "".join(f'<article><h2><a href="/s-{i}-x/">S {i}</a></h2></article>'
                      for i in range(6))
    assert judge(f"<html><body>{teasers}</body></html>", "https://s.example/section/x") \
        == "listing"


def test_addresses() -> None:
    assert is_address("https://www.site.example/") and is_address("site.example")
    assert not is_address("wpgeneric") and not is_address("sites/x.yaml")
    assert site_key("https://www.site.example/news/") == "site.example"
    assert allowed_hosts("https://www.site.example/") == ("www.site.example", "site.example")
    assert start_path("https://site.example") == "/"
    assert start_path("https://site.example/news/index?x=1") == "/news/index?x=1"


@pytest.mark.parametrize(("theme", "body"), [("generic", "div.entry-content"),
                                             ("drupal", "div.field--name-body")])
def test_the_learned_layout_extracts_what_the_page_signals_path_does(theme: str,
                                                                     body: str) -> None:
    from dataclasses import replace

    from crawler.autoprofile.address import profile_from_address
    from crawler.autoprofile.layout import learn_layout
    from crawler.extraction import ExtractOptions, extract
    from newscrawl_dev.mirror.app import MirrorApp

    app = MirrorApp(theme, base_url="http://127.0.0.1:8080", traps=False)
    pages = [(a["url"], app.handle("GET", a["url"].removeprefix(app.base_url), {}).body)
             for a in app.manifest()["articles"][:16]]
    auto = profile_from_address(app.base_url)
    layout = learn_layout(pages[:8], auto)
    assert layout.holds(0.9) and layout.body[0].startswith("div") and all(
        part in layout.body[0] for part in body.split(".")[1:]), layout.evidence
    assert {spec.label for spec in layout.related} >= {"related", "latest"}
    learned = replace(auto, body=layout.body, body_exclude=layout.body_exclude,
                      related=layout.related)
    for url, html in pages[8:]:
        plain = extract(html, ExtractOptions(url=url, profile=auto))
        fast = extract(html, ExtractOptions(url=url, profile=learned))
        assert fast.ok and fast.provenance["text"] == "layout+trafilatura"
        assert fast.text == plain.text
        assert sorted((r["url"], r["label"]) for r in fast.related) == \
            sorted((r["url"], r["label"]) for r in plain.related)
