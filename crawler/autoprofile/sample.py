"""Fetch a sample of a site with the profile-less spider, in this process.

The same Scrapy stack as a crawl (robots.txt, politeness, retries, size limits), without
the item pipelines, the run record or the database: articles are judged and dropped, and
what the spider learned is handed to :mod:`crawler.autoprofile.suggest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.autoprofile.suggest import Sample

OFF = ("crawler.extensions.runrecord.RunRecord", "crawler.extensions.progress.Progress",
       "crawler.extensions.monitor.Monitor")


SAMPLE_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class SampleRun:
    sample: Sample | None
    problem: str | None
    stats: dict[str, Any]


def fetch_sample(address: str, articles: int, no_delay: bool = False,
                 overrides: list[str] | None = None) -> SampleRun:
    from scrapy.crawler import CrawlerProcess

    from crawler.autoprofile.address import normalize_address
    from crawler.runner import CrawlOptions, build_settings
    from spiders.profileless import ProfilelessSpider

    settings = build_settings(CrawlOptions(site=address, no_delay=no_delay,
                                           settings=list(overrides or [])))
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions.update({name: None for name in OFF})
    # A sample needs no page over SAMPLE_MAX_BYTES (a 5 MB archive page costs seconds).
    settings.setdict({"ITEM_PIPELINES": {}, "EXTENSIONS": extensions,
                      "DOWNLOAD_MAXSIZE": min(settings.getint("DOWNLOAD_MAXSIZE") or
                                              SAMPLE_MAX_BYTES, SAMPLE_MAX_BYTES),
                      "NEWSCRAWL_SITE": address,
                      "NEWSCRAWL_MAX_ARTICLES": articles,
                      "NEWSCRAWL_PROFILELESS_KEEP_PAGES": max(3 * articles, 30)},
                     priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ProfilelessSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    if spider is None:
        return SampleRun(None, "the sample crawl did not start", stats)
    sample = Sample(base_url=normalize_address(address), shapes=spider.shapes,
                    pages=list(spider.kept), sitemaps=list(spider.found_sitemaps),
                    feeds=list(spider.found_feeds), pagination=set(spider.pagination_forms))
    return SampleRun(sample, stats.get("profileless/diagnosis"), stats)
