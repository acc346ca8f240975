"""Run a server binary on a free loopback port with its files in a temp dir, stop it after.

The piece every local server shares (the database's, ``crawler.storage.server``; any other
a crawl or its tests need): subclass :class:`LoopbackServer` with ``kind``, the
:meth:`~LoopbackServer.command` line for a port and a data dir, and
:meth:`~LoopbackServer.answers` (is it ready?).  Then::

    with MyServer("/usr/bin/my-server") as srv:   # free port, temp dir, waits until ready
        use(srv.address)                           # "127.0.0.1:PORT"

A server started here is always stopped again: by the context manager, at interpreter exit
(``atexit``), on SIGTERM/SIGINT, and (Linux) when the starting process dies.  It runs in its
own process group, which is what gets signalled.  ``stop()`` keeps the data dir so that
``start()`` brings the same server back on the same port; ``close()`` also removes the dir.
``detach()`` leaves it running; its :class:`ServerState`, written to a *state file*
(:func:`write_state`), lets another process find it (:func:`recorded_server`) and stop it.

Modules: :mod:`~crawler.loopback.process` (the server process), :mod:`~crawler.loopback.cleanup`
(stopping it however this process ends), :mod:`~crawler.loopback.state` (the state file).
The names below are the package's interface.
"""

from crawler.loopback.cleanup import signal_group
from crawler.loopback.process import (
    LOOPBACK,
    LoopbackServer,
    PortInUse,
    StartError,
    free_port,
    tail,
)
from crawler.loopback.state import (
    ServerState,
    read_state,
    recorded_server,
    state_lock,
    write_state,
)

__all__ = [
    "LOOPBACK",
    "LoopbackServer",
    "PortInUse",
    "ServerState",
    "StartError",
    "free_port",
    "read_state",
    "recorded_server",
    "signal_group",
    "state_lock",
    "tail",
    "write_state",
]
