"""Build the settings of a crawl, run it in this process, and turn it into an exit code.

The summary printed at the end of a run is :func:`crawler.ops.summary.print_summary`.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from crawler.cli import EXIT_ALERT, EXIT_FAILURE, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from crawler.ops.summary import RunSummary, print_summary
from crawler.runplan import (
    UsageError,
    base_url_of,
    join_distributed,
    profile_name,
    site_names,
    site_settings,
)

if TYPE_CHECKING:
    from crawler.runlease import RunLease

logger = logging.getLogger(__name__)


@dataclass
class CrawlOptions:
    site: str | None = None
    sites: list[str] = field(default_factory=list)  # several site profiles in one run
    all_sites: bool = False
    urls: str | None = None
    base_url: str | None = None
    base_urls: list[str] = field(default_factory=list)  # SITE=URL, one per site
    discover: str = "all"
    since: str | None = None
    max_articles: int = 0
    max_pages: int = 0
    refresh: bool = False
    job: str | None = None
    workers: int | None = None
    no_delay: bool = False
    redis: str | None = None  # distributed: the Redis URL (secret: never recorded)
    settings: list[str] = field(default_factory=list)  # KEY=VALUE overrides

    def arguments(self) -> dict[str, Any]:
        """The options as recorded in the run record: the Redis URL is left out, and
        connection strings given with ``-s`` are redacted."""
        from crawler.storage.client import redact_uri

        out = {k: v for k, v in self.__dict__.items()
               if k != "redis" and v not in (None, "", [], False, 0)}
        if self.settings:
            out["settings"] = [f"{k}={redact_uri(v)}" if "://" in v else f"{k}={v}"
                               for k, _, v in (p.partition("=") for p in self.settings)]
        return out


# Options that set one setting each when given (truthy).
OPTION_SETTINGS = {
    "discover": "NEWSCRAWL_DISCOVER",
    "since": "NEWSCRAWL_SINCE",
    "max_articles": "NEWSCRAWL_MAX_ARTICLES",
    "max_pages": "NEWSCRAWL_MAX_PAGES",
    "refresh": "NEWSCRAWL_REFRESH",
}
# Exit codes from the most to the least severe, to combine the sites of one run.
SEVERITY = (EXIT_FAILURE, EXIT_LOCKED, EXIT_PARTIAL, EXIT_ALERT, EXIT_OK)


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
    if opts.redis:
        over["NEWSCRAWL_REDIS_URL"] = opts.redis
    over.update(parse_overrides(opts.settings))
    settings.setdict(over, priority="cmdline")
    if settings.get("NEWSCRAWL_REDIS_URL"):
        if opts.job:
            raise UsageError("--job and --redis exclude each other: a distributed run "
                             "resumes from Redis")
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        if pipelines.pop("pipelines.dedup.DedupPipeline", None) is not None:
            pipelines["pipelines.shareddedup.SharedDedupPipeline"] = 300
        settings.setdict({
            "SCHEDULER": "crawler.distributed.scheduler.LeasingScheduler",
            "DUPEFILTER_CLASS": "crawler.distributed.dupefilter.CanonicalUrlDupeFilter",
            "ITEM_PIPELINES": pipelines,
        }, priority="cmdline")
    return settings


def _check_options(opts: CrawlOptions) -> tuple[type, dict[str, Any], list[str]]:
    """The spider class, its arguments and the sites (profile names or files, or one site
    address crawled without a profile); raises UsageError on bad options."""
    from crawler.profiles import ProfileError, load_profile
    from spiders.base import parse_since
    from spiders.site import SiteSpider, parse_modes
    from spiders.urls import UrlListSpider, read_url_list

    sites = site_names(opts)
    if bool(sites) == bool(opts.urls):
        raise UsageError("give site profiles, a site address, --all, or --urls FILE "
                         "(one of them)")
    distributed = bool(opts.redis or os.environ.get("NEWSCRAWL_REDIS_URL"))
    try:
        parse_since(opts.since)
        if opts.urls:
            if distributed:
                raise UsageError("--urls runs in one process; --redis needs site profiles")
            read_url_list(opts.urls)
            return UrlListSpider, {"urls": opts.urls}, []
        parse_modes(opts.discover)
        if any(_is_address(site) for site in sites):
            from spiders.profileless import ProfilelessSpider

            if len(sites) > 1 or distributed:
                raise UsageError("a site address is crawled alone, in one process")
            if opts.base_url or opts.base_urls:
                raise UsageError("--base-url goes with a profile; give the address itself")
            return ProfilelessSpider, {}, sites
        for site in sites:
            load_profile(site)
            base_url_of(opts, site, sites)
    except (ProfileError, ValueError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    if opts.job and len(sites) > 1:
        raise UsageError("--job takes one site")
    return SiteSpider, {}, sites


def _is_address(site: str) -> bool:
    """A site address where a profile name goes (not a profile name or file)."""
    from crawler.autoprofile.address import is_address

    return is_address(site) and not Path(site).is_file()


def _site_key(address: str) -> str:
    from crawler.autoprofile.address import site_key

    return site_key(address)


def run_crawl(opts: CrawlOptions, out: TextIO = sys.stdout) -> int:
    """Run one crawl to its end in this process (one crawler per site); the exit code."""
    from crawler.distributed.server import RedisUnavailable
    from crawler.extensions.runrecord import new_run_id
    from crawler.storage.client import DatabaseUnavailable, connect, redact_uri, resolve_uri

    try:
        spidercls, spider_kwargs, sites = _check_options(opts)
        settings = build_settings(opts)
    except UsageError as exc:
        print(f"newscrawl crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    names = {site: _site_key(site) if _is_address(site) else profile_name(site)
             for site in sites}
    try:
        uri = resolve_uri(settings.get("MONGO_URI") or None)
        client, db = connect(uri, settings.get("MONGO_DATABASE") or None)
    except DatabaseUnavailable as exc:
        print(f"newscrawl crawl: {exc}", file=sys.stderr)
        for name in [*names.values()] or ["urls"]:
            _finish(settings, None, RunSummary(site=name, run_id=None, status="failed",
                                               exit_code=EXIT_FAILURE, error=str(exc)))
        return EXIT_FAILURE
    try:
        lock = _lock_job(settings.get("NEWSCRAWL_JOB_DIR")) if opts.job else None
    except OSError as exc:
        print(f"newscrawl crawl: job directory not writable: {exc}", file=sys.stderr)
        for name in [*names.values()] or ["urls"]:
            _finish(settings, db, RunSummary(site=name, run_id=None, status="failed",
                                             exit_code=EXIT_FAILURE,
                                             error=f"job directory not writable: {exc}"))
        client.close()
        return EXIT_FAILURE
    if opts.job and lock is None:
        print(f"newscrawl crawl: locked: job {opts.job!r} is already running "
              f"({settings.get('NEWSCRAWL_JOB_DIR')})", file=sys.stderr)
        client.close()
        return EXIT_LOCKED
    settings.setdict({"MONGO_URI": uri, "MONGO_DATABASE": db.name}, priority="cmdline")
    leases: list[RunLease] = []
    crawlers: dict[str, Any] = {}  # site -> its crawler, once built
    try:
        if settings.get("NEWSCRAWL_REDIS_URL"):
            run_id = join_distributed(settings, opts, sites)
        else:
            run_id = new_run_id(names[sites[0]] if len(sites) == 1 else
                                f"{len(sites)}-sites" if sites else "urls")
            # A local run holds each site's lease; the workers of a distributed run share
            # theirs through Redis instead.
            for site in sites:
                lease = _take_lease(opts, names[site], settings, db, run_id,
                                    lambda key, site=site: _stop_crawl(crawlers.get(site), key))
                if isinstance(lease, str):
                    print(f"newscrawl crawl: locked: {lease}", file=sys.stderr)
                    logger.error("run lease: %s", lease)
                    return EXIT_LOCKED
                if lease is not None:
                    leases.append(lease)
        settings.set("NEWSCRAWL_RUN_ID", run_id, priority="cmdline")
        logger.info("crawl %s into %s/%s", run_id, redact_uri(uri), db.name)
        return _run_crawlers(settings, opts, spidercls, spider_kwargs, sites, names, run_id,
                             db, out, crawlers)
    except RedisUnavailable as exc:
        print(f"newscrawl crawl: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        for lease in leases:
            lease.release()
        client.close()
        if lock is not None:
            lock.close()


def _run_crawlers(settings: Any, opts: CrawlOptions, spidercls: type,
                  spider_kwargs: dict[str, Any], sites: list[str], names: dict[str, str],
                  run_id: str, db: Any, out: TextIO, crawlers: dict[str, Any]) -> int:
    """One crawler per site (or the URL list's) in one CrawlerProcess; the worst exit code.
    ``crawlers`` is filled as they are built (the lease callbacks stop them by site)."""
    from scrapy.crawler import Crawler, CrawlerProcess

    from crawler.extensions.monitor import outcome
    from crawler.extensions.runrecord import complete_run

    failures: dict[str, list[str]] = {}
    try:
        process = CrawlerProcess(settings)
        for i, site in enumerate(sites or [""]):
            own = site_settings(settings, opts, site, sites, run_id) if site else settings
            # The first crawler installs the reactor, as CrawlerProcess.create_crawler does.
            crawler = Crawler(spidercls, own, init_reactor=i == 0)
            crawlers[site] = crawler
            errors = failures.setdefault(site, [])
            d = process.crawl(crawler, **spider_kwargs)
            d.addErrback(lambda f, errors=errors: errors.append(
                f"{f.type.__name__}: {f.getErrorMessage()}"))
        process.start()
    except Exception as exc:
        failures.setdefault(sites[0] if sites else "", []).append(f"{type(exc).__name__}: {exc}")
    codes = []
    for site in sites or [""]:
        name = names.get(site, "urls")
        crawler = crawlers.get(site)
        stats: dict[str, Any] = {}
        if crawler is not None:
            try:
                stats = crawler.stats.get_stats()
            except (RuntimeError, AttributeError):  # the crawl never started
                stats = {}
        reason = stats.get("finish_reason")
        record = stats.get("run/record") or (
            crawler.settings.get("NEWSCRAWL_RUN_RECORD_ID") if crawler else None) or run_id
        errors = failures.get(site) or []
        label = f"{name}: " if len(sites) > 1 else ""
        if errors or reason is None:
            error = "; ".join(errors) or "the crawl did not run"
            print(f"newscrawl crawl: {label}failed: {error}", file=sys.stderr)
            status = "failed" if reason is None else "crashed"
            complete_run(db, record, status=status, finish_reason=reason or "exception",
                         stats=stats or None, error=error, exit_code=EXIT_FAILURE)
            _finish(settings, db, RunSummary.from_stats(name, record, status, EXIT_FAILURE,
                                                        stats, error))
            codes.append(EXIT_FAILURE)
            continue
        status, code = outcome(stats, reason)
        print_summary(out, record, stats, status)
        if reason == "redis_unavailable":
            print(f"newscrawl crawl: {label}stopped: Redis became unavailable "
                  f"({stats.get('redis/error')}); run the same command again to finish",
                  file=sys.stderr)
        _finish(settings, db, RunSummary.from_stats(name, record, status, code, stats))
        codes.append(code)
    return min(codes, key=SEVERITY.index) if codes else EXIT_FAILURE


def _finish(settings: Any, db: Any, summary: RunSummary) -> None:
    """Notifications and metrics (crawler/ops), after the reactor has stopped."""
    from crawler.ops.afterrun import finish_run

    finish_run(settings, summary, db)


def _take_lease(opts: CrawlOptions, site_name: str, settings: Any, db: Any, run_id: str,
                on_lost: Any) -> RunLease | str | None:
    """The run's lease (None: not used), or the message saying who holds it."""
    from pymongo.errors import PyMongoError

    from crawler.runlease import LeaseHeld, RunLease, lease_key

    if not settings.getbool("NEWSCRAWL_RUN_LEASE"):
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
