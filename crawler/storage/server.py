"""A MongoDB-wire server for tests, the demo and the CLI.

Resolution order of :func:`resolve_server`:

1. ``MONGO_URI`` if set: nothing is started, the URI is just used;
2. a ``mongod`` on ``PATH``, started on a free loopback port with its data in a temp dir;
3. FerretDB (MongoDB wire protocol on SQLite), built once from source with the Go toolchain
   into ``<cache>/ferretdb/<version>/ferretdb`` and started like ``mongod``.

A server started here is always stopped again: by the context manager, at interpreter exit
(``atexit``), on SIGTERM/SIGINT, and (Linux) when the starting process dies.  It runs in its
own process group, which is what gets signalled.  ``stop()`` keeps the data dir so that
``start()`` brings the same server back on the same port; ``close()`` also removes the dir.

``newscrawl db start`` starts a *detached* server instead and records it in a state file
(:func:`write_state`) that :func:`recorded_server` and ``crawler.storage.client`` read.
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
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

from crawler import settings

logger = logging.getLogger(__name__)

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
LOOPBACK = "127.0.0.1"
_LOG_TAIL_LINES = 15


class ServerUnavailable(RuntimeError):
    """No MongoDB-wire server could be had; the message says how to get one."""


class ServerStartError(ServerUnavailable):
    """A local server binary exists but did not start (or did not answer ``ping``)."""


class FerretDBBuildError(ServerUnavailable):
    """FerretDB could not be built; the message carries the end of the build output."""


class _PortInUse(ServerStartError):
    """The server could not bind its port (another process took it first)."""


# --- configuration ----------------------------------------------------------------------


def setting(name: str) -> Any:
    """A ``NEWSCRAWL_*`` default from ``crawler.settings``, overridden by the environment now."""
    default = getattr(settings, name)
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return type(default)(value) if isinstance(default, int | float) else value


def repository_root() -> Path | None:
    """The source checkout this package runs from, or None for an installed package."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def cache_dir() -> Path:
    """Where FerretDB is built and ``newscrawl db start`` records its server."""
    configured = setting("NEWSCRAWL_CACHE_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    root = repository_root()
    if root is not None:
        return root / ".cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newscrawl"


def state_file() -> Path:
    """The JSON file recording the server started by ``newscrawl db start``."""
    configured = setting("NEWSCRAWL_DB_STATE_FILE")
    if configured:
        return Path(configured).expanduser().resolve()
    return cache_dir() / "db" / "server.json"


def ferretdb_version() -> str:
    return str(setting("NEWSCRAWL_FERRETDB_VERSION"))


def ferretdb_binary_path(cache: Path | None = None, version: str | None = None) -> Path:
    """The cached FerretDB binary (it may not exist yet)."""
    return (cache or cache_dir()) / "ferretdb" / (version or ferretdb_version()) / "ferretdb"


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def ping(uri: str, timeout_ms: int = 2000) -> bool:
    """True when the server at ``uri`` answers ``ping`` within ``timeout_ms``."""
    import pymongo

    client: pymongo.MongoClient = pymongo.MongoClient(
        uri,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
        appname="newscrawl-ping",
    )
    try:
        client.admin.command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False
    finally:
        client.close()


def _tail(path: Path | None, lines: int = _LOG_TAIL_LINES) -> str:
    if path is None or not path.is_file():
        return ""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 16384))
        text = fh.read().decode("utf-8", "replace")
    return "\n".join(text.strip().splitlines()[-lines:])


# --- cleanup of what this process started -----------------------------------------------

_ACTIVE: set[LocalServer] = set()
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


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


# --- servers ----------------------------------------------------------------------------


class MongoServer:
    """A MongoDB-wire server: ``uri``, ``kind``, ``pid``, ``log_path``; start/stop/kill."""

    kind: str = ""

    @property
    def uri(self) -> str:
        raise NotImplementedError

    @property
    def pid(self) -> int | None:
        return None

    @property
    def log_path(self) -> Path | None:
        return None

    @property
    def running(self) -> bool:
        return True

    def start(self) -> MongoServer:
        return self

    def stop(self) -> None:
        """Stop the server process; a later ``start()`` brings it back with its data."""

    def kill(self) -> None:
        """Kill the server process with SIGKILL (simulates a crash)."""
        raise RuntimeError(f"a {self.kind} server was not started here and cannot be killed")

    def close(self) -> None:
        """Stop the server and remove everything it left behind."""

    def ping(self, timeout_ms: int = 2000) -> bool:
        return ping(self.uri, timeout_ms)

    def __enter__(self) -> MongoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class ExternalServer(MongoServer):
    """The server named by ``MONGO_URI``: used as is, never started or stopped here."""

    kind = "external"

    def __init__(self, uri: str) -> None:
        self._uri = uri

    @property
    def uri(self) -> str:
        return self._uri

    def __repr__(self) -> str:
        from crawler.storage.client import redact_uri

        return f"<ExternalServer {redact_uri(self._uri)}>"


class LocalServer(MongoServer):
    """A server process started here, in its own process group, on loopback."""

    log_name = "server.log"

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
        self.start_timeout = float(start_timeout or setting("NEWSCRAWL_DB_START_TIMEOUT"))
        self.stop_timeout = float(stop_timeout or setting("NEWSCRAWL_DB_STOP_TIMEOUT"))
        self.detached = detached
        self._proc: subprocess.Popen[bytes] | None = None

    # The command line; ``data`` is the data dir, created before the call.
    def command(self, port: int, data: Path) -> list[str]:
        raise NotImplementedError

    @property
    def uri(self) -> str:
        if self.port is None:
            raise RuntimeError("the server has not been started yet")
        return f"mongodb://{LOOPBACK}:{self.port}/"

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

    def start(self) -> LocalServer:
        """Start (or restart, on the same port and data dir) and wait until it answers."""
        if self.running:
            return self
        first_start = self.data_dir is None
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix=f"newscrawl-{self.kind}-"))
        (self.data_dir / "data").mkdir(parents=True, exist_ok=True)
        try:
            self.port = self._start_on_a_port()
        except ServerStartError as exc:
            if not (first_start and self._owns_data_dir):
                raise
            raise type(exc)(self._discard_failed_start(str(exc))) from None
        if not self.detached:
            with _ACTIVE_LOCK:
                _ACTIVE.add(self)
            _install_hooks()
        logger.info(
            "started %s on %s (pid %s, log %s)", self.kind, self.uri, self.pid, self.log_path
        )
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
            except _PortInUse:
                if fixed_port or attempt == 2:
                    raise
                logger.debug("port %d was taken meanwhile; trying another one", port)
                continue
            return port
        raise AssertionError("unreachable")

    def _discard_failed_start(self, message: str) -> str:
        """Remove the temp dir of a server that never ran, keeping its log in the cache."""
        assert self.data_dir is not None and self.log_path is not None
        log = self.log_path
        with contextlib.suppress(OSError):
            kept = cache_dir() / "logs" / f"{self.kind}-failed-start.log"
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
                raise ServerStartError(f"cannot run {self.binary}: {exc}") from exc

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
        uri = f"mongodb://{LOOPBACK}:{port}/"
        deadline = time.monotonic() + self.start_timeout
        while True:
            code = self._proc.poll()
            if code is not None:
                self._proc = None
                tail = _tail(self.log_path)
                error = _PortInUse if "address already in use" in tail.lower() else ServerStartError
                raise error(
                    f"{self.kind} ({self.binary}) exited with code {code} while starting on "
                    f"{LOOPBACK}:{port}; log {self.log_path}:\n{tail}"
                )
            if self._listening(port) and ping(uri, 1000):
                return
            if time.monotonic() > deadline:
                self._terminate()
                raise ServerStartError(
                    f"{self.kind} did not answer ping on {LOOPBACK}:{port} within "
                    f"{self.start_timeout:.0f} s; log {self.log_path}:\n{_tail(self.log_path)}"
                )
            time.sleep(0.1)

    def _terminate(self, signum: int = signal.SIGTERM) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        _signal_group(proc.pid, signum)
        try:
            proc.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            logger.warning("%s (pid %d) ignored SIGTERM; killing it", self.kind, proc.pid)
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        self._terminate(signal.SIGTERM)

    def kill(self) -> None:
        self._terminate(signal.SIGKILL)

    def close(self) -> None:
        # A graceful stop waits for clients to go (FerretDB: 3 s); the data is thrown away.
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


class FerretDBServer(LocalServer):
    """FerretDB with its SQLite backend; no telemetry, no debug HTTP listener."""

    kind = "ferretdb"
    log_name = "ferretdb.log"

    def command(self, port: int, data: Path) -> list[str]:
        assert self.data_dir is not None
        return [
            str(self.binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{data}/",
            f"--listen-addr={LOOPBACK}:{port}",
            f"--state-dir={self.data_dir}",
            "--debug-addr=-",
            "--telemetry=disable",
            "--log-level=warn",
        ]


class MongodServer(LocalServer):
    """A ``mongod`` from PATH, small cache, no unix socket, logging into the data dir."""

    kind = "mongod"
    log_name = "mongod.log"

    def command(self, port: int, data: Path) -> list[str]:
        return [
            str(self.binary),
            "--dbpath",
            str(data),
            "--bind_ip",
            LOOPBACK,
            "--port",
            str(port),
            "--logpath",
            str(self.log_path),
            "--logappend",
            "--nounixsocket",
            "--wiredTigerCacheSizeGB",
            "0.25",
        ]


# --- building FerretDB ------------------------------------------------------------------


def _run_logged(
    argv: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float
) -> str:
    """Run a build step, appending its output to ``log``; return its stdout."""
    with log.open("ab") as fh:
        fh.write(f"$ {' '.join(argv)}\n".encode())
        fh.flush()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=fh, start_new_session=True
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise FerretDBBuildError(
                f"`{' '.join(argv[:3])}` took longer than {timeout:.0f} s; log {log}"
            ) from None
        text = out.decode("utf-8", "replace")
        fh.write(out)
    if proc.returncode != 0:
        raise FerretDBBuildError(
            f"`{' '.join(argv[:3])}` failed with code {proc.returncode}; log {log}:\n{_tail(log)}"
        )
    return text


def _make_writable(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def build_ferretdb(
    *,
    cache: Path | None = None,
    version: str | None = None,
    force: bool = False,
    timeout: float | None = None,
) -> Path:
    """Build FerretDB from its Go module source into the cache and return the binary's path.

    ``go install ...@version`` builds a binary that panics at start: the module zip lacks
    the generated ``build/version/version.txt``.  So: download the module source, copy it,
    write that file, ``go build``.  A lock file serialises concurrent callers; the binary is
    renamed into place only once it reports the right version.
    """
    version = version or ferretdb_version()
    target = ferretdb_binary_path(cache, version)
    go = shutil.which("go")
    if go is None:
        raise FerretDBBuildError("the Go toolchain (`go`) is not on PATH")
    timeout = float(timeout or setting("NEWSCRAWL_FERRETDB_BUILD_TIMEOUT"))
    target.parent.mkdir(parents=True, exist_ok=True)
    log = target.parent / "build.log"
    with (target.parent / ".build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a concurrent build finishes first
        if target.is_file() and not force:
            return target
        log.write_bytes(b"")
        logger.info("building FerretDB %s into %s (once; about a minute)", version, target)
        env = dict(os.environ, CGO_ENABLED="0")
        with tempfile.TemporaryDirectory(prefix="newscrawl-ferretdb-build-") as tmp:
            info = json.loads(
                _run_logged(
                    [go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{version}"],
                    cwd=Path(tmp),
                    env=env,
                    log=log,
                    timeout=timeout,
                )
            )
            if not info.get("Dir"):
                raise FerretDBBuildError(f"`go mod download` gave no source dir: {info}")
            src = Path(tmp) / "src"
            shutil.copytree(info["Dir"], src, symlinks=True)
            _make_writable(src)
            (src / "build" / "version").mkdir(parents=True, exist_ok=True)
            (src / "build" / "version" / "version.txt").write_text(f"{version}\n")
            partial = target.with_name(f".ferretdb.{os.getpid()}.partial")
            try:
                build = [go, "build", "-buildvcs=false", "-trimpath", "-o", str(partial)]
                _run_logged(
                    [*build, "./cmd/ferretdb"],
                    cwd=src,
                    env=env,
                    log=log,
                    timeout=timeout,
                )
                reported = _run_logged(
                    [str(partial), "--version"], cwd=Path(tmp), env=env, log=log, timeout=60
                )
                if version not in reported:
                    raise FerretDBBuildError(
                        f"the built binary reports {reported.strip()!r}, not {version}; log {log}"
                    )
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
    logger.info("built %s", target)
    return target


def ferretdb_binary(cache: Path | None = None, *, build: bool = True) -> Path:
    """The cached FerretDB binary, built first if it is missing and ``build`` is true."""
    target = ferretdb_binary_path(cache)
    if target.is_file() and os.access(target, os.X_OK):
        return target
    if not build:
        raise FerretDBBuildError(f"FerretDB is not built ({target} is missing)")
    return build_ferretdb(cache=cache)


# --- resolution -------------------------------------------------------------------------


def _unavailable_message(reasons: list[str], cache: Path | None) -> str:
    lines = ["No MongoDB-wire server is available:"]
    lines += [f"  - {reason}" for reason in reasons]
    lines += [
        "Fix it in one of three ways:",
        "  1. set MONGO_URI to a running MongoDB, e.g. MONGO_URI=mongodb://127.0.0.1:27017/ "
        "(`docker compose up -d mongo` starts one);",
        "  2. put a `mongod` binary (MongoDB server) on PATH; it is started on a free loopback "
        "port;",
        f"  3. install the Go toolchain (`go` on PATH) so that FerretDB {ferretdb_version()} "
        f"can be built once into {ferretdb_binary_path(cache)} (`newscrawl db build`).",
    ]
    return "\n".join(lines)


def local_server(
    *,
    kinds: tuple[str, ...] = ("mongod", "ferretdb"),
    cache: Path | None = None,
    build: bool = True,
    start_timeout: float | None = None,
    detached: bool = False,
) -> LocalServer:
    """Start the first local server that works: ``mongod`` on PATH, then FerretDB."""
    reasons: list[str] = []
    if "mongod" in kinds:
        mongod = shutil.which("mongod")
        if mongod is None:
            reasons.append("mongod: not on PATH")
        else:
            try:
                return MongodServer(mongod, start_timeout=start_timeout, detached=detached).start()
            except ServerStartError as exc:
                logger.warning("mongod did not start; trying FerretDB: %s", exc)
                reasons.append(f"mongod ({mongod}): {exc}")
    if "ferretdb" in kinds:
        try:
            binary = ferretdb_binary(cache, build=build)
            return FerretDBServer(binary, start_timeout=start_timeout, detached=detached).start()
        except ServerUnavailable as exc:
            reasons.append(f"FerretDB {ferretdb_version()}: {exc}")
    raise ServerUnavailable(_unavailable_message(reasons, cache))


def resolve_server(
    uri: str | None = None,
    *,
    allow_external: bool = True,
    kinds: tuple[str, ...] = ("mongod", "ferretdb"),
    cache: Path | None = None,
    build: bool = True,
    start_timeout: float | None = None,
) -> MongoServer:
    """``uri`` or ``MONGO_URI`` if set, else a started local server (see the module doc).

    Use it as a context manager so that what was started is stopped and removed again.
    """
    if allow_external:
        uri = uri if uri is not None else os.environ.get("MONGO_URI", "")
        if uri:
            return ExternalServer(uri)
    return local_server(kinds=kinds, cache=cache, build=build, start_timeout=start_timeout)


# --- the server recorded by `newscrawl db start` ----------------------------------------


@dataclass
class ServerState:
    """A detached server: enough to find it, ping it and stop it from another process."""

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
        timeout = float(timeout or setting("NEWSCRAWL_DB_STOP_TIMEOUT"))
        if self.alive():
            proc = psutil.Process(self.pid)
            _signal_group(self.pid, signal.SIGTERM)
            _, alive = psutil.wait_procs([proc], timeout=timeout)
            if alive:
                _signal_group(self.pid, signal.SIGKILL)
                psutil.wait_procs(alive, timeout=timeout)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def write_state(state: ServerState, path: Path | None = None) -> Path:
    path = path or state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(asdict(state), indent=2) + "\n")
    os.replace(tmp, path)
    return path


def read_state(path: Path | None = None) -> ServerState | None:
    path = path or state_file()
    try:
        return ServerState(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        logger.warning("ignoring unreadable server state %s: %s", path, exc)
        return None


def recorded_server(path: Path | None = None) -> ServerState | None:
    """The server started by ``newscrawl db start`` if it still runs, else None."""
    state = read_state(path)
    return state if state is not None and state.alive() else None


@contextlib.contextmanager
def state_lock(path: Path | None = None) -> Iterator[None]:
    """Serialise ``newscrawl db start/stop`` on the state file."""
    path = path or state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
