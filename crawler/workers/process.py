"""What runs inside an extraction worker process, and how such processes are made.

A worker reads pickled pages from its socket, extracts each with :func:`extract_page` (or the
function ``NEWSCRAWL_WORKER_EXTRACT`` names) and answers; :func:`mp_context` makes workers
from a fork server (or ``spawn``), never by forking the reactor process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import socket
import time

from scrapy.utils.misc import load_object

from crawler.extraction.options import ExtractOptions
from crawler.extraction.result import ExtractionResult
from crawler.workers.protocol import HEADER, frame, recv_exact

# What a worker runs per page (NEWSCRAWL_WORKER_EXTRACT): tests name a wrapper of their own.
EXTRACT_PAGE = "crawler.workers.process.extract_page"


def warm_up() -> int:
    """Import the extraction stack once in a fresh worker (first pages are not slower)."""
    import datasketch  # noqa: F401  (imported lazily by crawler.fingerprint)

    import crawler.extraction
    import crawler.fingerprint  # noqa: F401

    return os.getpid()


def extract_page(body: bytes, options: ExtractOptions) -> ExtractionResult:
    """Run in a worker: extract one page and fingerprint its body (the only place the
    fingerprint is computed)."""
    from crawler.extraction import extract
    from crawler.fingerprint import fingerprint

    started, cpu_started = time.perf_counter(), time.process_time()
    result = extract(body, options)
    if result.ok and result.text:
        result.content_hash, result.minhash = fingerprint(result.text)
    result.ms = (time.perf_counter() - started) * 1000.0
    result.cpu_ms = (time.process_time() - cpu_started) * 1000.0
    return result


def failed(reason: str, url: str) -> ExtractionResult:
    return ExtractionResult.failed(reason, url)


def serve(sock: socket.socket, target: str = EXTRACT_PAGE) -> None:
    """A worker's main loop: read a pickled page, extract it with the function named by
    ``target`` (a dotted path), answer; stop at end of stream."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawler's to handle
    warm_up()
    extract = load_object(target)
    while True:
        header = recv_exact(sock, HEADER)
        if header is None:
            return
        payload = recv_exact(sock, int.from_bytes(header, "big"))
        if payload is None:
            return
        args = pickle.loads(payload)
        try:
            data = extract(*args)
        except Exception as exc:  # extract() reports bad pages itself; this is a bug
            data = failed(f"error_{type(exc).__name__}", args[1].url)
        sock.sendall(frame(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)))


def mp_context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, never a fork of the reactor process.

    ``forkserver`` (where available) forks workers from a small server process that has
    imported the extraction stack once, and unlike ``spawn`` it does not re-run the main
    script in each worker, so it works from ``python -`` and notebooks too.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawler.workers.process", "crawler.extraction",
                                    "crawler.fingerprint", "datasketch"])
        return ctx
    return multiprocessing.get_context("spawn")
