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
RANDOMIZE_DOWNLOAD_DELAY = True
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
COOKIES_ENABLED = False

# --- Security: no listening port, nothing remote-controllable ----------------------------
TELNETCONSOLE_ENABLED = False

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

# --- newscrawl defaults -----------------------------------------------------------------
# Site profile name or path; set by ``newscrawl crawl SITE`` or ``-a site=...``.
NEWSCRAWL_SITE = ""
# Base URL replacing the profile's origin (crawl a mirror or copy of the site).
NEWSCRAWL_BASE_URL = ""

# --- Extraction (crawler/extraction) ----------------------------------------------------
# Pages larger than this are rejected ("too large") before parsing.
NEWSCRAWL_EXTRACT_MAX_BYTES = 5 * 1024 * 1024
# Wall-clock limit of one extraction in seconds ("timeout"); 0 disables the guard.
NEWSCRAWL_EXTRACT_TIMEOUT = 20.0
# Bodies shorter than this many words are rejected ("empty body").
NEWSCRAWL_EXTRACT_MIN_WORDS = 15
