"""Scrapy settings and every newscrawl default, in one place.

Scrapy reads this module through ``scrapy.cfg``; the ``newscrawl`` CLI loads it too and
applies command-line overrides on top.  Every project default lives here under the
``NEWSCRAWL_`` prefix; environment variables named in the README override a few of them
at run time (``MONGO_URI``, ``MONGO_DATABASE``, ``NEWSCRAWL_*``).
"""

from __future__ import annotations

import os

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- Politeness -------------------------------------------------------------------------
USER_AGENT = "newscrawl/0.1 (+https://example.org/newscrawl; contact: crawler-admin@example.org)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5  # each delay varies by up to +/-50%
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 10
# Scrapy starts this many asyncio tasks for every response's output, whatever its size; an
# article page yields one item and a listing a few dozen requests, so 100 (the default)
# mostly costs reactor time.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = False

# --- Security: no listening port, nothing remote-controllable ----------------------------
TELNETCONSOLE_ENABLED = False
# Scrapy's remote-control extension serves HTTP (and runs code) on a port: never.
REMOTE_CONTROL_ENABLED = False

# --- Engine -----------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("NEWSCRAWL_LOG_LEVEL", "INFO")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOGSTATS_INTERVAL = 30.0

# --- Database ---------------------------------------------------------------------------
# MONGO_URI unset means: the local server started by ``newscrawl db start`` / the demo.
MONGO_URI = os.environ.get("MONGO_URI", "")
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "newscrawl")
# Local server for tests and the demo (crawler/storage/server.py); each may also be set in
# the environment at run time.  "" for the cache dir means ``.cache/`` in the repository.
NEWSCRAWL_CACHE_DIR = os.environ.get("NEWSCRAWL_CACHE_DIR", "")
NEWSCRAWL_DB_STATE_FILE = os.environ.get("NEWSCRAWL_DB_STATE_FILE", "")  # "" = <cache>/db/
NEWSCRAWL_FERRETDB_VERSION = "v1.24.2"
NEWSCRAWL_FERRETDB_BUILD_TIMEOUT = 900  # seconds for `go build`
NEWSCRAWL_DB_START_TIMEOUT = 30  # seconds until a started server must answer ping
NEWSCRAWL_DB_STOP_TIMEOUT = 10  # seconds between SIGTERM and SIGKILL
NEWSCRAWL_DB_CONNECT_TIMEOUT_MS = 5000  # server selection timeout of connect()
NEWSCRAWL_DB_SOCKET_TIMEOUT_MS = 120_000  # one operation; a hung server then fails and retries

# --- newscrawl defaults -----------------------------------------------------------------
# Site profile name or path; set by ``newscrawl crawl SITE`` or ``-a site=...``.
NEWSCRAWL_SITE = ""
# Base URL replacing the profile's origin (crawl a mirror or copy of the site).
NEWSCRAWL_BASE_URL = ""

# --- Extraction (crawler/extraction) ----------------------------------------------------
# Pages larger than this are rejected ("too_large") before parsing.
NEWSCRAWL_EXTRACT_MAX_BYTES = 5 * 1024 * 1024
# Wall-clock limit of one extraction in seconds ("timeout"); 0 disables the guard.
NEWSCRAWL_EXTRACT_TIMEOUT = 20.0
# Bodies shorter than this many words (CJK scripts: characters) are not articles: the
# extractor rejects them ("empty_body") and the validation pipeline drops them.
NEWSCRAWL_EXTRACT_MIN_WORDS = 15

# --- Crawling: discovery, budgets, incremental runs --------------------------------------
# Discovery modes: any of sitemaps, feeds, listings, related (comma-separated) or "all".
NEWSCRAWL_DISCOVER = "all"
# Per-run page budget (responses); 0 = unlimited.  Mapped onto CLOSESPIDER_PAGECOUNT.
NEWSCRAWL_MAX_PAGES = 0
# Stop after this many articles handed to the pipelines; 0 = unlimited.
NEWSCRAWL_MAX_ARTICLES = 0
# Link hops away from the seeds (listing -> listing, article -> related); pagination
# inside one listing is bounded by the profile's pagination.max_pages instead.
NEWSCRAWL_MAX_DEPTH = 10
# Profile-less crawls (`newscrawl crawl https://site.example/`): a URL shape predicts the
# kind of new URLs once this many of its pages were judged, and one kind has this share.
NEWSCRAWL_PROFILELESS_SHAPE_MIN_PAGES = 3
NEWSCRAWL_PROFILELESS_SHAPE_MIN_SHARE = 0.9
# Articles a profile-less crawl reads before it learns their layout (body container,
# exclusions, related blocks) and extracts the next pages with it; 0: never.
NEWSCRAWL_PROFILELESS_LAYOUT_PAGES = 8
# Pages a profile-less crawl keeps in memory for `newscrawl profile suggest` (0 in crawls).
NEWSCRAWL_PROFILELESS_KEEP_PAGES = 0
# Stop paginating a listing after this many consecutive pages whose articles are all known.
NEWSCRAWL_KNOWN_PAGES_STOP = 2
# Re-fetch stored articles with conditional GET (If-None-Match / If-Modified-Since).
NEWSCRAWL_REFRESH = False
# Only articles published on or after this date (ISO 8601); "" = no limit.
NEWSCRAWL_SINCE = ""
# Resumable crawls: ``--job NAME`` keeps the job's journal in NEWSCRAWL_JOBS_DIR/NAME
# (NEWSCRAWL_JOB and NEWSCRAWL_JOB_DIR are set by the runner; see crawler/resume/).
NEWSCRAWL_JOBS_DIR = os.environ.get("NEWSCRAWL_JOBS_DIR", "jobs")
NEWSCRAWL_JOB = ""
NEWSCRAWL_JOB_DIR = ""
# No two runs of one site and job at once: a lease in ``run_leases``, renewed every third of
# the TTL (seconds); a lease left by a dead run is taken over once it expires.
NEWSCRAWL_RUN_LEASE = True
NEWSCRAWL_RUN_LEASE_TTL = float(os.environ.get("NEWSCRAWL_RUN_LEASE_TTL", "60"))
# Content types fetched and parsed as pages; anything else is abandoned at the headers.
NEWSCRAWL_PAGE_CONTENT_TYPES = ["text/html", "application/xhtml+xml"]

# --- Extraction worker processes ---------------------------------------------------------
# Worker processes for extraction; 0 = one per CPU core.
NEWSCRAWL_WORKERS = 0
# Hard limit per page (above the extractor's own NEWSCRAWL_EXTRACT_TIMEOUT): a worker busy
# longer is killed and replaced, and the page counts as failed.
NEWSCRAWL_WORKER_TIMEOUT = 60.0
# Recycle a worker after this many pages (bounds memory growth in long crawls).
NEWSCRAWL_WORKER_MAX_TASKS = 500
# The function a worker runs per page, as a dotted path (tests name a wrapper that hangs or
# crashes on marked pages).
NEWSCRAWL_WORKER_EXTRACT = "crawler.workers.process.extract_page"

# --- Retries: back off on 429/5xx, honouring Retry-After ----------------------------------
NEWSCRAWL_RETRY_BACKOFF_BASE = 2.0  # seconds; doubled per attempt; 0 = retry at once
NEWSCRAWL_RETRY_BACKOFF_MAX = 120.0  # cap on any wait, Retry-After included

# --- Run records, monitor, progress -------------------------------------------------------
NEWSCRAWL_RUN_RECORDS = True  # write one document per run to ``crawl_runs``
NEWSCRAWL_RUN_ID = ""  # set by the runner; generated when empty
# The crawl_runs _id of this crawler when a run has several (sites, distributed workers):
# RUN_ID/SITE[/WORKER]; "" = the run id.  Set by the runner.
NEWSCRAWL_RUN_RECORD_ID = ""
NEWSCRAWL_RUN_ARGS: dict = {}  # the operator's arguments, recorded with the run
NEWSCRAWL_MAX_EXTRACT_FAILURE_RATE = 0.25
NEWSCRAWL_MAX_ERROR_RATE = 0.25
NEWSCRAWL_MONITOR_MIN_PAGES = 10  # rates are judged only on at least this many pages
NEWSCRAWL_PROGRESS = True
NEWSCRAWL_PROGRESS_INTERVAL = 30.0  # seconds between log lines when not on a TTY
# Per-stage time totals in the stats, read by the benchmark and recorded with each run:
# wall time (timing/download_ms, timing/pipeline_ms) and CPU time (process/cpu_ms,
# pipelines/cpu_ms, storage/cpu_ms, extract/cpu_ms_total, extract/handoff_cpu_ms).
# The switch turns off the download-latency extension; the rest costs nothing measurable.
NEWSCRAWL_STAGE_TIMING = True
# The pipeline manager that counts the pipelines' CPU and wall time.
ITEM_PROCESSOR = "crawler.itemprocessor.CpuTimedPipelineManager"
SPIDER_MIDDLEWARES = {
    # Crawl depth is the spider's own (NEWSCRAWL_MAX_DEPTH, counted in hops per kind of page).
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # Resumable jobs: a page is done in the job journal once its callback returned.
    "crawler.middlewares.resume.JournalDoneMiddleware": 950,
}

EXTENSIONS = {
    # Switched off by their settings above, and listed as None so that their modules (the
    # remote control imports aiohttp: a second of start-up on a busy machine) are not loaded.
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.extensions.monitor.Monitor": 100,
    "crawler.extensions.runrecord.RunRecord": 200,
    "crawler.extensions.progress.Progress": 300,
    "crawler.extensions.latency.DownloadLatency": 400,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.fetch_once.ArticleDedupMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robotstxt.SharedRobotsTxtMiddleware": 100,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.metarefresh.HeadMetaRefreshMiddleware": 580,
}

# --- Item pipelines and storage (pipelines/, crawler/storage) ------------------------------
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.store.StorePipeline": 400,
}
# Estimated Jaccard similarity of body shingles at or above which an article under another
# URL is a near-duplicate (stored with ``duplicate_of``).  Changing it changes the stored
# LSH band keys: see the migration notes in docs/data-model.md.
NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD = 0.8
# The crawl's catalogue of stored articles (crawler/storage/catalogue.py): with at most this
# many stored articles their keys are read into memory while the crawl starts (about 240
# bytes each plus the URL, from the compact ``catalogue`` collection); above it, every lookup is a
# query by key.  0: always by key.
NEWSCRAWL_CATALOGUE_MEMORY_MAX = 500_000
# Other processes store articles during this crawl (distributed workers): keys missing from
# memory are then looked up in the database too.
NEWSCRAWL_CATALOGUE_SHARED = False
# Writer thread: a bulk write every BATCH_SIZE items or FLUSH_INTERVAL seconds, whichever
# comes first; QUEUE_SIZE items may wait before the pipeline applies back-pressure.
NEWSCRAWL_STORE_BATCH_SIZE = 100
NEWSCRAWL_STORE_FLUSH_INTERVAL = 2.0
NEWSCRAWL_STORE_QUEUE_SIZE = 1000
# A failed batch is retried this many times, waiting BACKOFF seconds doubled per attempt
# (capped at BACKOFF_MAX); then the crawl stops with reason "database_unavailable".
NEWSCRAWL_STORE_RETRY_TIMES = 5
NEWSCRAWL_STORE_RETRY_BACKOFF = 0.5
NEWSCRAWL_STORE_RETRY_BACKOFF_MAX = 10.0
# Edges whose target is not stored yet are held in memory (about 300 bytes each) and
# inserted once with their target; above this many, the oldest are inserted pending.
NEWSCRAWL_STORE_HELD_LINKS_MAX = 200000
# A batch write slower than this many seconds (without retries) logs "slow database"
# and counts in ``storage/slow_batches``; 0: never.
NEWSCRAWL_STORE_SLOW_BATCH = 5.0

# --- Distributed crawls (crawler/distributed): many workers share one run in Redis ----------
# Redis of a distributed crawl (``--redis URL``); "" = a local crawl.  Never logged unredacted.
NEWSCRAWL_REDIS_URL = os.environ.get("NEWSCRAWL_REDIS_URL", "")
# Prefix of every key; runs under different prefixes never meet.
NEWSCRAWL_REDIS_PREFIX = os.environ.get("NEWSCRAWL_REDIS_PREFIX", "newscrawl")
# The run ends when the shared frontier (queue and every worker's leases) stayed empty this
# many seconds, seeding finished.
NEWSCRAWL_REDIS_IDLE_TIMEOUT = float(os.environ.get("NEWSCRAWL_REDIS_IDLE_TIMEOUT", "30"))
# A request taken by a worker goes back to the queue when its lease is not renewed or
# completed for this many seconds (the worker died or stalled); likewise the claim to seed
# a run's site passes to another worker.
NEWSCRAWL_REDIS_LEASE_TIMEOUT = 60.0
# Seconds between a worker's lease renewals/completions, requeues of expired leases and
# liveness beats.  A run whose workers all stopped beating for LEASE_TIMEOUT is not joined.
NEWSCRAWL_REDIS_TICK = 1.0
# Requests a worker leases per round trip to Redis, at most as many as its downloader has
# room for; those it has not started go back to the queue when it closes (or, if it dies,
# when their lease expires).
NEWSCRAWL_REDIS_PREFETCH = 8
# Expiry of a run's keys (queue, leases, duplicate filter), renewed while workers run.
NEWSCRAWL_REDIS_KEY_TTL = 7 * 24 * 3600
# Entries kept in a run's stream of dedup keys (pipelines/shareddedup.py), about 700 bytes
# each; older entries are in the database, which workers starting later preload.
NEWSCRAWL_REDIS_DEDUP_STREAM_MAX = 100_000
# Set by the runner: the shared run's name and sites, and this worker's id.
NEWSCRAWL_RUN_NAME = ""
NEWSCRAWL_RUN_SITES: list = []
NEWSCRAWL_WORKER_ID = ""

# Documents fetched per round trip by ``newscrawl export``.
NEWSCRAWL_EXPORT_BATCH_SIZE = 500

# --- Operations: notifications, metrics, health check, report (crawler/ops, docs/operations.md)
# When to notify: "failure" (exit code 1 or 3), "alert" (those, and failed monitors / exit
# code 4), "always" (every run), "never".  A channel is on when its destination is set.
NEWSCRAWL_NOTIFY_ON = os.environ.get("NEWSCRAWL_NOTIFY_ON", "alert")
# Slack-compatible incoming webhook (JSON ``{"text": ...}``); its URL is a secret, never logged.
NEWSCRAWL_NOTIFY_WEBHOOK = os.environ.get("NEWSCRAWL_NOTIFY_WEBHOOK", "")
# E-mail over SMTP: on when HOST and TO are set; TO is comma-separated.
NEWSCRAWL_NOTIFY_SMTP_HOST = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_HOST", "")
NEWSCRAWL_NOTIFY_SMTP_PORT = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_PORT", "587")
NEWSCRAWL_NOTIFY_SMTP_USER = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_USER", "")
NEWSCRAWL_NOTIFY_SMTP_PASSWORD = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_PASSWORD", "")
NEWSCRAWL_NOTIFY_SMTP_FROM = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_FROM", "newscrawl@localhost")
NEWSCRAWL_NOTIFY_SMTP_TO = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_TO", "")
NEWSCRAWL_NOTIFY_SMTP_STARTTLS = os.environ.get("NEWSCRAWL_NOTIFY_SMTP_STARTTLS", "1")
NEWSCRAWL_NOTIFY_TIMEOUT = 10.0  # seconds per channel (connect and each read/write)
# Prometheus text exposition written at the end of each run (node_exporter's textfile
# collector: a path ending in .prom), and an optional Pushgateway URL.
NEWSCRAWL_METRICS_FILE = os.environ.get("NEWSCRAWL_METRICS_FILE", "")
NEWSCRAWL_METRICS_PUSHGATEWAY = os.environ.get("NEWSCRAWL_METRICS_PUSHGATEWAY", "")
NEWSCRAWL_METRICS_TIMEOUT = 10.0  # seconds for the push
# ``newscrawl doctor``: free space the job directory needs, and the database timeout.
NEWSCRAWL_DOCTOR_MIN_FREE_MB = 512
NEWSCRAWL_DOCTOR_TIMEOUT_MS = 3000
# ``newscrawl report``: the period shown when --since is not given, and list lengths.
NEWSCRAWL_REPORT_DAYS = 30
NEWSCRAWL_REPORT_TOP = 10
# ``newscrawl schedule``: the crontab of crawls the scheduler runs.
NEWSCRAWL_SCHEDULE_CRONTAB = os.environ.get("NEWSCRAWL_SCHEDULE_CRONTAB", "crontab")
