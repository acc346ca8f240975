"""Build the settings of a crawl, run it in this process, and turn it into an exit code."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from crawler.cli import EXIT_FAILURE, EXIT_LOCKED, EXIT_USAGE
from crawler.ops.summary import RunSummary

if TYPE_CHECKING:
    from crawler.runlease import RunLease

logger = logging.getLogger(__name__)


@dataclass
class CrawlOptions:
    site: str | None = None
    urls: str | None = None
    base_url: str | None = None
    discover: str = "all"
    since: str | None = None
    max_articles: int = 0
    max_pages: int = 0
    refresh: bool = False
    job: str | None = None
    workers: int | None = None
    no_delay: bool = False
    settings: list[str] = field(default_factory=list)  # KEY=VALUE overrides

    def arguments(self) -> dict[str, Any]:
        """The options as recorded in the run record (no secrets: none are options)."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", [], False, 0)}


# Options that set one setting each when given (truthy).
OPTION_SETTINGS = {
    "site": "NEWSCRAWL_SITE",
    "base_url": "NEWSCRAWL_BASE_URL",
    "discover": "NEWSCRAWL_DISCOVER",
    "since": "NEWSCRAWL_SINCE",
    "max_articles": "NEWSCRAWL_MAX_ARTICLES",
    "max_pages": "NEWSCRAWL_MAX_PAGES",
    "refresh": "NEWSCRAWL_REFRESH",
}


class UsageError(ValueError):
    """Bad options: exit code 2."""


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"-s expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def build_settings(opts: CrawlOptions) -> Any:
    """Project settings with the options applied at ``cmdline`` priority."""
    from scrapy.utils.project import get_project_settings

    # The project's settings wherever the command runs from (cron, containers).
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    over: dict[str, Any] = {"NEWSCRAWL_RUN_ARGS": opts.arguments()}
    for option, setting in OPTION_SETTINGS.items():
        value = getattr(opts, option)
        if value:
            over[setting] = value
    if opts.workers is not None:
        over["NEWSCRAWL_WORKERS"] = opts.workers
    if opts.job:
        if not opts.job.replace("-", "").replace("_", "").isalnum():
            raise UsageError(f"--job: use letters, digits, - and _ only, got {opts.job!r}")
        # The job's own journal (crawler/resume/) is its state; Scrapy's JOBDIR is not used:
        # its disk queues keep their read/write positions only in a file written at a clean
        # close, so after a SIGKILL they replay stale requests and lose new ones.
        over["NEWSCRAWL_JOB"] = opts.job
        over["NEWSCRAWL_JOB_DIR"] = str(Path(settings.get("NEWSCRAWL_JOBS_DIR")) / opts.job)
    if opts.no_delay:
        over.update({"DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 0,
                     "AUTOTHROTTLE_ENABLED": False, "NEWSCRAWL_RETRY_BACKOFF_BASE": 0})
    over.update(parse_overrides(opts.settings))
    settings.setdict(over, priority="cmdline")
    return settings


def _check_options(opts: CrawlOptions) -> tuple[type, dict[str, Any], str]:
    """The spider class, its arguments and the run's site name (a profile given as a path
    is named by its ``name``); raises UsageError on bad options."""
    from crawler.profiles import ProfileError, load_profile
    from spiders.base import parse_since
    from spiders.site import SiteSpider, parse_modes
    from spiders.urls import UrlListSpider, read_url_list

    if bool(opts.site) == bool(opts.urls):
        raise UsageError("give a site profile or --urls FILE (one of them)")
    try:
        parse_since(opts.since)
        if opts.urls:
            read_url_list(opts.urls)
            return UrlListSpider, {"urls": opts.urls}, "urls"
        profile = load_profile(opts.site or "")
        parse_modes(opts.discover)
    except (ProfileError, ValueError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    return SiteSpider, {}, profile.name


def run_crawl(opts: CrawlOptions, out: TextIO = sys.stdout) -> int:
    """Run one crawl to its end in this process; the exit code for cron."""
    from crawler.extensions.monitor import outcome
    from crawler.extensions.runrecord import complete_run, new_run_id
    from crawler.storage.client import DatabaseUnavailable, connect, redact_uri, resolve_uri

    try:
        spidercls, spider_kwargs, site_name = _check_options(opts)
        settings = build_settings(opts)
    except UsageError as exc:
        print(f"newscrawl crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        uri = resolve_uri(settings.get("MONGO_URI") or None)
        client, db = connect(uri, settings.get("MONGO_DATABASE") or None)
    except DatabaseUnavailable as exc:
        print(f"newscrawl crawl: {exc}", file=sys.stderr)
        _finish(settings, None, RunSummary(site=site_name, run_id=None, status="failed",
                                           exit_code=EXIT_FAILURE, error=str(exc)))
        return EXIT_FAILURE
    try:
        lock = _lock_job(settings.get("NEWSCRAWL_JOB_DIR")) if opts.job else None
    except OSError as exc:
        print(f"newscrawl crawl: job directory not writable: {exc}", file=sys.stderr)
        _finish(settings, db, RunSummary(site=site_name, run_id=None, status="failed",
                                         exit_code=EXIT_FAILURE,
                                         error=f"job directory not writable: {exc}"))
        client.close()
        return EXIT_FAILURE
    if opts.job and lock is None:
        print(f"newscrawl crawl: locked: job {opts.job!r} is already running "
              f"({settings.get('NEWSCRAWL_JOB_DIR')})", file=sys.stderr)
        client.close()
        return EXIT_LOCKED
    run_id = new_run_id(site_name)
    crawler: Any = None
    lease = _take_lease(opts, site_name, settings, db, run_id,
                        lambda key: _stop_crawl(crawler, key))
    if isinstance(lease, str):
        print(f"newscrawl crawl: locked: {lease}", file=sys.stderr)
        logger.error("run lease: %s", lease)
        client.close()
        if lock is not None:
            lock.close()
        return EXIT_LOCKED
    settings.setdict({"MONGO_URI": uri, "MONGO_DATABASE": db.name, "NEWSCRAWL_RUN_ID": run_id},
                     priority="cmdline")
    logger.info("crawl %s into %s/%s", run_id, redact_uri(uri), db.name)

    from scrapy.crawler import CrawlerProcess

    failures: list[str] = []
    try:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spidercls)
        d = process.crawl(crawler, **spider_kwargs)
        d.addErrback(lambda f: failures.append(f"{f.type.__name__}: {f.getErrorMessage()}"))
        process.start()
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
    stats: dict[str, Any] = {}
    if crawler is not None:
        try:
            stats = crawler.stats.get_stats()
        except RuntimeError:  # the crawl never started
            stats = {}
    reason = stats.get("finish_reason")
    try:
        if failures or reason is None:
            error = "; ".join(failures) or "the crawl did not run"
            print(f"newscrawl crawl: failed: {error}", file=sys.stderr)
            status = "failed" if reason is None else "crashed"
            complete_run(db, run_id, status=status, finish_reason=reason or "exception",
                         stats=stats or None, error=error, exit_code=EXIT_FAILURE)
            _finish(settings, db, RunSummary.from_stats(
                site_name, run_id, status, EXIT_FAILURE, stats, error))
            return EXIT_FAILURE
        status, code = outcome(stats, reason)
        print_summary(out, run_id, stats, status)
        _finish(settings, db, RunSummary.from_stats(
            site_name, run_id, status, code, stats))
        return code
    finally:
        if lease is not None:
            lease.release()
        client.close()
        if lock is not None:
            lock.close()


def _finish(settings: Any, db: Any, summary: RunSummary) -> None:
    """Notifications and metrics (crawler/ops), after the reactor has stopped."""
    from crawler.ops.afterrun import finish_run

    finish_run(settings, summary, db)


def _take_lease(opts: CrawlOptions, site_name: str, settings: Any, db: Any, run_id: str,
                on_lost: Any) -> RunLease | str | None:
    """The run's lease (None: not used), or the message saying who holds it."""
    from pymongo.errors import PyMongoError

    from crawler.runlease import LeaseHeld, RunLease, lease_key

    if not settings.getbool("NEWSCRAWL_RUN_LEASE") or not (opts.site or opts.job):
        return None
    lease = RunLease(db, lease_key(site_name, opts.job), run_id,
                     settings.getfloat("NEWSCRAWL_RUN_LEASE_TTL"), on_lost=on_lost)
    try:
        lease.acquire()
    except LeaseHeld as exc:
        return str(exc)
    except PyMongoError as exc:
        return f"could not take the run lease {lease.key}: {exc}"
    lease.start()
    return lease


def _stop_crawl(crawler: Any, key: str) -> None:
    """From the lease thread: close the spider on the reactor thread (``lease_lost``)."""
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor

    def stop() -> None:
        engine = getattr(crawler, "engine", None)
        if engine is not None and engine.spider is not None:
            crawler.stats.set_value("lease/lost", key)
            deferred_from_coro(engine.close_spider_async(reason="lease_lost"))

    reactor.callFromThread(stop)


def _lock_job(jobdir: str) -> TextIO | None:
    """An exclusive lock on the job directory (None: another run of the job holds it).

    Two runs sharing one job directory would corrupt its request queue; the lock is
    released by the kernel when the process ends, however it ends.
    """
    import fcntl

    Path(jobdir).mkdir(parents=True, exist_ok=True)
    handle = Path(jobdir, ".newscrawl.lock").open("a+", encoding="utf-8")  # noqa: SIM115 (held)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def print_summary(out: TextIO, run_id: str, stats: dict[str, Any], status: str) -> None:
    def n(key: str) -> int:
        v = stats.get(key, 0)
        return int(v) if isinstance(v, int | float) else 0

    started, finished = stats.get("start_time"), stats.get("finish_time")
    elapsed = (finished - started).total_seconds() if started and finished else 0.0
    extracted = n("extract/ok") + n("extract/failed")
    ms = stats.get("extract/ms_total", 0) / max(n("extract/pages_timed"), 1)
    lines = [
        f"run {run_id}: {status} ({stats.get('finish_reason')}) in {elapsed:.1f}s",
        f"  requests {n('downloader/request_count')}, pages {n('response_received_count')}, "
        f"errors {n('errors/total')}, retries {n('retry/count')}",
        f"  articles new {n('articles/new')}, updated {n('articles/updated')}, "
        f"unchanged {n('articles/unchanged')}, duplicate {n('articles/duplicate')}, "
        f"not modified {n('refresh/not_modified')}, already stored (not fetched) "
        f"{n('discovery/known_urls')}, dropped {n('item_dropped_count')}",
        f"  links new {n('links/new')}; extracted {extracted} page(s), "
        f"{n('extract/failed')} failed, {ms:.0f} ms/page",
    ]
    if n("storage/unstored"):
        lines.append(f"  UNSTORED: {n('storage/unstored')} article(s)")
    for alert in stats.get("monitor/alerts") or []:
        lines.append(f"  ALERT: {alert}")
    print("\n".join(lines), file=out)
