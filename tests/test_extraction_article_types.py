"""A profile's ``article_types``: a page at an article-shaped URL whose ``og:type`` is not an
article type (a static about or privacy page) is not an article."""

from __future__ import annotations

import dataclasses

from crawler.extraction import ExtractOptions, extract
from crawler.profiles import load_profile

URL = "https://riversidechronicle.example/news/privacy-policy/"
PARAGRAPH = ("The Riverside Chronicle keeps the names and addresses of its subscribers only for "
             "as long as they receive the newsletter, and never shares them. ")


def page(og_type: str | None) -> bytes:
    og = f'<meta property="og:type" content="{og_type}">' if og_type else ""
    return (f'<html><head><title>Privacy policy</title>{og}</head><body><article class="post">'
            f'<h1>Privacy policy</h1><div class="entry-content"><p>{PARAGRAPH * 4}</p>'
            f"</div></article></body></html>").encode()


def test_og_type_outside_article_types_is_rejected_with_its_own_reason() -> None:
    profile = load_profile("wpgeneric")
    result = extract(page("website"), ExtractOptions(url=URL, profile=profile))
    assert not result.ok and result.reason == "article_type"
    assert result.provenance["page_type"] == "profile:article_types"


def test_article_types_and_pages_without_og_type_are_articles() -> None:
    profile = load_profile("wpgeneric")
    for og_type in ("article", None):
        assert extract(page(og_type), ExtractOptions(url=URL, profile=profile)).ok
    blog = dataclasses.replace(profile, article_types=("article", "website"))
    assert extract(page("website"), ExtractOptions(url=URL, profile=blog)).ok
