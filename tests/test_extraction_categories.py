"""Sections: joined structured sections split, visible category links win when they differ."""

from __future__ import annotations

import json
from typing import Any

import lxml.html

from crawler.extraction.jsonld import LinkedData
from crawler.extraction.metadata import extract_metadata

URL = "https://news.example.org/2024/05/01/story/"
ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle"}


def categories(body: str = "", ld: dict[str, Any] | None = None,
               head: str = "") -> tuple[list[str], str | None]:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    tree = lxml.html.document_fromstring(
        f"<html><head>{head}{script}</head><body>{body}</body></html>")
    data = extract_metadata(tree, URL, LinkedData(tree))
    return data["categories"], data["provenance"].get("categories")


def cat_link(name: str) -> str:
    return f'<a href="/category/{name.lower()}/" rel="category tag">{name}</a>'


def test_joined_article_section_is_split() -> None:
    assert categories(ld={**ARTICLE, "articleSection": "Business,Technology"}) == (
        ["Business", "Technology"], "json-ld")
    assert categories(ld={**ARTICLE, "articleSection": ["Business, Technology", "World"]}) == (
        ["Business", "Technology", "World"], "json-ld")


def test_joined_meta_section_is_split() -> None:
    head = '<meta property="article:section" content="Politics; Europe">'
    assert categories(head=head) == (["Politics", "Europe"], "meta:article:section")


def test_visible_category_links_win_when_they_disagree() -> None:
    body = f"<article><p>Text.</p><footer class='entry-meta'>{cat_link('Markets')}" \
           f"{cat_link('Technology')}</footer></article>"
    assert categories(body, {**ARTICLE, "articleSection": "Business,Technology"}) == (
        ["Markets", "Technology"], "links")


def test_agreeing_links_keep_the_structured_source() -> None:
    body = f"<article>{cat_link('technology')}{cat_link('Business')}</article>"
    assert categories(body, {**ARTICLE, "articleSection": "Business,Technology"}) == (
        ["Business", "Technology"], "json-ld")


def test_links_in_navigation_and_sidebars_are_not_the_article_s() -> None:
    body = f"<nav>{cat_link('Sports')}</nav><aside>{cat_link('Weather')}</aside>"
    assert categories(body, {**ARTICLE, "articleSection": "Business"}) == (["Business"],
                                                                           "json-ld")


def test_breadcrumb_trail_names_parent_sections_without_disagreeing() -> None:
    trail = ('<nav aria-label="Breadcrumb"><a href="/">Home</a> <a href="/opinion/">Opinion</a>'
             ' <a href="/opinion/guest/">Guest column</a> <a href="/2024/05/01/story/">Story'
             '</a></nav>')
    assert categories(trail, {**ARTICLE, "articleSection": "Guest column"}) == (
        ["Guest column"], "json-ld")
    assert categories(trail, {**ARTICLE, "articleSection": "Sports"}) == (
        ["Opinion", "Guest column"], "breadcrumbs")
    assert categories(trail) == (["Opinion", "Guest column"], "breadcrumbs")
