"""The MongoDB-wire server for tests, the demo and the CLI: which one, and starting it.

Resolution order of :func:`resolve_server`:

1. ``MONGO_URI`` if set: nothing is started, the URI is just used;
2. a ``mongod`` on ``PATH``, started on a free loopback port with its data in a temp dir;
3. FerretDB (MongoDB wire protocol on SQLite), built once from source with the Go toolchain
   (``crawler.storage.ferretdb``) into ``<cache>/ferretdb/<version>/ferretdb`` and started
   like ``mongod``.

Starting, stopping and cleaning up after the process is ``crawler.loopback``'s job: a local
server here is a :class:`crawler.loopback.LoopbackServer` that answers MongoDB's ``ping``.
``newscrawl db start`` starts a *detached* server instead and records it in a state file
(:func:`write_state`) that :func:`recorded_server` and ``crawler.storage.client`` read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler import loopback, settings
from crawler.loopback import LOOPBACK, LoopbackServer, ServerState, StartError

logger = logging.getLogger(__name__)


class ServerUnavailable(RuntimeError):
    """No MongoDB-wire server could be had; the message says how to get one."""


class ServerStartError(ServerUnavailable, StartError):
    """A local server binary exists but did not start (or did not answer ``ping``)."""


class FerretDBBuildError(ServerUnavailable):
    """FerretDB could not be built; the message carries the end of the build output."""


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


class LocalServer(LoopbackServer, MongoServer):
    """A MongoDB-wire server process started here (see ``crawler.loopback``)."""

    start_error = ServerStartError

    def __init__(self, binary: str | os.PathLike[str], *, port: int | None = None,
                 data_dir: str | os.PathLike[str] | None = None,
                 start_timeout: float | None = None, stop_timeout: float | None = None,
                 detached: bool = False) -> None:
        super().__init__(
            binary, port=port, data_dir=data_dir, detached=detached,
            start_timeout=start_timeout or setting("NEWSCRAWL_DB_START_TIMEOUT"),
            stop_timeout=stop_timeout or setting("NEWSCRAWL_DB_STOP_TIMEOUT"))

    @property
    def uri(self) -> str:
        return f"mongodb://{self.address}/"

    def answers(self, port: int) -> bool:
        return ping(f"mongodb://{LOOPBACK}:{port}/", 1000)

    def failed_log_dir(self) -> Path | None:
        return cache_dir() / "logs"


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


# --- resolution -------------------------------------------------------------------------


def _unavailable_message(reasons: list[str], cache: Path | None) -> str:
    from crawler.storage.ferretdb import ferretdb_binary_path, ferretdb_version

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
    from crawler.storage.ferretdb import ferretdb_binary, ferretdb_version

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


def write_state(state: ServerState, path: Path | None = None) -> Path:
    return loopback.write_state(state, path or state_file())


def read_state(path: Path | None = None) -> ServerState | None:
    return loopback.read_state(path or state_file())


def recorded_server(path: Path | None = None) -> ServerState | None:
    """The server started by ``newscrawl db start`` if it still runs, else None."""
    return loopback.recorded_server(path or state_file())


@contextlib.contextmanager
def state_lock(path: Path | None = None) -> Iterator[None]:
    """Serialise ``newscrawl db start/stop`` on the state file."""
    with loopback.state_lock(path or state_file()):
        yield
