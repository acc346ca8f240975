"""The crawler's end of one extraction worker: its process and a non-blocking socket pair."""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import socket
from typing import TYPE_CHECKING

from crawler.extraction.result import ExtractionResult
from crawler.workers.process import serve
from crawler.workers.protocol import HEADER, frame

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess


class WorkerDied(Exception):
    """The worker's end of the socket closed while it was working on this page."""


class WorkerGone(Exception):
    """The worker died or was killed before this page's turn: worth another worker."""


class Worker:
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
                await loop.sock_sendall(self.sock, frame(payload))
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
        header = await self._recv(loop, HEADER)
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
