"""A 10,000-article mirror starts without rendering its pages; the CLI serves a mirror."""

from __future__ import annotations

import tracemalloc
import urllib.request

from parsel import Selector

from newscrawl_dev.mirror.server import MirrorServer
from tests.fixtures_mirror import served_by_cli


def test_ten_thousand_articles_start_small_and_render_on_demand() -> None:
    tracemalloc.start()
    try:
        with MirrorServer(articles=10_000, traps=False) as m:
            _, peak = tracemalloc.get_traced_memory()
            site = m.app.site
            assert len(site.post_paths) == 10_000
            assert site.body.cache_info().currsize == 0  # no body rendered at start
            newest = site.content.posts[0]
            with urllib.request.urlopen(site.post_url(newest), timeout=30) as resp:
                page = Selector(text=resp.read().decode("utf-8"))
            assert page.css("h1.tdb-title-text::text").get() == newest.title
            with urllib.request.urlopen(m.url("/sitemap_index.xml"), timeout=30) as resp:
                index = resp.read().decode()
            assert index.count("/post-sitemap") == 200
            with urllib.request.urlopen(m.url("/category/articles/page/300/"), timeout=30) as r:
                assert r.status == 200
    finally:
        tracemalloc.stop()
    print(f"10,000-article mirror: peak Python allocations {peak / 1e6:.1f} MB at start")
    assert peak < 80e6


def test_cli_serves_until_terminated() -> None:
    with served_by_cli("--articles", "25", "--no-traps") as (base, manifest):
        assert manifest["base_url"] == base and manifest["expected_article_count"] == 25
        assert manifest["traps"] is False
        with urllib.request.urlopen(manifest["seed_url"], timeout=30) as resp:
            assert resp.status == 200
