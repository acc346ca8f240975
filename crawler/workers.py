"""Extraction in worker processes, so CPU-bound parsing never stalls Scrapy's reactor.

:class:`ExtractionPool` keeps one process per worker, each connected to the crawler by a
socket pair that the reactor's event loop reads and writes directly: no helper threads in
the crawler process, so handing a page over costs one pickle and a few socket calls.
Workers come from a fork server (or ``spawn``): the reactor process is never forked.

The spider awaits :meth:`ExtractionPool.extract`.  Each worker has up to ``DEPTH`` pages
handed over, so it never waits for the event loop between pages.  A page that holds its
worker past ``NEWSCRAWL_WORKER_TIMEOUT`` gets the worker killed and replaced, a worker that
dies is replaced, and both count as a failed page while the crawl goes on; a page that was
only queued behind it is tried once more on another worker.  A worker is recycled
after ``NEWSCRAWL_WORKER_MAX_TASKS`` pages, which bounds its memory in long crawls.

One module of about 440 lines: the fork server, the socket protocol, the worker loop and the
pool's recovery (timeouts, crashes, retries) are one mechanism with shared invariants.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import threading
import time
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.extraction.options import ExtractOptions
from crawler.extraction.result import ExtractionResult
from crawler.itemprocessor import cpu_timed

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

_HEADER = 8  # bytes of the length prefix of each message
# What a worker runs per page (NEWSCRAWL_WORKER_EXTRACT): tests name a wrapper of their own.
EXTRACT_PAGE = "crawler.workers.extract_page"


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


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(_HEADER, "big") + data


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    """Blocking read of ``size`` bytes; None at end of stream."""
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buf)


def serve(sock: socket.socket, target: str = EXTRACT_PAGE) -> None:
    """A worker's main loop: read a pickled page, extract it with the function named by
    ``target`` (a dotted path), answer; stop at end of stream."""
    from scrapy.utils.misc import load_object

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawler's to handle
    warm_up()
    extract = load_object(target)
    while True:
        header = _recv_exact(sock, _HEADER)
        if header is None:
            return
        payload = _recv_exact(sock, int.from_bytes(header, "big"))
        if payload is None:
            return
        args = pickle.loads(payload)
        try:
            data = extract(*args)
        except Exception as exc:  # extract() reports bad pages itself; this is a bug
            data = failed(f"error_{type(exc).__name__}", args[1].url)
        sock.sendall(_frame(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)))


def mp_context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, never a fork of the reactor process.

    ``forkserver`` (where available) forks workers from a small server process that has
    imported the extraction stack once, and unlike ``spawn`` it does not re-run the main
    script in each worker, so it works from ``python -`` and notebooks too.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawler.workers", "crawler.extraction",
                                    "crawler.fingerprint", "datasketch"])
        return ctx
    return multiprocessing.get_context("spawn")


def worker_count(setting: int) -> int:
    return setting if setting > 0 else (os.cpu_count() or 1)


class WorkerDied(Exception):
    """The worker's end of the socket closed while it was working on this page."""


class WorkerGone(Exception):
    """The worker died or was killed before this page's turn: worth another worker."""


class PoolClosed(Exception):
    """The crawl is shutting down."""


# Pages handed to one worker at a time: the next one waits in the socket, so the worker starts
# it as soon as it answers the current one instead of idling until the event loop gets round
# to sending more.
DEPTH = 2


class _Worker:
    """One worker process and the crawler's (non-blocking) end of its socket pair.

    Pages are written in order under one lock and answers read in order under another, so
    each caller reads its own answer; the page timeout starts when the caller's turn to read
    comes, which is when the worker starts on its page.
    """

    def __init__(self, ctx: multiprocessing.context.BaseContext, target: str) -> None:
        ours, theirs = socket.socketpair()
        self.process: BaseProcess = ctx.Process(target=serve, args=(theirs, target),
                                                name="newscrawl-extract", daemon=True)
        try:
            self.process.start()
        finally:
            theirs.close()
        ours.setblocking(False)
        self.sock = ours
        self.tasks = 0  # pages handed over
        self.inflight = 0
        self.dead = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._locks: tuple[asyncio.Lock, asyncio.Lock]  # (send, receive), set by _bind

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # locks belong to one event loop
            self._loop = loop
            self._locks = (asyncio.Lock(), asyncio.Lock())
        return loop

    def _abandon(self) -> None:
        """Never reuse this worker; kill it now, which also fails a page still being
        written to it."""
        self.dead = True
        if self.process.is_alive():
            self.process.kill()

    async def call(self, payload: bytes, timeout: float) -> ExtractionResult:
        loop = self._bind()
        send_lock, recv_lock = self._locks
        async with send_lock:
            if self.dead:
                raise WorkerGone
            try:
                await loop.sock_sendall(self.sock, _frame(payload))
            except OSError as exc:
                self._abandon()
                raise WorkerGone from exc
        async with recv_lock:
            if self.dead:
                raise WorkerGone
            try:
                return await asyncio.wait_for(self._answer(loop), timeout)
            except BaseException:
                self._abandon()  # hung, died, or cancelled mid-answer
                raise

    async def _answer(self, loop: asyncio.AbstractEventLoop) -> ExtractionResult:
        header = await self._recv(loop, _HEADER)
        return pickle.loads(await self._recv(loop, int.from_bytes(header, "big")))

    async def _recv(self, loop: asyncio.AbstractEventLoop, size: int) -> bytearray:
        buf = bytearray(size)
        view, got = memoryview(buf), 0
        while got < size:
            try:
                n = await loop.sock_recv_into(self.sock, view[got:])
            except OSError as exc:
                raise WorkerDied from exc
            if n == 0:
                raise WorkerDied
            got += n
        return buf

    def exit_code(self) -> int | None:
        self.process.join(timeout=1)
        return self.process.exitcode

    def stop(self, kill: bool = False) -> None:
        """Close the socket (the worker then exits by itself); ``kill``: at once."""
        self.dead = True
        self.sock.close()
        if kill:
            self._abandon()
        self.process.join(timeout=1 if kill else 0)


class ExtractionPool:
    """Worker processes running :func:`extract_page`, owned by one crawler."""

    def __init__(self, workers: int, timeout: float, max_tasks: int,
                 stats: StatsCollector | None = None,
                 options: ExtractOptions | None = None, extract: str = EXTRACT_PAGE) -> None:
        self.workers = workers
        self.timeout = timeout
        self.max_tasks = max_tasks
        self.stats = stats
        self.options = options or ExtractOptions()  # each page's url/profile filled in
        self.extract_target = extract
        self._ctx = mp_context()
        self._all: list[_Worker] = []
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False
        self._crawler: Crawler | None = None
        self.started = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        s = crawler.settings
        pool = cls(worker_count(s.getint("NEWSCRAWL_WORKERS")),
                   s.getfloat("NEWSCRAWL_WORKER_TIMEOUT"),
                   s.getint("NEWSCRAWL_WORKER_MAX_TASKS"),
                   options=ExtractOptions.from_settings(s),
                   extract=s.get("NEWSCRAWL_WORKER_EXTRACT") or EXTRACT_PAGE)
        pool.prepare()
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        crawler.signals.connect(pool.bind_stats, signal=signals.spider_opened)
        pool._crawler = crawler
        return pool

    def bind_stats(self) -> None:
        """Stats exist once the crawl runs, not when the spider is built."""
        if self._crawler is not None:
            self.stats = self._crawler.stats
            self.stats.set_value("workers/count", self.workers)

    def _inc(self, key: str, count: float = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    # --- workers ------------------------------------------------------------------------
    def prepare(self) -> None:
        """Start the fork server in the background: it imports the extraction stack (about a
        second) while the crawl opens, so that starting the workers later does not block
        the reactor for that long."""
        if self._ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            threading.Thread(target=forkserver.ensure_running, name="newscrawl-forkserver",
                             daemon=True).start()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.extract_target)
        self._all.append(worker)
        self.started += 1
        self._inc("workers/started")
        return worker

    def start(self) -> None:
        """Start the workers now (they import the extraction stack) instead of on the
        first page."""
        while len(self._all) < self.workers and not self._closed:
            self._spawn()

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        if worker in self._all:
            self._all.remove(worker)
        worker.stop(kill=kill)

    def _usable(self, worker: _Worker) -> bool:
        return not worker.dead and (not self.max_tasks or worker.tasks < self.max_tasks)

    def _pick(self) -> _Worker | None:
        """The least busy worker with room for a page; replaces dead idle ones."""
        best = None
        for worker in list(self._all):
            if worker.inflight == 0 and (worker.dead or not worker.process.is_alive()):
                if not worker.dead:
                    logger.warning("idle extraction worker %s died (exit code %s); replaced",
                                   worker.process.pid, worker.exit_code())
                self._retire(worker)
                continue
            if self._usable(worker) and worker.inflight < DEPTH and (
                    best is None or worker.inflight < best.inflight):
                best = worker
        return best

    async def _acquire(self) -> _Worker:
        while True:
            if self._closed:
                raise PoolClosed
            worker = self._pick()
            if worker is None and len(self._all) < self.workers:
                worker = self._spawn()
            if worker is not None:
                worker.inflight += 1
                worker.tasks += 1
                return worker
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    def _release(self, worker: _Worker) -> None:
        """A page is done with ``worker``: retire it when it is dead or spent, and let a
        waiting page look for room."""
        worker.inflight -= 1
        if worker.inflight == 0 and not self._usable(worker):
            self._retire(worker, kill=worker.dead)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    # --- pages --------------------------------------------------------------------------
    async def extract(self, body: bytes, url: str, profile: SiteProfile | None,
                      content_type: str | None) -> ExtractionResult:
        """Extract one page in a worker; never raises for a bad page or a dead worker."""
        options = replace(self.options, url=url, profile=profile, content_type=content_type)
        result = await cpu_timed(self._extract(body, options), self._add_handoff)
        if result.ok:
            self._inc("extract/ok")
        elif profile is not None and profile.inferred and result.reason == "not_an_article":
            # Without a profile every page is judged: a listing is an answer, not a failure.
            self._inc("extract/judged_not_article")
        else:
            self._inc("extract/failed")
            self._inc(f"extract/failed/{result.reason or 'unknown'}")
        if result.ms:
            self._inc("extract/ms_total", round(result.ms, 3))
            self._inc("extract/pages_timed")
        if result.cpu_ms:
            self._inc("extract/cpu_ms_total", round(result.cpu_ms, 3))
        return result

    def _add_handoff(self, seconds: float) -> None:
        """CPU the crawler's own thread spends handing pages over and taking results back."""
        self._inc("extract/handoff_cpu_ms", seconds * 1000.0)

    async def _extract(self, body: bytes, options: ExtractOptions) -> ExtractionResult:
        url = options.url
        payload = pickle.dumps((body, options), protocol=pickle.HIGHEST_PROTOCOL)
        for attempt in range(2):
            try:
                worker = await self._acquire()
            except PoolClosed:
                return failed("shutdown", url)
            except OSError as exc:
                logger.error("could not start an extraction worker: %s", exc)
                return failed("pool_error", url)
            try:
                return await worker.call(payload, self.timeout)
            except WorkerGone:  # its worker died on an earlier page: one more try elsewhere
                if attempt == 0:
                    self._inc("extract/retried")
            except TimeoutError:
                logger.warning("extraction of %s exceeded %.0fs; worker replaced", url,
                               self.timeout)
                self._inc("extract/timeout")
                return failed("worker_timeout", url)
            except WorkerDied as exc:
                if self._closed:
                    return failed("shutdown", url)
                # Killed from outside (OOM killer, operator) or by this page: one more try
                # on a new worker tells them apart; a page that kills two fails.
                again = attempt == 0
                logger.warning("extraction worker died on %s (exit code %s, %r); worker "
                               "replaced%s", url, worker.exit_code(), exc,
                               ", page retried" if again else "")
                self._inc("extract/worker_crashed")
                if not again:
                    return failed("worker_crashed", url)
                self._inc("extract/retried")
            finally:
                self._release(worker)
        return failed("worker_crashed", url)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)  # the page then finds the pool closed
        self._waiters.clear()
        for worker in self._all:
            worker.stop()
        deadline = time.monotonic() + 5
        for worker in self._all:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=1)
        self._all.clear()
