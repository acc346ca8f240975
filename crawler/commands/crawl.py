"""``newscrawl crawl``: crawl a site (profile or address) or a URL list into MongoDB."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sites", nargs="*", metavar="SITE",
                        help="site profile names (crawler/sites/NAME.yaml), profile files, or "
                        "one site address (https://site.example/) to crawl without a profile; "
                        "several sites run in one process, each with its own politeness")
    parser.add_argument("--all", dest="all_sites", action="store_true",
                        help="every site profile in crawler/sites")
    parser.add_argument("--urls", metavar="FILE",
                        help="fetch exactly the URLs in FILE (one a line, any site)")
    parser.add_argument("--base-url", dest="base_urls", action="append", default=[],
                        metavar="[SITE=]URL",
                        help="crawl a mirror or copy of the site at URL instead (SITE=URL "
                        "for each of several sites)")
    parser.add_argument("--discover", default="all", metavar="MODES",
                        help="sitemaps, feeds, listings, related (comma-separated) or all")
    parser.add_argument("--since", metavar="DATE",
                        help="only articles published on or after DATE (YYYY-MM-DD)")
    parser.add_argument("--max-articles", type=int, default=0, metavar="N",
                        help="stop after N articles")
    parser.add_argument("--max-pages", type=int, default=0, metavar="N",
                        help="stop after N pages (responses)")
    parser.add_argument("--refresh", action="store_true",
                        help="re-fetch stored articles with conditional GET")
    parser.add_argument("--job", metavar="NAME",
                        help="resumable crawl: state in NEWSCRAWL_JOBS_DIR/NAME")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="extraction worker processes (0 = one per core)")
    parser.add_argument("--no-delay", action="store_true",
                        help="no download delay or throttling (mirrors, tests, benchmarks)")
    parser.add_argument("--redis", metavar="URL",
                        help="distributed: join the run of the same arguments in this Redis "
                        "(default NEWSCRAWL_REDIS_URL); start any number of workers")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="KEY=VALUE", help="override a Scrapy/newscrawl setting")


def run(args: argparse.Namespace) -> int:
    # Scrapy's HTTP handler builds deprecated-class aliases at import time, each of which
    # reads the source of every frame on the stack (inspect.stack) and scans every loaded
    # module: imported here, with a short stack and few modules, it costs half what it
    # does when the engine loads it.
    import scrapy.core.downloader.handlers.http11  # noqa: F401

    from crawler.runner import CrawlOptions, run_crawl

    return run_crawl(CrawlOptions(
        sites=list(args.sites), all_sites=args.all_sites, urls=args.urls,
        base_urls=list(args.base_urls), discover=args.discover, redis=args.redis,
        since=args.since, max_articles=args.max_articles, max_pages=args.max_pages,
        refresh=args.refresh, job=args.job, workers=args.workers, no_delay=args.no_delay,
        settings=list(args.settings),
    ))
