"""ValidatePipeline: what is dropped, and why, in the crawl stats."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem
from pipelines.validate import BodyTooShort, NotAnArticle, ValidatePipeline

TEXT = " ".join(["word"] * 40)


@pytest.fixture
def pipeline():
    crawler = get_crawler(settings_dict={"NEWSCRAWL_MIN_BODY_WORDS": 30})
    crawler.stats.open_spider()
    return ValidatePipeline.from_crawler(crawler)


def article(**fields) -> ArticleItem:
    fields.setdefault("text", TEXT)
    return ArticleItem(url="https://russianstudiesromania.eu/2024/05/01/a/", site="s", **fields)


def test_valid_article_passes_and_gets_word_count(pipeline):
    item = pipeline.process_item(article())
    assert item.word_count == 40
    assert pipeline.stats.get_value("validate/ok") == 1


@pytest.mark.parametrize(("fields", "exc", "reason"), [
    ({"reject_reason": "empty body"}, NotAnArticle, "rejected_empty_body"),
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
