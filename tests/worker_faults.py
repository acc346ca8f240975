"""Fault injection for the extraction workers: a page starting with a marker hangs or kills
its worker.  Tests name :func:`extract_page` in ``NEWSCRAWL_WORKER_EXTRACT`` (or the pool's
``extract``); shipped code knows nothing of it."""

from __future__ import annotations

import os
import time

from crawler.extraction.options import ExtractOptions
from crawler.extraction.result import ExtractionResult
from crawler.workers.process import extract_page as real_extract_page

EXTRACT_WITH_FAULTS = "tests.worker_faults.extract_page"
HANG = b"<!--newscrawl-test-fault:hang-->"
CRASH = b"<!--newscrawl-test-fault:crash-->"


def extract_page(body: bytes, options: ExtractOptions) -> ExtractionResult:
    if body.startswith(HANG):
        time.sleep(3600)
    if body.startswith(CRASH):
        os._exit(17)
    return real_extract_page(body, options)
