"""The spider's side of the job journal: claim, mark done, requeue, stop when it fails.

:class:`JournalledSpider` is mixed into the newscrawl spiders (``spiders/base.py``); it does
nothing unless the crawl is a job (``NEWSCRAWL_JOB_DIR`` set by ``--job``).  The journal
itself is :mod:`crawler.resume.journal`; pages are marked done after their callback by
:mod:`crawler.middlewares.resume`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from crawler.resume.journal import KEPT_META, Claim, Journal, JournalError, Pending

if TYPE_CHECKING:
    import scrapy
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

STOP_REASON = "job_journal_unwritable"


class JournalledSpider:
    crawler: Crawler
    journal: Journal | None = None
    resume: Pending | None = None

    async def stored_among(self, canonical_urls: list[str]) -> set[str]:
        """The URLs among ``canonical_urls`` whose article is stored (one batch)."""
        return set()

    def make_request(self, url: str, kind: str, callback: Any, *, hops: int = 0,
                     priority: int = 0, headers: dict[str, str] | None = None,
                     meta: dict[str, Any] | None = None) -> scrapy.Request | None:
        raise NotImplementedError

    def open_journal(self, crawler: Crawler) -> None:
        """Read what the job left unfinished and open its journal (JournalError: the
        directory is not writable, the crawl does not start)."""
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        job_dir = crawler.settings.get("NEWSCRAWL_JOB_DIR")
        if job_dir:
            self.journal = Journal(job_dir)
            self.resume = self.journal.read()
            self.journal.open()

    def journal_claim(self, canonical: str, kind: str, url: str, hops: int,
                      meta: dict[str, Any] | None) -> bool:
        """Write the claim before the request exists; False: the crawl is stopping."""
        if self.journal is None:
            return True
        kept = {k: v for k, v in (meta or {}).items() if k in KEPT_META}
        try:
            self.journal.claim(canonical, Claim(kind, url, hops, kept))
        except JournalError as exc:
            self.journal_failed(exc)
            return False
        return True

    def journal_done(self, request: scrapy.Request, outcome: str = "done") -> None:
        key = request.meta.get("nc_journal")
        if self.journal is None or not key:
            return
        try:
            self.journal.done(key, outcome)
        except JournalError as exc:
            self.journal_failed(exc)

    def journal_failed(self, exc: JournalError) -> None:
        """Stop the crawl: what it would claim from now on could not be resumed."""
        stats = self.crawler.stats
        if stats.get_value("resume/journal_error"):
            return
        stats.set_value("resume/journal_error", str(exc))
        logger.error("%s; stopping the crawl (resume it with the same --job once the job "
                     "directory is writable)", exc)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=STOP_REASON))

    async def resume_requests(self, callbacks: dict[str, tuple[Any, int]]
                              ) -> list[scrapy.Request]:
        """Requests for the journal's unfinished claims: articles not stored, pages whose
        links were not all claimed (``callbacks``: kind -> (callback, priority))."""
        pending = self.resume
        if pending is None:
            return []
        self.resume = None
        stats = self.crawler.stats
        out = []
        stored = await self.stored_among([c for c, claim in pending.claims.items()
                                          if claim.kind == "article"])
        for canonical, claim in pending.claims.items():
            if claim.kind not in callbacks or canonical in stored:
                continue
            callback, priority = callbacks[claim.kind]
            req = self.make_request(claim.url, claim.kind, callback, hops=claim.hops,
                                    priority=priority, meta=dict(claim.meta))
            if req is not None:
                stats.inc_value("resume/requeued")
                stats.inc_value(f"resume/requeued_{claim.kind}")
                out.append(req)
        if out or pending.claims:
            logger.info("resuming job: %d unfinished request(s) requeued (%d claimed without "
                        "an outcome, %d done and %d failed before)", len(out),
                        len(pending.claims), pending.done, pending.failed)
        return out

    def item_dropped(self, item: Any, response: Response, exception: Exception,
                     spider: scrapy.Spider) -> None:
        if spider is self and response is not None:
            self.journal_done(response.request, f"dropped: {str(exception)[:80]}")

    def closed(self, reason: str) -> None:
        """A finished job starts afresh next time; any other end keeps its journal."""
        if self.journal is None:
            return
        if (reason == "finished" and self.journal.broken is None
                and not self.crawler.stats.get_value("storage/unstored")):
            self.journal.clear()
        else:
            self.journal.close()
