"""Mark a page done in the job journal once its callback has returned.

By then every request the page yielded is claimed in the journal, so a listing, sitemap
or feed page whose links were all followed is not fetched again on resume.  An article
page is done here only when it yielded no article (a 304, an article before ``--since``):
an article that did is done when the database holds it (see crawler/resume/journal.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.items import ArticleItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class JournalDoneMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JournalDoneMiddleware:
        if not crawler.settings.get("NEWSCRAWL_JOB_DIR"):
            raise NotConfigured
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]
                              ) -> Iterable[Any]:
        article = False
        for out in result:
            article = article or isinstance(out, ArticleItem)
            yield out
        self._done(response, article)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        article = False
        async for out in result:
            article = article or isinstance(out, ArticleItem)
            yield out
        self._done(response, article)

    def _done(self, response: Response, yielded_article: bool) -> None:
        spider = self.crawler.spider
        request = response.request
        if request is None or not hasattr(spider, "journal_done"):
            return
        if request.meta.get("nc_kind") == "article":
            if yielded_article or not spider.within_budget():
                return
            spider.journal_done(request, "no_article")
        else:
            spider.journal_done(request)
