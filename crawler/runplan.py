"""What a run crawls: its sites, each site's settings, the distributed run it joins.

Several sites run as one Scrapy crawler each in one process (``crawler.runner``): a crawler
has its own settings, so each site keeps its own politeness (download delay, concurrency per
domain, from its profile), its own monitor verdict, stats and run record, and the engine,
downloader slots and pipelines need no knowledge of sites.  The one thing shared is the
machine: the extraction worker processes are divided between the sites.  (One spider
holding several profiles would have needed per-site stats and monitors threaded through
every component.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.runner import CrawlOptions

logger = logging.getLogger(__name__)


class UsageError(ValueError):
    """Bad options: exit code 2."""


def site_names(opts: CrawlOptions) -> list[str]:
    """The site profiles of the run (``--all``: every shipped profile), in order."""
    from crawler.profiles import SITES_DIR

    names = [*([opts.site] if opts.site else []), *opts.sites]
    if opts.all_sites:
        names += sorted(p.stem for p in SITES_DIR.glob("*.yaml"))
    return list(dict.fromkeys(names))


def base_url_of(opts: CrawlOptions, site: str, sites: list[str]) -> str:
    """``--base-url URL`` (one site) or the ``--base-url SITE=URL`` given for ``site``."""
    for value in [*([opts.base_url] if opts.base_url else []), *opts.base_urls]:
        name, sep, url = value.partition("=")
        if sep and "://" not in name:
            if name == site:
                return url
        elif len(sites) == 1:
            return value
        else:
            raise UsageError("--base-url: with several sites give SITE=URL for each")
    return ""


def profile_name(site: str) -> str:
    """A site as its records name it: a profile given as a path has its own ``name``."""
    from crawler.profiles import load_profile

    return load_profile(site).name


def join_distributed(settings: Any, opts: CrawlOptions, sites: list[str]) -> str:
    """The shared run this worker joins (or starts); raises RedisUnavailable."""
    from redis.exceptions import RedisError

    from crawler.distributed.run import join_run, run_name, worker_id
    from crawler.distributed.scheduler import redis_client
    from crawler.distributed.server import RedisUnavailable, redact_url
    from crawler.extensions.runrecord import new_run_id

    url = settings.get("NEWSCRAWL_REDIS_URL")
    name = run_name(sites, " ".join(base_url_of(opts, s, sites) for s in sites),
                    settings.get("NEWSCRAWL_DISCOVER"))
    client = redis_client(url)
    try:
        run_id = join_run(client, settings.get("NEWSCRAWL_REDIS_PREFIX"), name,
                          new_run_id(profile_name(sites[0]) if len(sites) == 1
                                     else f"{len(sites)}-sites"),
                          stale_after=settings.getfloat("NEWSCRAWL_REDIS_LEASE_TIMEOUT"),
                          ttl=settings.getint("NEWSCRAWL_REDIS_KEY_TTL"))
    except RedisError as exc:
        raise RedisUnavailable(f"Redis at {redact_url(url)} unavailable: {exc}") from exc
    finally:
        client.close()
    settings.setdict({"NEWSCRAWL_RUN_NAME": name, "NEWSCRAWL_RUN_SITES": sites,
                      "NEWSCRAWL_WORKER_ID": worker_id()}, priority="cmdline")
    logger.info("worker %s joins distributed run %s (%s)", worker_id(), run_id,
                redact_url(url))
    return run_id


def site_settings(settings: Any, opts: CrawlOptions, site: str, sites: list[str],
                  run_id: str) -> Any:
    """One crawler's settings: its site, its base URL, its run record id, its share of
    the extraction workers when several sites run in this process."""
    from crawler.workers.pool import worker_count

    own = settings.copy()
    over: dict[str, Any] = {"NEWSCRAWL_SITE": site,
                            "NEWSCRAWL_BASE_URL": base_url_of(opts, site, sites)}
    worker = settings.get("NEWSCRAWL_WORKER_ID")
    if len(sites) > 1 or worker:
        over["NEWSCRAWL_RUN_RECORD_ID"] = "/".join(p for p in (run_id, site, worker) if p)
    if len(sites) > 1:
        over["NEWSCRAWL_WORKERS"] = max(1, worker_count(settings.getint("NEWSCRAWL_WORKERS"))
                                        // len(sites))
    own.setdict(over, priority="cmdline")
    return own
