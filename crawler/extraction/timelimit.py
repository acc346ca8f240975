"""Guards that keep one pathological page from holding a worker."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class ExtractionTimeout(Exception):
    """The wall-clock limit of one extraction was reached."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise ExtractionTimeout()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`ExtractionTimeout` after ``seconds`` of wall-clock time.

    Uses ``SIGALRM``, so it only acts in a process's main thread (and not on Windows);
    elsewhere it does nothing and the caller's worker pool enforces its own hard limit.
    An interval timer set by someone else (e.g. a test-timeout plugin) is honoured: it is
    re-armed with its remaining time afterwards, and if it would fire first, ours is not set.
    """
    usable = (
        seconds and seconds > 0 and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    outer = signal.getitimer(signal.ITIMER_REAL) if usable else (0.0, 0.0)
    if not usable or (outer[0] and outer[0] <= seconds):
        yield
        return
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer[0]:
            remaining = outer[0] - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001), outer[1])
