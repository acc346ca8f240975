"""Non-HTML responses are abandoned at the headers and robots.txt is obeyed, even for URL lists."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.urls import canonicalize
from tests.crawlutil import originals, run_crawl


def test_url_list_skips_non_html_and_disallowed_pages(mirror, mongo_db, mongo_server,
                                                      tmp_path) -> None:
    by_kind: dict[str, list[str]] = {}
    for page in mirror.manifest["non_articles"]:
        by_kind.setdefault(page["kind"], []).append(page["url"])
    article = mirror.manifest["articles"][0]["url"]
    urls = [by_kind["pdf"][0], by_kind["image"][0], by_kind["disallowed"][0], article]
    url_file = tmp_path / "urls.txt"
    url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    mirror.reset_counters()

    result = run_crawl(mongo_db, mongo_server.uri, "--urls", str(url_file))

    assert result.code == 0, result.stderr[-2000:]
    assert result.stat("filter/content_type") == 2
    assert result.stat("extract/ok") + result.stat("extract/failed") == 1
    disallowed_path = urlsplit(by_kind["disallowed"][0]).path
    assert mirror.hits[disallowed_path] == 0
    assert result.stat("robotstxt/forbidden") == 1
    assert originals(mongo_db) == {canonicalize(article)}
