"""Drop what is not a storable article, counting why.

Each reason is its own ``DropItem`` subclass, so Scrapy's own
``item_dropped_reasons_count/<Class>`` stat names it too; the message is a short slug and
``validate/<slug>`` counts it as well.
"""

from __future__ import annotations

import re
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.items import ArticleItem


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "unknown"


class NotAnArticle(DropItem):
    """The extractor rejected the page or says it is a listing or other page."""


class BodyTooShort(DropItem):
    """Empty body, or fewer words than ``NEWSCRAWL_MIN_BODY_WORDS``."""


class InvalidItem(DropItem):
    """Not an ``ArticleItem``, or one without a URL or site."""


class ValidatePipeline:
    def __init__(self, stats: StatsCollector, min_body_words: int = 25) -> None:
        self.stats = stats
        self.min_body_words = min_body_words

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, crawler.settings.getint("NEWSCRAWL_MIN_BODY_WORDS", 25))

    def _drop(self, exc_class: type[DropItem], reason: str) -> DropItem:
        self.stats.inc_value(f"validate/{reason}")
        return exc_class(reason, log_level="DEBUG")

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if not isinstance(item, ArticleItem) or not item.url or not item.site:
            raise self._drop(InvalidItem, "invalid_item")
        if item.reject_reason:
            raise self._drop(NotAnArticle, "rejected_" + _slug(item.reject_reason))
        if item.page_type != "article":
            raise self._drop(NotAnArticle, "page_type_" + _slug(item.page_type))
        if not item.text.strip():
            raise self._drop(BodyTooShort, "empty_body")
        words = len(item.text.split())
        if words < self.min_body_words:
            raise self._drop(BodyTooShort, "body_too_short")
        if not item.word_count:
            item.word_count = words
        self.stats.inc_value("validate/ok")
        return item
