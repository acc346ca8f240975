"""CPU time of coroutines, for the per-stage figures of the benchmark.

Wall time of a pipeline is mostly time spent waiting for the reactor to come back to it;
what the pipelines cost is the CPU they use.  :func:`cpu_timed` drives a coroutine step by
step and adds the thread CPU time of each step, so waits (a thread hop, back-pressure) are
left out.  :class:`CpuTimedPipelineManager` (the ``ITEM_PROCESSOR``) does it for the whole
pipeline chain and keeps the total in ``pipelines/cpu_ms``, with the chain's wall time (waits
included) in ``timing/pipeline_ms``; a reader divides by ``item_scraped_count``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, TypeVar

from scrapy.pipelines import ItemPipelineManager

T = TypeVar("T")


class _CpuTimed(Awaitable[T]):
    __slots__ = ("_add", "_coro")

    def __init__(self, coro: Coroutine[Any, Any, T], add: Callable[[float], None]) -> None:
        self._coro = coro
        self._add = add

    def __await__(self) -> Generator[Any, Any, T]:
        coro, add = self._coro, self._add
        value: Any = None
        error: BaseException | None = None
        while True:
            started = time.thread_time()
            try:
                yielded = coro.send(value) if error is None else coro.throw(error)
            except StopIteration as stop:
                return stop.value
            finally:
                add(time.thread_time() - started)
            try:
                value, error = (yield yielded), None
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # thrown into the awaiting task: pass it on
                value, error = None, exc


def cpu_timed(coro: Coroutine[Any, Any, T], add: Callable[[float], None]) -> Awaitable[T]:
    """Await ``coro``, calling ``add(seconds)`` with the thread CPU time of each step."""
    return _CpuTimed(coro, add)


class CpuTimedPipelineManager(ItemPipelineManager):
    """Scrapy's pipeline manager, adding the pipelines' CPU and wall time to the stats."""

    def _inc(self, key: str, seconds: float) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, seconds * 1000.0)

    def _add(self, seconds: float) -> None:
        self._inc("pipelines/cpu_ms", seconds)

    async def process_item_async(self, item: Any) -> Any:
        started = time.perf_counter()
        try:
            return await cpu_timed(super().process_item_async(item), self._add)
        finally:
            self._inc("timing/pipeline_ms", time.perf_counter() - started)
