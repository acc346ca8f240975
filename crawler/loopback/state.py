"""The state file of a detached server: found, reached and stopped from another process."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import signal
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from crawler.loopback.cleanup import signal_group

logger = logging.getLogger(__name__)


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
