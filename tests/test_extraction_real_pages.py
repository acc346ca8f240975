"""Extraction rules checked on real pages of ``bench/extraction`` (the page bytes as the
benchmark stores them, extracted the way ``newscrawl extract FILE`` does)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.extraction import ExtractionResult, ExtractOptions, extract
from crawler.extraction.overlap import overlap
from crawler.profiles import SiteProfile, parse_profile
from newscrawl_dev.evaluation.datasets import LOADERS, Page


def bench_page(dataset: str, page_id: str) -> Page:
    return next(p for p in LOADERS[dataset]() if p.id == page_id)


def run(dataset: str, page_id: str, with_url: bool = False,
        profile: SiteProfile | None = None) -> ExtractionResult:
    page = bench_page(dataset, page_id)
    return extract(page.html(), ExtractOptions(url=page.url if with_url else "", profile=profile,
                                               content_type="text/html; charset=utf-8"))


def body_profile(page: Page, *selectors: str) -> SiteProfile:
    """A profile of the page's site that names its body container."""
    base = "/".join(page.url.split("/")[:3])
    return parse_profile({"name": "site", "base_url": base, "start_urls": ["/"],
                          "allowed_domains": [base.split("/")[2]], "article_url": "/",
                          "body": list(selectors)})


@pytest.mark.parametrize("with_url", [False, True])
def test_cjk_body_is_not_taken_for_an_empty_one(with_url: bool) -> None:
    """Japanese text has few spaces: counted per character it is a body, and precision
    mode's text stays (default mode would add the paywall's sign-up list)."""
    result = run("metadata", "jp_ChunichiShimbun_2025_01_13", with_url)
    assert result.ok and result.provenance["text"] == "trafilatura:precision"
    assert result.word_count > 200
    assert "会員向け記事が読み放題" not in result.text


def test_byline_class_in_any_case() -> None:
    """``<div class="FeatureByline"> By <b>Nathan Willis</b><br>March 25, 2015</div>``."""
    result = run("readability", "lwn-1")
    assert result.authors == ["Nathan Willis"]
    assert result.provenance["authors"] == "byline"


def test_printed_byline_of_the_outlet_is_a_credit() -> None:
    """``<p>By TPN, in <a>News</a>, ... · 31 Jan 2025, 20:02</p>``: no markup says byline,
    the line does; an acronym is the outlet, credited, not a person."""
    result = run("metadata", "pt_ThePortugalNews_2025_02_03", with_url=True)
    assert result.authors == [] and result.credits == ["TPN"]
    assert result.provenance["credits"] == "printed-byline"


@pytest.mark.parametrize(("page_id", "proof"), [
    ("py_Wochenblatt_2025_04_16", "prose"),  # all the page's prose is in div.entry-content
    ("us_TechCrunch_2024_05_17", "covers"),  # prose outside it: its body covers the generic
])
def test_profile_container_that_proves_itself_is_the_body(page_id: str, proof: str) -> None:
    page = bench_page("metadata", page_id)
    result = run("metadata", page_id, True, body_profile(page, "div.entry-content"))
    generic = run("metadata", page_id, True)
    assert result.ok
    assert result.provenance["text"] == "profile+trafilatura"
    assert result.provenance["body_container"] == proof
    assert overlap(generic.text, result.text)[1] >= 0.8
    assert overlap(page.expected["body"], result.text)[1] >= 0.95


@pytest.mark.parametrize(("dataset", "page_id", "selector"), [
    # a stale profile whose body selector now matches the standfirst
    ("metadata", "de_KlasseGegenKlasse_2026_01_07", "p.singleHeader-excerpt"),
    # one that matches the page's header: a menu longer than the short article, mostly links
    ("extraction", "35b158918c676ff2c74445517db76c83db70a805cc50b64e1369b354a027fcbd", "header"),
])
def test_profile_container_that_does_not_prove_itself_is_refused(dataset: str, page_id: str,
                                                                 selector: str) -> None:
    """The generic body wins and provenance says so."""
    page = bench_page(dataset, page_id)
    url = page.url or "https://site.example/2024/05/story"
    profile = body_profile(replace(page, url=url), selector)
    result = extract(page.html(), ExtractOptions(url=url, profile=profile))
    generic = extract(page.html(), ExtractOptions(url=url))
    assert result.ok
    assert result.provenance["body_container"] == "refused"
    assert result.provenance["text"] == generic.provenance["text"]
    assert result.text == generic.text
    assert overlap(page.expected["body"], result.text)[1] >= 0.9
