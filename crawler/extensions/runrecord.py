"""One document per crawl run in ``crawl_runs``: written at start, completed at close.

The completed record holds the crawl's stats, with the CPU time the crawler process used
between spider open and close (``process/cpu_ms``) and its peak memory
(``process/max_rss_mb``).

A run that dies without closing (SIGKILL, power loss) leaves its record "running"; the
next run on the same host, and ``newscrawl runs``, mark such records ``crashed`` once
their pid is gone.  An exception in the runner completes the record through
:func:`complete_run`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import socket
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psutil
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.discovery.frontier import open_database
from crawler.extensions.monitor import STORED_KEYS, outcome

if TYPE_CHECKING:
    from pymongo.database import Database
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

COLLECTION = "crawl_runs"


def new_run_id(site: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{site or 'run'}-{stamp}-{uuid.uuid4().hex[:6]}"


def mongo_safe(value: Any) -> Any:
    """Stats as a document: no dots or dollars in keys, only BSON-encodable values."""
    if isinstance(value, Mapping):
        return {str(k).replace(".", "_").replace("$", "_"): mongo_safe(v)
                for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [mongo_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool | datetime):
        return value
    return str(value)


def counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    def n(key: str) -> int:
        v = stats.get(key, 0)
        return int(v) if isinstance(v, int | float) else 0

    return {
        "articles": {k.split("/", 1)[1]: n(k) for k in STORED_KEYS if k.startswith("articles/")},
        "stored": sum(n(k) for k in STORED_KEYS),
        "links_new": n("links/new"),
        "requests": n("downloader/request_count"),
        "responses": n("downloader/response_count"),
        "pages": n("response_received_count"),
        "items_scraped": n("item_scraped_count"),
        "items_dropped": n("item_dropped_count"),
        "extract_ok": n("extract/ok"),
        "extract_failed": n("extract/failed"),
        "errors": n("errors/total"),
        "retries": n("retry/count"),
        "not_modified": n("refresh/not_modified"),
        "known_skipped": n("discovery/known_skipped") + n("frontier/stored"),
    }


def reap_stale_runs(db: Database, host: str | None = None) -> int:
    """Mark this host's "running" records whose process is gone as ``crashed``."""
    host = host or socket.gethostname()
    reaped = 0
    for doc in db[COLLECTION].find({"status": "running", "host": host}, {"pid": 1}):
        pid = doc.get("pid")
        if isinstance(pid, int) and pid != os.getpid() and psutil.pid_exists(pid):
            continue
        db[COLLECTION].update_one(
            {"_id": doc["_id"], "status": "running"},
            {"$set": {"status": "crashed", "finish_reason": "process_died",
                      "finished_at": datetime.now(UTC)}},
        )
        reaped += 1
    return reaped


def complete_run(db: Database, run_id: str, *, status: str, finish_reason: str,
                 stats: Mapping[str, Any] | None = None, error: str | None = None,
                 exit_code: int | None = None) -> None:
    update: dict[str, Any] = {"status": status, "finish_reason": finish_reason,
                              "finished_at": datetime.now(UTC)}
    if stats is not None:
        update["stats"] = mongo_safe(dict(stats))
        update["counts"] = counts(stats)
        update["monitor"] = {"status": stats.get("monitor/status"),
                             "alerts": list(stats.get("monitor/alerts") or [])}
    if error:
        update["error"] = error
    if exit_code is not None:
        update["exit_code"] = exit_code
    db[COLLECTION].update_one({"_id": run_id}, {"$set": update}, upsert=True)


def process_cpu_seconds() -> float:
    """CPU time of this process, all threads (the extraction workers are not included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RunRecord:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        # Named after the spider's site (a profile's ``name``, never its path) once it opens.
        self.run_id: str = s.get("NEWSCRAWL_RUN_ID")
        self.client: Any = None
        self.db: Database | None = None
        self._cpu_at_open = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecord:
        if not crawler.settings.getbool("NEWSCRAWL_RUN_RECORDS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    async def spider_opened(self, spider: Spider) -> None:
        if not self.run_id:
            self.run_id = new_run_id(getattr(spider, "site_name", "") or spider.name)
        self.crawler.stats.set_value("run/id", self.run_id)
        self._cpu_at_open = process_cpu_seconds()
        await asyncio.to_thread(self._open, spider)

    def _open(self, spider: Spider) -> None:
        try:
            self.client, self.db = open_database(self.crawler.settings)
            reaped = reap_stale_runs(self.db)
            if reaped:
                logger.warning("marked %d run record(s) of dead processes as crashed", reaped)
            s = self.crawler.settings
            self.db[COLLECTION].insert_one({
                "_id": self.run_id,
                "site": getattr(spider, "site_name", "") or spider.name,
                "spider": spider.name,
                "arguments": mongo_safe(s.getdict("NEWSCRAWL_RUN_ARGS")
                                        or getattr(spider, "arguments", {})),
                "base_url": getattr(spider, "base_url", ""),
                "job": s.get("NEWSCRAWL_JOB") or None,
                "started_at": datetime.now(UTC),
                "status": "running", "pid": os.getpid(), "host": socket.gethostname(),
            })
        except Exception as exc:
            logger.error("could not write the run record: %s", exc)
            self.db = None

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None:
            return
        self.crawler.stats.set_value(
            "process/cpu_ms", round((process_cpu_seconds() - self._cpu_at_open) * 1000, 1))
        self.crawler.stats.set_value("process/max_rss_mb", round(max_rss_mb(), 1))
        stats = self.crawler.stats.get_stats()
        status, code = outcome(stats, reason)
        await asyncio.to_thread(self._close, reason, status, code, stats)

    def _close(self, reason: str, status: str, code: int, stats: dict[str, Any]) -> None:
        assert self.db is not None
        try:
            complete_run(self.db, self.run_id, status=status, finish_reason=reason,
                         stats=stats, exit_code=code)
        except Exception as exc:
            logger.error("could not complete the run record %s: %s", self.run_id, exc)
        finally:
            self.client.close()
