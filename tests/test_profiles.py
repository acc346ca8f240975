"""Site profiles: schema validation, the one URL form regexes see, URL identity, per-field
selectors, body ranges and printed dates."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import lxml.html
import pytest
import yaml

from crawler.discovery.listings import listing_root, page_number
from crawler.extraction.core import extract
from crawler.extraction.options import ExtractOptions
from crawler.extraction.printeddates import page_text_date, parse_text_date
from crawler.extraction.profilebody import body_range
from crawler.profiles import (
    RELATED_LABELS,
    SITES_DIR,
    ProfileError,
    available_profiles,
    load_profile,
    parse_profile,
)
from crawler.urls import canonicalize

BASE: dict[str, Any] = {"name": "oldsite", "base_url": "https://old.example",
                        "start_urls": ["/news/index"],
                        "article_url": r"/news/index\?page=article&id=[0-9a-f]+"}


def profile(**extra: Any) -> Any:
    return parse_profile({**BASE, **extra}, "oldsite.yaml")


@pytest.mark.parametrize(("extra", "message"), [
    ({"pagination": {"max_pages": "ten"}},
     "'pagination.max_pages' must be an integer (got 'ten')"),
    ({"bogus": 1}, "unknown key(s) bogus; allowed:"),
    ({"start_urls": []}, "'start_urls' must not be empty"),
    ({"related": [{"label": "next", "block": "div"}]}, "'related[0].label' must be one of"),
    ({"related": [{"label": "related"}]}, "missing required key 'related[0].block'"),
    ({"politeness": {"download_delay": "slow"}}, "'politeness.download_delay' must be a number"),
    ({"article_url": "(["}, "'article_url' has a bad regex"),
    ({"body_stop": "hr[["}, "'body_stop' has a bad CSS selector"),
    ({"fields": {"title": "span..x"}}, "'fields.title' has a bad CSS selector"),
    ({"fields": {"authors_exclude": ["(staff"]}}, "'fields.authors_exclude' has a bad regex"),
    ({"fields": {"day_first": "yes"}}, "'fields.day_first' must be true or false"),
    ({"fields": {"headline": "h1"}}, "fields: unknown key(s) headline"),
    ({"url_params": {"keep": ["id"], "drop": ["mode"]}}, "'url_params' takes exactly one of"),
    ({"url_params": {"keep": []}}, "'url_params.keep' must not be empty"),
])
def test_a_bad_profile_is_an_error_naming_the_key(extra: dict, message: str) -> None:
    with pytest.raises(ProfileError) as err:
        profile(**extra)
    assert str(err.value).startswith("oldsite.yaml: ")
    assert message in str(err.value)


def test_a_missing_required_key_is_named() -> None:
    data = {k: v for k, v in BASE.items() if k != "article_url"}
    with pytest.raises(ProfileError, match="missing required key 'article_url'"):
        parse_profile(data, "oldsite.yaml")


def test_every_shipped_profile_validates_and_the_schema_documents_every_key() -> None:
    names = {p.stem for p in available_profiles()}
    assert {"russianstudiesromania", "wpgeneric", "lakesidecourier"} <= names
    docs = (SITES_DIR.parent.parent / "docs" / "profiles.md").read_text(encoding="utf-8")
    schema = (SITES_DIR.parent / "schema" / "profile.schema.json").read_text(encoding="utf-8")
    for name in names:
        load_profile(name)
    keys = set(yaml.safe_load(schema)["properties"])
    keys |= set(yaml.safe_load(schema)["properties"]["fields"]["properties"])
    labels = yaml.safe_load(schema)["properties"]["related"]["items"]["properties"]["label"]
    assert tuple(labels["enum"]) == RELATED_LABELS
    assert not {k for k in keys if f"`{k}`" not in docs and f"`{k}." not in docs}


def test_a_regex_copied_from_the_address_bar_matches_every_link_form() -> None:
    p = profile(url_params={"keep": ["page", "id"]})
    page = "https://old.example/news/index?page=article&id=3f2a9c"
    for href in ("index?page=article&id=77aa01&subject_id=4",  # relative, as related blocks
                 "/news/index?page=article&id=77aa01&mode=news",
                 "https://old.example/news/index?page=article&id=77aa01#comments"):
        assert p.is_article_url(urljoin(page, href)), href
    assert not p.is_article_url("https://old.example/news/index?page=print&id=77aa01")
    # The canonical (sorted) form is a key, not what regexes are written against.
    assert not p.is_article_url(canonicalize(page))


def test_url_params_give_variants_one_identity_and_leave_listings_alone() -> None:
    keep = profile(url_params={"keep": ["page", "id"]})
    drop = profile(url_params={"drop": ["mode", "subject_id"]})
    variants = ["https://old.example/news/index?page=article&id=3f2a9c",
                "https://old.example/news/index?page=article&id=3f2a9c&mode=news",
                "https://old.example/news/index?page=article&id=3f2a9c&subject_id=4&utm_source=x"]
    for p in (keep, drop):
        ids = {p.canonical(u) for u in variants}
        assert len(ids) == 1
        [identity] = ids
        assert canonicalize(identity) == identity  # a fixed point of the generic form
        assert p.canonical(identity) == identity
    listing = "https://old.example/news/index?page=list&subject_id=4&pg=2"
    assert keep.canonical(listing) == canonicalize(listing)
    assert "subject_id=4" in keep.canonical(listing)
    # Without url_params the variants stay apart.
    assert len({profile().canonical(u) for u in variants}) == 3


def test_query_string_pagination() -> None:
    pattern = r"[?&]pg=(\d+)"
    url = "https://old.example/news/index?page=list&subject_id=4&pg=3"
    assert page_number(url, pattern) == 3
    assert listing_root(url, pattern) == "https://old.example/news/index?page=list&subject_id=4"
    assert listing_root("https://old.example/news/index?pg=3&x=1", pattern) == (
        "https://old.example/news/index?x=1")


PAGE = """<html><head><title>The Old Gazette</title></head><body><table><tr>
<td class="nav"><a href="/news/index?page=list">News</a> <font>Jan. 2, 2001</font></td>
<td class="main"><span class="kicker"><a href="/s/1">Local</a> | <a href="/s/2">Schools</a></span>
<span class="headline">Council Backs the Harbor Plan</span>
<span class="byline">By Ann Lee, Jo Park and Gazette Staff</span>
<span class="dl">Posted Sept. 5, 2019 4:32 p.m.</span>
<img class="lead" data-src="/img/harbor.jpg">
<div class="share"><a href="/mail">E-mail</a></div>
<p>The council voted on Tuesday to back the harbor plan after a long debate that lasted well
into the night, with residents speaking on both sides of the question.</p>
<p>Supporters said the plan would bring jobs and visitors to the waterfront, while critics
worried about traffic, noise and the cost to taxpayers over the coming decade.</p>
<table class="ad"><tr><td>ADVERTISEMENT</td></tr></table>
<p>A final vote is expected next month, when the council will also consider the budget.</p>
<hr/><p>Copyright 2019 The Old Gazette.</p>
<p class="kw">Keywords: <a href="/k/harbor">harbor</a>, <a href="/k/council">council</a></p>
</td></tr></table></body></html>"""


def test_field_selectors_override_generic_extraction_with_profile_provenance() -> None:
    p = profile(body_start="div.share", body_stop="hr", body_exclude="table.ad",
                fields={"title": "span.headline", "authors": "span.byline",
                        "authors_exclude": [r"\bstaff\b"], "published": "span.dl",
                        "date_format": "%b %d, %Y %I:%M %p", "categories": "span.kicker a",
                        "tags": "p.kw a", "image": "img.lead"})
    url = "https://old.example/news/index?page=article&id=3f2a9c"
    result = extract(PAGE, ExtractOptions(url=url, profile=p))
    assert result.ok, result.reason
    assert result.title == "Council Backs the Harbor Plan"
    assert result.authors == ["Ann Lee", "Jo Park"]
    assert result.published_local == "2019-09-05T16:32:00"
    assert result.published_day == "2019-09-05"
    assert result.published_at == "2019-09-05T16:32:00+00:00"
    assert result.categories == ["Local", "Schools"]
    assert result.tags == ["harbor", "council"]
    assert result.image["url"] == "https://old.example/img/harbor.jpg"
    assert result.text.startswith("The council voted") and result.text.endswith("the budget.")
    assert "ADVERTISEMENT" not in result.text and "Copyright" not in result.text
    for name in ("title", "authors", "categories", "tags", "image"):
        assert result.provenance[name] == f"profile:{name}"
    assert result.provenance["published_at"] == result.provenance["published_day"] == (
        "profile:published")
    # Generic extraction, for comparison: the <title> is the site name.
    generic = extract(PAGE, ExtractOptions(url=url))
    assert generic.title != result.title


def test_a_byline_of_credits_only_means_no_author() -> None:
    p = profile(fields={"authors": "span.byline",
                        "authors_exclude": [r"\bstaff\b", "wire reports"]})
    for byline in ("By Gazette Staff", "From wire reports"):
        page = PAGE.replace("By Ann Lee, Jo Park and Gazette Staff", byline)
        result = extract(page, ExtractOptions(
            url="https://old.example/news/index?page=article&id=3f2a9c", profile=p))
        assert result.ok and result.authors == []
        assert result.provenance["authors"] == "profile:authors"


def test_body_range_variants() -> None:
    tree = lxml.html.document_fromstring(PAGE)
    texts = lambda el: [c.text_content().strip()[:12] for c in el]  # noqa: E731
    run = body_range(tree, (), ("div.share",), ("hr",))
    assert texts(run) == ["The council ", "Supporters s", "ADVERTISEMEN", "A final vote"]
    to_end = body_range(tree, (), ("div.share",), ())
    assert texts(to_end)[-2:] == ["Copyright 20", "Keywords: ha"]
    container = body_range(tree, ("td.main",), (), ("span.dl",))
    assert texts(container)[:2] == ["Local | Scho", "Council Back"] and len(container) == 3
    assert body_range(tree, (), ("div.missing",), ("hr",)) is None


@pytest.mark.parametrize(("text", "kwargs", "expected"), [
    ("Sept. 5, 2019", {}, "2019-09-05"),
    ("(Last updated March 31, 2009 9:33 p.m.)", {}, "2009-03-31T21:33:00"),
    ("5 September 2019 at 16:32", {}, "2019-09-05T16:32:00"),
    ("Tuesday, Oct. 14, 2008", {}, "2008-10-14"),
    ("05/09/2019", {}, None),
    ("05/09/2019", {"day_first": True}, "2019-09-05"),
    ("05/09/2019", {"day_first": False}, "2019-05-09"),
    ("25/09/2019", {}, "2019-09-25"),
    ("Posted: 05.09.2019 10:32", {"formats": ["%d.%m.%Y %H:%M"]}, "2019-09-05T10:32:00"),
    ("Sept. 5, 2019", {"formats": ["%b. %d, %Y"]}, "2019-09-05"),
])
def test_printed_dates(text: str, kwargs: dict, expected: str | None) -> None:
    assert parse_text_date(text, **kwargs) == expected


def test_the_page_date_search_skips_navigation_and_teasers() -> None:
    tree = lxml.html.document_fromstring(
        "<html><body><nav>Jan. 1, 2001</nav><td><a href='/x'>Old story</a> "
        "<font>(Feb. 2, 2002)</font></td><p>Filed March 3, 2003</p></body></html>")
    assert page_text_date(tree) == "2003-03-03"
