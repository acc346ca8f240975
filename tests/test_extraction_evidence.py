"""Every step that overrides trafilatura proves itself on the page; page type from the page's
own declarations; dates as published; captions on request."""

from __future__ import annotations

import json

from crawler.extraction import ExtractOptions, extract

SENTENCES = [f"Paragraph {i} of the report says the council spent {i} million on the bridge, "
             f"and residents of district {i} want to know why the works took so long."
             for i in range(12)]


def page(head: str = "", body: str = "", ld: dict | None = None, base: str = "") -> bytes:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (f"<html lang='en'><head><meta charset='utf-8'><title>Bridge costs</title>{base}{head}"
            f"{script}</head><body><header><a href='/'>Town News</a></header>{body}"
            "<footer><p>Town News, all the news.</p></footer></body></html>").encode()


ARTICLE_BODY = ("<article><h1>Bridge costs</h1>"
                + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</article>")


def test_teaser_articlebody_does_not_replace_the_page_body() -> None:
    teaser = " ".join(SENTENCES[:2]) + " Subscribe to read the rest of this story today."
    result = extract(page(body=ARTICLE_BODY, ld={"@type": "NewsArticle", "headline": "Bridge costs",
                                                  "articleBody": teaser}),
                     ExtractOptions(url="https://news.example/2024/05/bridge-costs"))
    assert result.ok
    assert all(s in result.text for s in SENTENCES)
    assert result.provenance["text"] != "json-ld:articleBody"


def test_page_without_url_is_judged_by_its_declarations() -> None:
    """A file extracted without --url whose <base href> is the site's root is not a home page."""
    data = page(head="<meta property='og:type' content='article'>", body=ARTICLE_BODY,
                base="<base href='https://news.example/'>")
    result = extract(data)
    assert result.ok and result.page_type == "article"
    assert result.provenance["page_type"] == "meta:og:type"
    data = page(head="<meta property='article:published_time' content='2024-05-02T10:00:00Z'>",
                body=ARTICLE_BODY, base="<base href='https://news.example/'>")
    assert extract(data).page_type == "article"
    # with its URL known, a page that declares nothing is still judged by the URL's shape
    listing = extract(page(body=ARTICLE_BODY), ExtractOptions(url="https://news.example/"))
    assert listing.page_type == "listing" and listing.reason == "not_an_article"


def test_declared_article_outweighs_a_listing_shaped_url() -> None:
    data = page(body=ARTICLE_BODY, ld={"@type": "NewsArticle", "headline": "Bridge costs"})
    result = extract(data, ExtractOptions(url="https://news.example/category/city/"))
    assert result.ok and result.page_type == "article"


def test_later_meta_time_is_an_update_not_the_publication() -> None:
    data = page(head="<meta property='article:published_time' content='2024-05-09T08:00:00Z'>",
                body=ARTICLE_BODY, ld={"@type": "NewsArticle", "headline": "Bridge costs",
                                       "datePublished": "2024-05-02T10:00:00+02:00"})
    result = extract(data, ExtractOptions(url="https://news.example/a"))
    assert result.published_local == "2024-05-02T10:00:00+02:00"
    assert result.provenance["published_at"] == "json-ld"


def test_time_labelled_last_updated_is_not_the_publication_date() -> None:
    body = ("<p class='meta'>Last updated: <time datetime='2024-06-01T09:00:00Z'>1 June</time>"
            " · Published <time datetime='2024-05-02T10:00:00Z'>2 May</time></p>" + ARTICLE_BODY)
    result = extract(page(body=body), ExtractOptions(url="https://news.example/a"))
    assert result.published_local == "2024-05-02T10:00:00+00:00"


def test_include_captions_without_a_profile() -> None:
    figure = ("<figure><img src='/b.jpg'><figcaption>The bridge at dawn, seen from the east bank"
              "</figcaption></figure>")
    body = ARTICLE_BODY.replace(f"<p>{SENTENCES[3]}</p>", f"<p>{SENTENCES[3]}</p>{figure}")
    url = ExtractOptions(url="https://news.example/a")
    plain = extract(page(body=body), url)
    assert "bridge at dawn" not in plain.text
    kept = extract(page(body=body), ExtractOptions(url=url.url, include_captions=True))
    assert "The bridge at dawn, seen from the east bank" in kept.text
    paragraphs = kept.text.split("\n\n")
    caption = paragraphs.index("The bridge at dawn, seen from the east bank")
    assert paragraphs[caption - 1] == SENTENCES[3] and paragraphs[caption + 1] == SENTENCES[4]
