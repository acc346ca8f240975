"""Stopping local servers however this process ends: atexit, SIGTERM/SIGINT, parent death.

Every running :class:`~crawler.loopback.process.LoopbackServer` that is not detached is
tracked here (:func:`track`) and closed at interpreter exit or on SIGTERM/SIGINT (chaining to
the handlers that were there before); on Linux the child also gets SIGTERM when the process
that started it dies (:func:`parent_death_signal`).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.loopback.process import LoopbackServer

_ACTIVE: set[LoopbackServer] = set()
_ACTIVE_LOCK = threading.RLock()
_PREVIOUS_HANDLERS: dict[int, Any] = {}
_ATEXIT_INSTALLED = False
_SIGNALS_INSTALLED = False


def track(server: LoopbackServer) -> None:
    """Stop ``server`` at interpreter exit or on SIGTERM/SIGINT (until :func:`untrack`)."""
    with _ACTIVE_LOCK:
        _ACTIVE.add(server)
    _install_hooks()


def untrack(server: LoopbackServer) -> None:
    """Leave ``server`` alone at exit (closed already, or detached on purpose)."""
    with _ACTIVE_LOCK:
        _ACTIVE.discard(server)


def _close_all() -> None:
    with _ACTIVE_LOCK:
        servers = list(_ACTIVE)
    for srv in servers:
        with contextlib.suppress(Exception):
            srv.close()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _close_all()
    previous = _PREVIOUS_HANDLERS.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _install_hooks() -> None:
    """atexit always; SIGTERM/SIGINT handlers (chaining to the previous ones) once this
    runs in the main thread (only that thread may set signal handlers)."""
    global _ATEXIT_INSTALLED, _SIGNALS_INSTALLED
    if not _ATEXIT_INSTALLED:
        _ATEXIT_INSTALLED = True
        atexit.register(_close_all)
    if _SIGNALS_INSTALLED or threading.current_thread() is not threading.main_thread():
        return
    _SIGNALS_INSTALLED = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous is None:  # set from C code: leave it alone
            continue
        _PREVIOUS_HANDLERS[signum] = previous
        signal.signal(signum, _on_signal)


def parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child get SIGTERM when this process dies (Linux only).

    The kernel sends it when the *thread* that started the child ends, so it is used only
    for servers started from the main thread; atexit covers the others.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)
