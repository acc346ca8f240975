"""ValidatePipeline: what is dropped, and why, in the crawl stats."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from pipelines.validate import BodyTooShort, InvalidItem, NotAnArticle, ValidatePipeline
from tests.factories import article_item, project_crawler

TEXT = " ".join(["word"] * 40)


@pytest.fixture
def pipeline():
    crawler = project_crawler(NEWSCRAWL_EXTRACT_MIN_WORDS=30)
    crawler.stats.open_spider()
    return ValidatePipeline.from_crawler(crawler)


def article(**fields) -> ArticleItem:
    return article_item("a", fields.pop("text", TEXT), **fields)


def test_valid_article_passes_and_gets_word_count(pipeline):
    item = pipeline.process_item(article())
    assert item.word_count == 40
    assert pipeline.stats.get_value("validate/ok") == 1


@pytest.mark.parametrize(("fields", "exc", "reason"), [
    ({"reject_reason": "empty_body"}, NotAnArticle, "rejected_empty_body"),
    ({"page_type": "listing"}, NotAnArticle, "page_type_listing"),
    ({"text": "   "}, BodyTooShort, "empty_body"),
    ({"text": "too short a body"}, BodyTooShort, "body_too_short"),
])
def test_drops_with_reason_slug(pipeline, fields, exc, reason):
    with pytest.raises(exc) as info:
        pipeline.process_item(article(**fields))
    assert isinstance(info.value, DropItem)
    assert str(info.value) == reason
    assert pipeline.stats.get_value(f"validate/{reason}") == 1
    assert pipeline.stats.get_value("validate/ok") is None


def test_drops_items_without_url(pipeline):
    with pytest.raises(DropItem, match="invalid_item"):
        pipeline.process_item(ArticleItem(url="", site="s", text=TEXT))


def test_the_length_rule_counts_cjk_characters_as_the_extractor_does(pipeline):
    chinese = "研究中心今天发布了关于区域能源战略的报告" * 2  # 40 characters, no spaces
    japanese = "委員会は火曜日に地域のエネルギー戦略について議論した"  # 27 characters
    assert pipeline.process_item(article(text=chinese)).word_count == 40
    with pytest.raises(BodyTooShort):
        pipeline.process_item(article(text=japanese))


def test_drops_items_without_a_fingerprint(pipeline):
    with pytest.raises(InvalidItem, match="no_fingerprint"):
        pipeline.process_item(article(content_hash="", minhash=[]))
