"""Headline and author rules of the generic metadata extractor, on small pages."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest

from crawler.extraction.authors import clean_authors
from crawler.extraction.jsonld import LinkedData
from crawler.extraction.metadata import extract_metadata
from crawler.extraction.titles import choose_title, strip_site_name

URL = "https://news.example.org/2024/05/01/story/"


def page(head: str = "", body: str = "", ld: dict[str, Any] | None = None) -> dict[str, Any]:
    script = (f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else "")
    doc = f"<html><head>{head}{script}</head><body>{body}</body></html>"
    tree = lxml.html.document_fromstring(doc)
    return extract_metadata(tree, URL, LinkedData(tree))


def meta(prop: str, content: str) -> str:
    attr = "property" if prop.startswith("og:") or prop.startswith("article:") else "name"
    return f'<meta {attr}="{prop}" content="{content}">'


ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle"}


# --- titles ----------------------------------------------------------------------------------

def test_og_and_twitter_title_count_as_one_witness() -> None:
    social = "Social rewrite of the story for sharing"
    data = page(head=meta("og:title", social) + meta("twitter:title", social)
                + f"<title>{social}</title>",
                body="<article><h1>The headline readers see</h1></article>",
                ld={**ARTICLE, "headline": "The headline readers see"})
    assert data["title"] == "The headline readers see"


def test_document_title_weighs_less_than_structured_data() -> None:
    data = page(head=meta("og:title", "Pleads after the attacks") + "<title>Leader pleads after"
                " new attacks on the capital</title>",
                body="<article><h1>Leader pleads after new attacks on the capital</h1></article>",
                ld={**ARTICLE, "headline": "Pleads after the attacks"})
    assert data["title"] == "Pleads after the attacks"


def test_h1_in_breadcrumb_navigation_is_not_the_headline() -> None:
    seo = "Short search engine headline for the page"
    shown = "Kicker words: The long headline printed over the article"
    data = page(head=meta("og:title", shown) + f"<title>{seo}</title>",
                body=f'<nav class="breadcrumbs"><ol><li><h1>{seo}</h1></li></ol></nav>'
                     '<article><header><h2><span>Kicker words</span> <span>The long headline'
                     ' printed over the article</span></h2></header><p>Text.</p></article>',
                ld={**ARTICLE, "headline": seo})
    assert data["title"] == shown


def test_visible_kicker_votes_for_the_bare_headline() -> None:
    bare = "Plans a landing pad while the ballroom stalls"
    data = page(head=meta("og:title", bare) + "<title>Plans a landing pad at the house</title>",
                body='<article><h2 class="title"><span>Renovation</span> – '
                     f"<span>{bare}</span></h2><p>Text.</p></article>",
                ld={**ARTICLE, "headline": "Plans a landing pad at the house"})
    assert data["title"] == bare


def test_section_name_after_document_title_votes_for_the_bare_title() -> None:
    social = "Games 2024: Tears for the pole vaulter, then the twist"
    data = page(head=meta("og:title", social)
                + f"<title>{social} – Games 2024</title>",
                body="<article><h1>Tears for a hopeful – then the twist</h1></article>",
                ld={**ARTICLE, "headline": "Tears for a hopeful – then the twist",
                    "name": social})
    assert data["title"] == social


def test_heading_fallback_never_stands_alone() -> None:
    title, source = choose_title([], [("meta:og:title", "Budget passes after long debate")],
                                 ["Example News"], headings=["Related stories"])
    assert (title, source) == ("Budget passes after long debate", "meta:og:title")


def test_site_name_suffix_is_stripped_and_spelling_comes_from_metadata() -> None:
    title, _ = choose_title(["Budget passes"], [("json-ld", "Budget passes"),
                                                ("title", "Budget passes | Example News")],
                            ["Example News"])
    assert title == "Budget passes"


@pytest.mark.parametrize(("raw", "site", "expected"), [
    ("Budget passes |", "Example", "Budget passes"),
    ("Haushalt beschlossen – Politik – Beispiel Zeitung", "Beispiel Zeitung",
     "Haushalt beschlossen – Politik"),
    ("Presupuesto aprobado - El Ejemplo", "El Ejemplo", "Presupuesto aprobado"),
    ("予算が成立 | 例新聞", "例新聞", "予算が成立"),
    ("预算获得通过_科技_例网", "例网", "预算获得通过_科技"),
])
def test_site_affixes_are_stripped_in_any_language(raw: str, site: str, expected: str) -> None:
    assert strip_site_name(raw, [site]) == expected


# --- authors ---------------------------------------------------------------------------------

def test_author_meta_holding_only_a_profile_url_is_skipped() -> None:
    data = page(head=meta("article:author", "https://www.facebook.com/examplenews/")
                + meta("cxenseparse:author", "Daichi Matsuoka"))
    assert data["authors"] == ["Daichi Matsuoka"]


def test_json_ld_author_reference_is_resolved() -> None:
    data = page(ld={"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "H", "author": [{"@id": "#person-1"}]},
        {"@type": "Person", "@id": "#person-1", "name": "Paul Sawers"}]})
    assert data["authors"] == ["Paul Sawers"]


def test_organisation_author_gives_way_to_a_credit_line() -> None:
    paragraphs = "".join(f"<p>Paragraph {i} of the story, with enough words.</p>"
                         for i in range(5))
    data = page(body=f'<article>{paragraphs}<p style="text-align:right"><strong>Lê Phương'
                     "</strong></p></article>",
                ld={**ARTICLE, "author": {"@type": "Organization", "name": "Example News"}})
    assert data["authors"] == ["Lê Phương"]
    assert data["provenance"]["authors"] == "credit-line"


def test_credit_line_with_slash_separated_names() -> None:
    data = page(head=meta("og:site_name", "Lesotho Daily"),
                body="<div><p>Standfirst of the story.</p><p><strong>Mathatisi Sebusi/Mohalenyane"
                     " Phakela</strong></p><p>First paragraph.</p><p>Second.</p></div>",
                ld={**ARTICLE, "author": {"@type": "Person", "name": "Lesotho Daily"}})
    assert data["authors"] == ["Mathatisi Sebusi", "Mohalenyane Phakela"]


def test_bold_subheading_is_not_a_credit_line() -> None:
    data = page(body="<div><p><strong>What happens next</strong></p><p>One.</p><p>Two.</p></div>",
                ld={**ARTICLE, "author": {"@type": "Organization", "name": "Example News"}})
    assert data["authors"] == [] and data["credits"] == ["Example News"]


def test_outlet_is_a_credit_when_no_person_is_named() -> None:
    data = page(head=meta("og:site_name", "Example News") + meta("author", "Example News"))
    assert data["authors"] == [] and data["credits"] == ["Example News"]
    assert data["provenance"]["credits"] == "meta"


def test_agency_and_desk_credits_are_kept_apart_from_people() -> None:
    data = page(ld={**ARTICLE, "author": [{"@type": "Person", "name": "Jana Novak"},
                                          {"@type": "Person", "name": "dpa"}]})
    assert data["authors"] == ["Jana Novak"] and data["credits"] == ["dpa"]
    data = page(head=meta("author", "Redaktion Wirtschaft"),
                body="<div class='byline'><a href='/autor/eva-berg'>Eva Berg</a>"
                     "<span class='role'>Reporterin</span></div><p>Text.</p>")
    assert data["authors"] == ["Eva Berg"] and data["credits"] == ["Redaktion Wirtschaft"]
    data = page(head=meta("author", "AFP"))
    assert data["authors"] == [] and data["credits"] == ["AFP"]


def test_byline_without_its_date_role_or_comment_avatars() -> None:
    data = page(body="<div class='byline'>Dan Hale - Apr 16, 2015 8:02 pm UTC</div>"
                     "<div class='comments'><div class='author'>J</div></div><p>Text.</p>")
    assert data["authors"] == ["Dan Hale"]
    data = page(body="<div class='author'><span class='author-name'>Ben Sill</span>"
                     "<div class='author-title'>Games Editor</div></div><p>Text.</p>")
    assert data["authors"] == ["Ben Sill"]


def test_cms_account_named_after_the_site_gives_way_to_a_person() -> None:
    data = page(head=meta("og:site_name", "Ilanga Weekly"),
                body="<div><p><strong>MTHOBISI SITHOLE</strong></p><p>One.</p><p>Two.</p></div>",
                ld={**ARTICLE, "author": {"@id": "/author/admin/", "name": "Ilanga D"}})
    assert data["authors"] == ["MTHOBISI SITHOLE"]


def test_typed_person_sharing_the_site_word_is_kept() -> None:
    data = page(head=meta("og:site_name", "the Guardian")
                + meta("article:author", "Associated Press in Valencia"),
                ld={**ARTICLE, "author": {"@type": "Person", "name": "Guardian staff reporter"}})
    assert data["authors"] == ["Guardian staff reporter"]


def test_author_list_next_to_the_headline() -> None:
    data = page(body='<header class="singleHeader"><div><h1>Interview with a socialist</h1>'
                     '<ul class="metaInfoAuthorList"><li><a href="/author/nf/">Nathaniel Flakin'
                     "</a></li></ul></div></header><article><p>Text.</p></article>"
                     '<ul class="articleBox__authorList"><li>Someone Else</li></ul>')
    assert data["authors"] == ["Nathaniel Flakin"]


@pytest.mark.parametrize(("raw", "expected"), [
    (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
    (["Von Anna Schmidt, Peter Müller"], ["Anna Schmidt", "Peter Müller"]),
    (["Reuters/AP"], ["Reuters", "AP"]),
    (["Jane Doe (jd)"], ["Jane Doe"]),
    (["jane@example.org", "https://example.org/jane"], []),
])
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected
