"""A server binary run on a free loopback port, in its own process group, files in a temp dir.

:class:`LoopbackServer` starts the binary (retrying on another port when one was taken
meanwhile), waits until it answers, and stops, kills, closes or detaches it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

import psutil

from crawler.loopback import cleanup
from crawler.loopback.state import ServerState

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
            cleanup.track(self)
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
        preexec = None if self.detached else cleanup.parent_death_signal()
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
        cleanup.signal_group(proc.pid, signum)
        try:
            proc.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            logger.warning("%s (pid %d) ignored SIGTERM; killing it", self.kind, proc.pid)
            cleanup.signal_group(proc.pid, signal.SIGKILL)
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
        cleanup.untrack(self)
        if self._owns_data_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def detach(self) -> ServerState:
        """Leave the running server alone at exit; return what is needed to find it again."""
        if not self.running or self.port is None or self.data_dir is None:
            raise RuntimeError("only a running server can be detached")
        cleanup.untrack(self)
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
