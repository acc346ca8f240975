"""``cpu_timed``: counts a coroutine's own CPU time, not its waits; results pass through."""

from __future__ import annotations

import asyncio
import time

import pytest

from crawler.itemprocessor import cpu_timed


def _spin(seconds: float) -> None:
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        pass


async def _work() -> int:
    _spin(0.05)
    await asyncio.sleep(0.3)
    _spin(0.05)
    return 42


def test_counts_the_steps_cpu_but_not_the_wait_between_them():
    steps: list[float] = []
    assert asyncio.run(_consume(cpu_timed(_work(), steps.append))) == 42
    assert len(steps) == 2
    assert 0.1 <= sum(steps) < 0.3


async def _consume(awaitable):
    return await awaitable


def test_exceptions_and_cancellation_reach_the_caller():
    async def failing() -> None:
        await asyncio.sleep(0)
        raise ValueError("bad item")

    steps: list[float] = []
    with pytest.raises(ValueError, match="bad item"):
        asyncio.run(_consume(cpu_timed(failing(), steps.append)))

    async def cancel_midway() -> bool:
        task = asyncio.ensure_future(_consume(cpu_timed(_work(), steps.append)))
        await asyncio.sleep(0.1)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return True
        return False

    assert asyncio.run(cancel_midway())
