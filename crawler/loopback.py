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

One module of about 450 lines: the process, its clean-up hooks and its state file are the
one piece every local server reuses, and none of them is used without the others.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Self

import psutil

logger = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class StartError(RuntimeError):
    """The binary did not start, or did not answer within the start timeout."""


class PortInUse(StartError):
    """The server could not bind its port (another process took it first)."""


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def tail(path: Path | None, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file (for error messages)."""
    if path is None or not path.is_file():
        return ""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 16384))
        text = fh.read().decode("utf-8", "replace")
    return "\n".join(text.strip().splitlines()[-lines:])


_ACTIVE: set[LoopbackServer] = set()
_ACTIVE_LOCK = threading.RLock()
_PREVIOUS_HANDLERS: dict[int, Any] = {}
_ATEXIT_INSTALLED = False
_SIGNALS_INSTALLED = False


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


def _parent_death_signal() -> Callable[[], None] | None:
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


# --- the server process ----------------------------------------------------------------


class LoopbackServer:
    """A server binary run here on loopback, in its own process group, with its files in a
    temp dir.  Subclasses give ``kind``, :meth:`command` and :meth:`answers`."""

    kind: str = "server"
    log_name = "server.log"
    # Raised when the binary does not start (a subclass may raise its own kind of error).
    start_error: type[StartError] = StartError

    def __init__(
        self,
        binary: str | os.PathLike[str],
        *,
        port: int | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        start_timeout: float | None = None,
        stop_timeout: float | None = None,
        detached: bool = False,
    ) -> None:
        self.binary = Path(binary)
        self.port = port
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._owns_data_dir = data_dir is None
        self.start_timeout = float(start_timeout or 30)
        self.stop_timeout = float(stop_timeout or 10)
        self.detached = detached
        self._proc: subprocess.Popen[bytes] | None = None

    def command(self, port: int, data: Path) -> list[str]:
        """The command line; ``data`` is a directory for the server's files (it exists)."""
        raise NotImplementedError

    def answers(self, port: int) -> bool:
        """Whether the server started on ``port`` answers (e.g. a ping); polled at start."""
        raise NotImplementedError

    @property
    def address(self) -> str:
        if self.port is None:
            raise RuntimeError("the server has not been started yet")
        return f"{LOOPBACK}:{self.port}"

    @property
    def uri(self) -> str:
        """How clients reach it (subclasses give their scheme)."""
        return self.address

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path | None:
        return self.data_dir / self.log_name if self.data_dir is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.running else "stopped"
        return f"<{type(self).__name__} port={self.port} {state} dir={self.data_dir}>"

    def start(self) -> Self:
        """Start (or restart, on the same port and data dir) and wait until it answers."""
        if self.running:
            return self
        first_start = self.data_dir is None
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix=f"newscrawl-{self.kind}-"))
        (self.data_dir / "data").mkdir(parents=True, exist_ok=True)
        try:
            self.port = self._start_on_a_port()
        except StartError as exc:
            if not (first_start and self._owns_data_dir):
                raise
            raise type(exc)(self._discard_failed_start(str(exc))) from None
        if not self.detached:
            with _ACTIVE_LOCK:
                _ACTIVE.add(self)
            _install_hooks()
        logger.info("started %s on %s (pid %s, log %s)", self.kind, self.address, self.pid,
                    self.log_path)
        return self

    def _start_on_a_port(self) -> int:
        """Launch on ``self.port`` (a restart), or on a free port, retrying if it is taken."""
        fixed_port = self.port is not None
        for attempt in range(1 if fixed_port else 3):
            port = self.port if fixed_port else free_port()
            assert port is not None
            try:
                self._launch(port)
                self._wait_ready(port)
            except PortInUse as exc:
                if fixed_port or attempt == 2:
                    raise self.start_error(str(exc)) from None
                logger.debug("port %d was taken meanwhile; trying another one", port)
                continue
            return port
        raise AssertionError("unreachable")

    def failed_log_dir(self) -> Path | None:
        """Where the log of a server that never started is kept (None: not kept)."""
        return None

    def _discard_failed_start(self, message: str) -> str:
        """Remove the temp dir of a server that never ran, keeping its log if wanted."""
        assert self.data_dir is not None and self.log_path is not None
        log, keep = self.log_path, self.failed_log_dir()
        with contextlib.suppress(OSError):
            if keep is None:
                raise OSError
            kept = keep / f"{self.kind}-failed-start.log"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(log, kept)
            message = message.replace(str(log), str(kept))
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir = None
        return message

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FERRETDB_")}
        env["DO_NOT_TRACK"] = "1"
        return env

    def _launch(self, port: int) -> None:
        assert self.data_dir is not None and self.log_path is not None
        argv = self.command(port, self.data_dir / "data")
        preexec = None if self.detached else _parent_death_signal()
        with self.log_path.open("ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n".encode())
            log.flush()
            try:
                self._proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.data_dir,
                    env=self._environment(),
                    start_new_session=True,
                    close_fds=True,
                    preexec_fn=preexec,
                )
            except OSError as exc:
                raise self.start_error(f"cannot run {self.binary}: {exc}") from exc

    def _listening(self, port: int) -> bool:
        """Whether *our* process listens on ``port`` (not some other server that took it)."""
        assert self._proc is not None
        try:
            conns = psutil.Process(self._proc.pid).net_connections(kind="tcp")
        except psutil.AccessDenied:
            return True
        except psutil.NoSuchProcess:
            return False
        return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in conns)

    def _wait_ready(self, port: int) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            code = self._proc.poll()
            if code is not None:
                self._proc = None
                last = tail(self.log_path)
                in_use = "address already in use" in last.lower()
                raise (PortInUse if in_use else self.start_error)(
                    f"{self.kind} ({self.binary}) exited with code {code} while starting on "
                    f"{LOOPBACK}:{port}; log {self.log_path}:\n{last}"
                )
            if self._listening(port) and self.answers(port):
                return
            if time.monotonic() > deadline:
                self._terminate()
                raise self.start_error(
                    f"{self.kind} did not answer on {LOOPBACK}:{port} within "
                    f"{self.start_timeout:.0f} s; log {self.log_path}:\n{tail(self.log_path)}"
                )
            time.sleep(0.1)

    def _terminate(self, signum: int = signal.SIGTERM) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        signal_group(proc.pid, signum)
        try:
            proc.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            logger.warning("%s (pid %d) ignored SIGTERM; killing it", self.kind, proc.pid)
            signal_group(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        """Stop the process; a later ``start()`` brings it back on its port with its data."""
        self._terminate(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL (a crash)."""
        self._terminate(signal.SIGKILL)

    def close(self) -> None:
        """Stop and remove everything left behind.  A graceful stop waits for clients to go
        (FerretDB: 3 s); a temp dir's data is thrown away, so its server is killed."""
        self._terminate(signal.SIGKILL if self._owns_data_dir else signal.SIGTERM)
        with _ACTIVE_LOCK:
            _ACTIVE.discard(self)
        if self._owns_data_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def detach(self) -> ServerState:
        """Leave the running server alone at exit; return what is needed to find it again."""
        if not self.running or self.port is None or self.data_dir is None:
            raise RuntimeError("only a running server can be detached")
        with _ACTIVE_LOCK:
            _ACTIVE.discard(self)
        self._owns_data_dir = False
        assert self._proc is not None
        return ServerState(
            pid=self._proc.pid,
            port=self.port,
            kind=self.kind,
            uri=self.uri,
            data_dir=str(self.data_dir),
            log_path=str(self.log_path),
            binary=str(self.binary),
            started_at=time.time(),
        )


    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the state file ---------------------------------------------------------------------


@dataclass
class ServerState:
    """A detached server: enough to find it, reach it and stop it from another process
    (written to a state file by :func:`write_state`)."""

    pid: int
    port: int
    kind: str
    uri: str
    data_dir: str
    log_path: str
    binary: str
    started_at: float

    def alive(self) -> bool:
        """The recorded process still runs (and is ours, not a reused pid)."""
        try:
            proc = psutil.Process(self.pid)
            return proc.status() != psutil.STATUS_ZOMBIE and any(
                self.data_dir in part for part in proc.cmdline()
            )
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False

    def stop(self, timeout: float | None = None) -> None:
        """SIGTERM the server's process group, SIGKILL after ``timeout``; remove its dir."""
        timeout = float(timeout or 10)
        if self.alive():
            proc = psutil.Process(self.pid)
            signal_group(self.pid, signal.SIGTERM)
            _, alive = psutil.wait_procs([proc], timeout=timeout)
            if alive:
                signal_group(self.pid, signal.SIGKILL)
                psutil.wait_procs(alive, timeout=timeout)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def write_state(state: ServerState, path: Path) -> Path:
    """Record ``state`` in the JSON file ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(asdict(state), indent=2) + "\n")
    os.replace(tmp, path)
    return path


def read_state(path: Path) -> ServerState | None:
    try:
        return ServerState(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        logger.warning("ignoring unreadable server state %s: %s", path, exc)
        return None


def recorded_server(path: Path) -> ServerState | None:
    """The server recorded in ``path`` if it still runs, else None."""
    state = read_state(path)
    return state if state is not None and state.alive() else None


@contextlib.contextmanager
def state_lock(path: Path) -> Iterator[None]:
    """Serialise starting and stopping the server recorded in ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
