"""The run's verdict for cron: ok, partial failure, or an alert an operator must see.

Evaluated at spider close (before the run record is completed) from the Scrapy stats:

* a run that stores nothing, although it fetched article pages or the site showed no
  article it already knew, is an alert: extraction or discovery is broken;
* an extraction-failure rate over ``NEWSCRAWL_MAX_EXTRACT_FAILURE_RATE`` or an error rate
  (failed requests / requests) over ``NEWSCRAWL_MAX_ERROR_RATE`` is an alert, once at least
  ``NEWSCRAWL_MONITOR_MIN_PAGES`` pages were seen;
* a run that finished early (``database_unavailable``, shutdown) or left items unstored is
  a partial failure, which takes precedence over an alert.

The verdict lands in the stats (``monitor/status``, ``monitor/alerts``) and the run record.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.cli import EXIT_ALERT, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Finish reasons of a run that ended as asked (budgets count as asked).
COMPLETE_REASONS = {"finished", "closespider_pagecount", "closespider_itemcount",
                    "closespider_timeout", "closespider_errorcount"}
STORED_KEYS = ("articles/new", "articles/updated", "articles/unchanged",
               "articles/duplicate", "refresh/not_modified")


@dataclass(frozen=True)
class Thresholds:
    max_extract_failure_rate: float = 0.25
    max_error_rate: float = 0.25
    min_pages: int = 10


def _n(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def stored_count(stats: Mapping[str, Any]) -> int:
    return sum(_n(stats, k) for k in STORED_KEYS)


def evaluate(stats: Mapping[str, Any], thresholds: Thresholds) -> list[str]:
    """Alert messages for a finished run (empty: nothing to alert about)."""
    alerts: list[str] = []
    stored = stored_count(stats)
    fetched = _n(stats, "extract/ok") + _n(stats, "extract/failed")
    known_skipped = _n(stats, "discovery/known_skipped") + _n(stats, "frontier/stored")
    # A distributed worker that fetched nothing while the run's other workers stored
    # articles (read from the run's shared dedup stream) was idle, not failing.
    idle_worker = fetched == 0 and _n(stats, "dedup/shared_indexed") > 0
    if (stored == 0 and _n(stats, "storage/unstored") == 0 and not idle_worker
            and (fetched > 0 or known_skipped == 0)):
        alerts.append(
            f"stored nothing: {fetched} article page(s) fetched, "
            f"{_n(stats, 'extract/failed')} extraction failure(s), "
            f"{_n(stats, 'discovery/article_urls')} article URL(s) discovered"
        )
    if fetched >= thresholds.min_pages:
        rate = _n(stats, "extract/failed") / fetched
        if rate > thresholds.max_extract_failure_rate:
            alerts.append(f"extraction failure rate {rate:.0%} over "
                          f"{thresholds.max_extract_failure_rate:.0%} ({fetched} pages)")
    requests = _n(stats, "downloader/request_count")
    if requests >= thresholds.min_pages:
        rate = _n(stats, "errors/total") / requests
        if rate > thresholds.max_error_rate:
            alerts.append(f"error rate {rate:.0%} over {thresholds.max_error_rate:.0%} "
                          f"({_n(stats, 'errors/total')} of {requests} requests failed)")
    return alerts


def outcome(stats: Mapping[str, Any], finish_reason: str | None) -> tuple[str, int]:
    """(status, exit code) of a run from its stats and finish reason."""
    if finish_reason is None:
        return "failed", EXIT_FAILURE
    # A run cut short or with articles left unstored says so first: the cause (a lost
    # database, a shutdown) matters more to the operator than the rates it distorted.
    if finish_reason not in COMPLETE_REASONS or _n(stats, "storage/unstored") > 0:
        return "partial", EXIT_PARTIAL
    if stats.get("monitor/status") == "alert":
        return "alert", EXIT_ALERT
    return "finished", EXIT_OK


class Monitor:
    def __init__(self, crawler: Crawler, thresholds: Thresholds) -> None:
        self.crawler = crawler
        self.thresholds = thresholds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Monitor:
        s = crawler.settings
        ext = cls(crawler, Thresholds(
            max_extract_failure_rate=s.getfloat("NEWSCRAWL_MAX_EXTRACT_FAILURE_RATE"),
            max_error_rate=s.getfloat("NEWSCRAWL_MAX_ERROR_RATE"),
            min_pages=s.getint("NEWSCRAWL_MONITOR_MIN_PAGES"),
        ))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        alerts = evaluate(stats.get_stats(), self.thresholds)
        stats.set_value("monitor/status", "alert" if alerts else "ok")
        stats.set_value("monitor/alerts", alerts)
        for message in alerts:
            logger.error("MONITOR ALERT (%s): %s", spider.name, message)
