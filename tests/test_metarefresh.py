"""Meta-refresh redirects are followed from the page head without decoding the whole body."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.metarefresh import HeadMetaRefreshMiddleware

URL = "https://example.org/2024/05/01/old/"


def middleware() -> HeadMetaRefreshMiddleware:
    return HeadMetaRefreshMiddleware.from_crawler(get_crawler())


def page(head: str, body_kb: int = 200) -> HtmlResponse:
    filler = "<p>" + "text " * 200 + "</p>"
    html = f"<html><head>{head}</head><body>{filler * (body_kb // 1)}</body></html>"
    return HtmlResponse(URL, body=html.encode(), encoding="utf-8")


def test_refresh_in_the_head_redirects():
    resp = page('<meta http-equiv="refresh" content="0; url=/2024/05/01/new/">')
    result = middleware().process_response(Request(URL), resp)
    assert isinstance(result, Request)
    assert result.url == "https://example.org/2024/05/01/new/"


def test_pages_without_refresh_come_back_untouched():
    resp = page("<title>refresh your knowledge</title>")
    assert middleware().process_response(Request(URL), resp) is resp
    plain = page("<title>Article</title>")
    assert middleware().process_response(Request(URL), plain) is plain


def test_a_long_delay_is_not_a_redirect():
    resp = page('<meta http-equiv="refresh" content="600">')
    assert middleware().process_response(Request(URL), resp) is resp
