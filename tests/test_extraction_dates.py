"""Publication dates: the UTC instant, the page's own spelling and the publisher's day."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest

from crawler.extraction.jsonld import LinkedData
from crawler.extraction.metadata import extract_metadata

URL = "https://news.example.org/2019/01/13/story/"
ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle"}


def dates(head: str = "", body: str = "", ld: dict[str, Any] | None = None,
          url: str = URL) -> dict[str, Any]:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    tree = lxml.html.document_fromstring(
        f"<html><head>{head}{script}</head><body>{body}</body></html>")
    data = extract_metadata(tree, url, LinkedData(tree))
    return {"at": data["published_at"], "local": data["published_local"],
            "day": data["published_day"], "modified": data["modified_at"],
            "source": data["provenance"].get("published_day")}


def test_offset_in_structured_data_gives_the_local_day() -> None:
    got = dates(ld={**ARTICLE, "datePublished": "2019-01-13T20:59:00-05:00",
                    "dateModified": "2019-01-14T09:00:00-05:00"})
    assert got == {"at": "2019-01-14T01:59:00+00:00", "local": "2019-01-13T20:59:00-05:00",
                   "day": "2019-01-13", "modified": "2019-01-14T14:00:00+00:00",
                   "source": "page-offset"}


def test_offset_found_elsewhere_on_the_page_for_the_same_instant() -> None:
    got = dates(ld={**ARTICLE, "datePublished": "2019-01-14T01:59:00Z"},
                body='<time datetime="2019-01-13T20:59:00-05:00">Jan 13</time>')
    assert (got["local"], got["day"], got["source"]) == (
        "2019-01-13T20:59:00-05:00", "2019-01-13", "page-offset")


@pytest.mark.parametrize("printed", [
    '<time class="entry-date published" datetime="2019-01-14T01:59:00+00:00">'
    "January 13, 2019</time>",
    '<div class="post-meta"><span class="posted-on">Posted on 13 January 2019</span></div>',
])
def test_utc_everywhere_and_a_printed_local_date(printed: str) -> None:
    got = dates(head='<meta property="article:published_time" content="2019-01-14T01:59:00Z">',
                body=f"<article>{printed}<p>Text.</p></article>")
    assert (got["at"], got["local"], got["day"], got["source"]) == (
        "2019-01-14T01:59:00+00:00", "2019-01-14T01:59:00+00:00", "2019-01-13",
        "printed-date")


def test_printed_dates_in_sidebars_and_modified_dates_are_not_the_article_s() -> None:
    got = dates(ld={**ARTICLE, "datePublished": "2019-01-14T01:59:00Z"},
                body='<aside><span class="date">January 13, 2019</span></aside>'
                     '<time itemprop="dateModified" datetime="2019-01-15">January 13, 2019</time>')
    assert (got["day"], got["source"]) == ("2019-01-14", "utc")


def test_a_printed_date_far_from_the_instant_is_ignored() -> None:
    got = dates(ld={**ARTICLE, "datePublished": "2019-01-14T01:59:00Z"},
                body='<span class="date">March 2, 2018</span>')
    assert (got["day"], got["source"]) == ("2019-01-14", "utc")


def test_a_date_or_a_time_without_offset_is_the_local_day() -> None:
    got = dates(ld={**ARTICLE, "datePublished": "2019-01-13"})
    assert (got["at"], got["local"], got["day"], got["source"]) == (
        "2019-01-13T00:00:00+00:00", "2019-01-13", "2019-01-13", "page-date")
    got = dates(ld={**ARTICLE, "datePublished": "2019-01-13T23:30:00"})
    assert (got["day"], got["source"]) == ("2019-01-13", "page-date")


def test_no_date_at_all() -> None:
    got = dates(body="<p>Undated.</p>", url="https://news.example.org/story/")
    assert got == {"at": None, "local": None, "day": None, "modified": None, "source": None}
