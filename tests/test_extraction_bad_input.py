"""Bad input gives a structured result with a reason, never an exception."""

from __future__ import annotations

import pickle
import threading

import pytest

from crawler.extraction import ExtractionResult, ExtractOptions, extract
from crawler.extraction.decode import decode
from crawler.extraction.timelimit import ExtractionTimeout, time_limit
from crawler.profiles import load_profile

PARAGRAPH = ("The council met on Tuesday to discuss the new budget for the coming year, "
             "and members argued for hours about the cost of the bridge repairs. ")
ARTICLE = (
    "<html lang='en'><head><meta charset='utf-8'><title>Budget row | Town News</title>"
    "<meta property='og:type' content='article'></head><body><article><h1>Budget row</h1>"
    + "".join(f"<p>{PARAGRAPH}{i}</p>" for i in range(6))
    + "</article></body></html>"
)


def _failed(result: ExtractionResult, reason: str) -> None:
    assert isinstance(result, ExtractionResult)
    assert not result.ok
    assert result.reason == reason
    assert result.text == "" and result.related == [] and result.authors == []


@pytest.mark.parametrize("data", [b"", "", None])
def test_empty_input(data: bytes | str | None) -> None:
    _failed(extract(data), "empty_document")


def test_binary_input() -> None:
    _failed(extract(bytes(range(256)) * 40), "unsupported_content_type")


def test_unsupported_content_type() -> None:
    _failed(extract(ARTICLE.encode(), ExtractOptions(content_type="application/pdf")),
            "unsupported_content_type")


def test_too_large() -> None:
    big = ARTICLE.replace("</article>", "<p>" + "x " * (5 * 1024 * 1024) + "</p></article>")
    _failed(extract(big.encode(), ExtractOptions(max_bytes=5 * 1024 * 1024)), "too_large")


def test_no_markup_and_whitespace_only() -> None:
    assert extract(b"just some words").ok is False
    _failed(extract(b"<html><body>   </body></html>"), "empty_body")


def test_truncated_page_still_extracts() -> None:
    data = ARTICLE.encode()[: len(ARTICLE) * 3 // 4]
    result = extract(data, ExtractOptions(url="https://news.example/2024/01/02/budget/"))
    assert result.ok and "bridge repairs" in result.text


def test_wrongly_declared_encoding_falls_back() -> None:
    text = ARTICLE.replace("council", "conseil élu")
    # declared utf-8 in the header, bytes are cp1252: no exception, readable text
    result = extract(text.encode("cp1252"), ExtractOptions(content_type="text/html; charset=utf-8"))
    assert result.ok and "conseil élu" in result.text


def test_decode_order_header_bom_meta_detection() -> None:
    assert decode("é".encode("cp1252"), "text/html; charset=windows-1252") == ("é", "cp1252")
    assert decode(b"\xef\xbb\xbf<p>\xc3\xa9</p>")[0] == "<p>é</p>"
    assert decode(b"<meta charset='iso-8859-1'><p>\xe9</p>")[0].endswith("<p>é</p>")
    text, _ = decode("<p>Привет, как дела? Всё хорошо.</p>".encode("cp1251") * 20)
    assert "Привет" in text


def test_deeply_nested_page() -> None:
    nested = "<div>" * 20000 + PARAGRAPH + "</div>" * 20000
    result = extract(f"<html><body>{nested}</body></html>".encode())
    assert isinstance(result, ExtractionResult)
    assert result.ok or result.reason in ("parse_error", "empty_body", "not_an_article")


def test_static_page_is_not_an_article() -> None:
    profile = load_profile("russianstudiesromania")
    result = extract(ARTICLE.encode(), ExtractOptions(
        url="https://russianstudiesromania.eu/about-us/", profile=profile))
    _failed(result, "not_an_article")
    assert result.page_type == "other"
    generic = extract(ARTICLE.encode(), ExtractOptions(url="https://news.example/about-us/"))
    assert generic.page_type == "other" and not generic.ok


def test_listing_page() -> None:
    listing = ARTICLE.replace("og:type' content='article'", "og:type' content='website'")
    result = extract(listing.encode(), ExtractOptions(url="https://news.example/category/city/"))
    assert result.page_type == "listing" and result.reason == "not_an_article"


def test_timeout_guard_in_main_thread() -> None:
    with pytest.raises(ExtractionTimeout), time_limit(0.05):
        for _ in range(10**10):
            pass


def test_timeout_guard_is_skipped_outside_main_thread() -> None:
    outcome: list[bool] = []

    def work() -> None:
        with time_limit(0.01):
            outcome.append(extract(ARTICLE.encode()).ok)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == [True]


def test_timeout_gives_reason() -> None:
    huge = ARTICLE.replace("</article>", "<p>word and more words.</p>" * 60000 + "</article>")
    result = extract(huge.encode(), ExtractOptions(timeout=0.01, max_bytes=50_000_000))
    _failed(result, "timeout")


def test_options_and_results_pickle() -> None:
    opts = ExtractOptions(url="https://russianstudiesromania.eu/2022/10/20/a/",
                          profile=load_profile("russianstudiesromania"))
    assert pickle.loads(pickle.dumps(opts)) == opts
    result = extract(ARTICLE.encode(), ExtractOptions(url="https://news.example/2024/01/02/b/"))
    assert result.ok
    assert pickle.loads(pickle.dumps(result)) == result
