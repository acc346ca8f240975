"""A Scrapy crawl whose spider yields the items of a JSON file through the project's
pipelines; run by tests/test_pipeline_chain.py in its own process (one reactor each).

Arguments: MONGO_URI DATABASE ITEMS_JSON OUT_JSON KILL_PID KILL_AFTER.  With a KILL_PID, that
process is killed before the KILL_AFTER-th item (the database lost mid-crawl).

The items come from the callback of one ``data:`` request, as a real crawl's come from
responses.  Not from ``start()``: Scrapy (2.19) closes a spider only once its scraper is
idle, and re-checks that after each response only, so an item yielded by ``start()`` that is
still in the pipelines when the crawl is stopped (the store's ``database_unavailable``)
leaves the close waiting forever (scrapy/scrapy#7029).
"""

from __future__ import annotations

import asyncio
import faulthandler
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.utils.project import get_project_settings

from crawler.items import ArticleItem, RelatedLink


class ItemsSpider(Spider):
    name = "items"

    def __init__(self, items: list[dict[str, Any]], out_path: str, kill_pid: int,
                 kill_after: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items, self.out_path = items, out_path
        self.kill_pid, self.kill_after = kill_pid, kill_after

    async def start(self) -> AsyncIterator[Request]:
        yield Request("data:,items", callback=self.parse_items, dont_filter=True)

    async def parse_items(self, response: Response) -> AsyncIterator[ArticleItem]:
        for i, data in enumerate(self.items):
            if self.crawler.stats.get_value("storage/error"):
                return  # closing: a real crawl schedules no more downloads either
            if self.kill_pid and i == self.kill_after:
                os.kill(self.kill_pid, signal.SIGKILL)
            data["related"] = [RelatedLink(**r) for r in data.get("related", [])]
            yield ArticleItem(**data)
            await asyncio.sleep(float(os.environ.get("ITEM_DELAY", "0")))

    def closed(self, reason: str) -> None:
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, int | float | str)}
        Path(self.out_path).write_text(json.dumps({"reason": reason, "stats": stats}))


def main(argv: list[str]) -> None:
    faulthandler.dump_traceback_later(90, exit=True)  # a hang fails with stacks, not silence
    uri, database, items_path, out_path, kill_pid, kill_after = argv[:6]
    settings = get_project_settings()
    settings.setdict({
        "MONGO_URI": uri, "MONGO_DATABASE": database, "LOG_LEVEL": "INFO",
        "EXTENSIONS": {}, "DOWNLOADER_MIDDLEWARES": {}, "SPIDER_MIDDLEWARES": {},
        "NEWSCRAWL_DB_CONNECT_TIMEOUT_MS": 300, "NEWSCRAWL_STORE_FLUSH_INTERVAL": 0.2,
        "NEWSCRAWL_STORE_BATCH_SIZE": 4, "NEWSCRAWL_STORE_RETRY_TIMES": 2,
        "NEWSCRAWL_STORE_RETRY_BACKOFF": 0.05, "NEWSCRAWL_EXTRACT_MIN_WORDS": 20,
        "NEWSCRAWL_CATALOGUE_MEMORY_MAX": int(os.environ.get("MEMORY_MAX", "50000")),
    }, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(ItemsSpider, items=json.loads(Path(items_path).read_text()),
                  out_path=out_path, kill_pid=int(kill_pid), kill_after=int(kill_after))
    process.start()


if __name__ == "__main__":
    main(sys.argv[1:])
