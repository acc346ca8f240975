"""NormalizePipeline: canonical URL choice and aliases."""

from __future__ import annotations

import pytest

from crawler.items import ArticleItem
from pipelines.normalize import NormalizePipeline
from spiders.site import SiteSpider
from tests.factories import BASE, project_crawler


@pytest.fixture
def pipeline():
    """The pipeline of a crawl of the site's profile: it reads the spider's profile."""
    crawler = project_crawler()
    crawler.settings.frozen = False  # a spider configures them before they freeze in a crawl
    crawler.spider = SiteSpider.from_crawler(crawler, site="russianstudiesromania")
    crawler.stats.open_spider()
    yield NormalizePipeline.from_crawler(crawler)
    crawler.spider.pool.close()


def test_same_site_rel_canonical_wins(pipeline):
    item = ArticleItem(
        url=f"{BASE}/2024/05/01/slug/amp/?utm_source=tw#top",
        request_url=f"{BASE}/?p=123",
        site="russianstudiesromania",
        page_canonical="/2024/05/01/slug/",
    )
    pipeline.process_item(item)
    assert item.canonical_url == f"{BASE}/2024/05/01/slug/"
    assert item.aliases[0] == item.canonical_url
    assert f"{BASE}/2024/05/01/slug/amp/?utm_source=tw#top" in item.aliases
    assert f"{BASE}/?p=123" in item.aliases
    assert len(item.aliases) == len(set(item.aliases))
    assert pipeline.stats.get_value("normalize/page_canonical") == 1


def test_mirror_host_keeps_site_canonical(pipeline):
    item = ArticleItem(url="http://127.0.0.1:8080/2024/05/01/slug/",
                       site="russianstudiesromania",
                       page_canonical=f"{BASE}/2024/05/01/slug/")
    pipeline.process_item(item)
    assert item.canonical_url == f"{BASE}/2024/05/01/slug/"
    assert "http://127.0.0.1:8080/2024/05/01/slug/" in item.aliases


def test_offsite_canonical_is_ignored(pipeline):
    item = ArticleItem(url="https://WWW.Example.org/News/Item?b=2&a=1&fbclid=x",
                       site="generic", page_canonical="https://aggregator.example.com/x/")
    pipeline.process_item(item)
    assert item.canonical_url == "https://www.example.org/News/Item/?a=1&b=2"
    assert "https://aggregator.example.com/x/" not in item.aliases
    assert pipeline.stats.get_value("normalize/offsite_canonical") == 1
