"""Drop what is not a storable article, counting why.

Each reason is its own ``DropItem`` subclass, so Scrapy's own
``item_dropped_reasons_count/<Class>`` stat names it too; the message is a snake_case
identifier and ``validate/<reason>`` counts it as well.  The body length rule is the
extractor's (``NEWSCRAWL_EXTRACT_MIN_WORDS``, words counted by
:func:`crawler.wordcount.word_count`), so a page the extractor accepts is never dropped
here for its length.
"""

from __future__ import annotations

import logging
import re
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.items import ArticleItem
from crawler.wordcount import word_count

logger = logging.getLogger(__name__)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "unknown"


class NotAnArticle(DropItem):
    """The extractor rejected the page or says it is a listing or other page."""


class BodyTooShort(DropItem):
    """Empty body, or fewer words than ``NEWSCRAWL_EXTRACT_MIN_WORDS``."""


class InvalidItem(DropItem):
    """Not an ``ArticleItem``, one without a URL or site, or without a body fingerprint."""


class ValidatePipeline:
    def __init__(self, stats: StatsCollector, min_words: int) -> None:
        self.stats = stats
        self.min_words = min_words

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, crawler.settings.getint("NEWSCRAWL_EXTRACT_MIN_WORDS"))

    def _drop(self, exc_class: type[DropItem], reason: str) -> DropItem:
        self.stats.inc_value(f"validate/{reason}")
        return exc_class(reason, log_level="DEBUG")

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if not isinstance(item, ArticleItem) or not item.url or not item.site:
            raise self._drop(InvalidItem, "invalid_item")
        if item.reject_reason:
            if item.reject_reason == "article_type":
                logger.info("%s not stored: its og:type is not one of the %s profile's "
                            "article_types", item.url, item.site)
            raise self._drop(NotAnArticle, "rejected_" + _slug(item.reject_reason))
        if item.page_type != "article":
            raise self._drop(NotAnArticle, "page_type_" + _slug(item.page_type))
        if not item.text.strip():
            raise self._drop(BodyTooShort, "empty_body")
        words = word_count(item.text)
        if words < self.min_words:
            raise self._drop(BodyTooShort, "body_too_short")
        if not item.content_hash or not item.minhash:
            raise self._drop(InvalidItem, "no_fingerprint")
        if not item.word_count:
            item.word_count = words
        self.stats.inc_value("validate/ok")
        return item
