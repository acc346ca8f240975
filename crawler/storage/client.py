"""Connecting to MongoDB: URI resolution, credential redaction, server capabilities.

``connect()`` takes the URI from its argument, else ``MONGO_URI``, else the server that
``newscrawl db start`` recorded, and checks it with ``ping`` so that an unreachable server
fails at once with one clear message.  Every message goes through ``redact_uri``.
``capabilities()`` tells code what the server can do, so that it can degrade on FerretDB
(see ``docs/ferretdb.md``) instead of failing.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

import pymongo
from pymongo.database import Database
from pymongo.errors import ConfigurationError, ConnectionFailure, PyMongoError

from crawler import settings
from crawler.storage import server

logger = logging.getLogger(__name__)

# Query options of a connection string that carry secrets.
_SECRET_OPTIONS = re.compile(
    r"(?i)([?&;](?:password|tlsCertificateKeyFilePassword|sslPEMKeyPassword"
    r"|authMechanismProperties)=)[^&;#]*"
)


class DatabaseUnavailable(ConnectionFailure):
    """No database to connect to, or it does not answer; the message says what to do."""


def redact_uri(uri: str) -> str:
    """``uri`` without credentials: ``user:password@`` becomes ``***@``, secret options ``***``.

    Errs on the side of hiding: an ``@`` in an unescaped password hides up to the last one.
    """
    if not uri:
        return uri
    scheme = uri.find("://")
    start = scheme + 3 if scheme >= 0 else 0
    first_at = uri.find("@", start)
    if first_at >= 0:
        end = len(uri)
        for sep in "/?":
            pos = uri.find(sep, first_at)
            if pos >= 0:
                end = min(end, pos)
        at = uri.rfind("@", start, end)
        uri = f"{uri[:start]}***@{uri[at + 1 :]}"
    return _SECRET_OPTIONS.sub(r"\1***", uri)


def _scrub(text: str, uri: str) -> str:
    """Remove the secrets of ``uri`` from ``text`` (e.g. a driver's error message)."""
    redacted = redact_uri(uri)
    text = text.replace(uri, redacted)
    scheme = uri.find("://")
    start = scheme + 3 if scheme >= 0 else 0
    userinfo = uri[start:].rpartition("@")[0].split("/")[0] if "@" in uri[start:] else ""
    for secret in {userinfo, userinfo.partition(":")[2]} - {""}:
        text = text.replace(secret, "***")
    return text


def _short_error(text: str) -> str:
    """The first clause of a driver error, without its topology description."""
    text = re.split(r" \(configured timeouts|, Timeout: ", text.splitlines()[0] if text else "")[0]
    return text[:300]


def resolve_uri(uri: str | None = None) -> str:
    """``uri``, else ``MONGO_URI``, else the running server of ``newscrawl db start``."""
    if uri:
        return uri
    env = os.environ.get("MONGO_URI", "")
    if env:
        return env
    recorded = server.recorded_server()
    if recorded is not None:
        return recorded.uri
    raise DatabaseUnavailable(
        "No database configured: MONGO_URI is not set and no local server runs. Either set "
        "MONGO_URI=mongodb://HOST:27017/ (`docker compose up -d mongo` gives one on "
        "127.0.0.1:27017), or run `newscrawl db start` to start a local server."
    )


def database_name(uri: str, database: str | None = None) -> str:
    """``database``, else ``MONGO_DATABASE``, else the URI's path, else the settings default."""
    if database:
        return database
    env = os.environ.get("MONGO_DATABASE", "")
    if env:
        return env
    try:
        from_uri = pymongo.uri_parser.parse_uri(uri).get("database")
    except (PyMongoError, ValueError):
        from_uri = None
    return from_uri or settings.MONGO_DATABASE or "newscrawl"


def connect(
    uri: str | None = None,
    database: str | None = None,
    *,
    timeout_ms: int | None = None,
    **client_options: Any,
) -> tuple[pymongo.MongoClient, Database]:
    """A client and database on a server that answered ``ping``.

    Raises :class:`DatabaseUnavailable` (with the URI redacted) when there is no server
    configured, the URI is invalid, or the server cannot be reached within ``timeout_ms``.
    """
    uri = resolve_uri(uri)
    timeout_ms = int(timeout_ms or server.setting("NEWSCRAWL_DB_CONNECT_TIMEOUT_MS"))
    options: dict[str, Any] = {
        "serverSelectionTimeoutMS": timeout_ms,
        "connectTimeoutMS": timeout_ms,
        # A server that hangs (rather than dies) becomes a timeout the writer retries.
        "socketTimeoutMS": int(server.setting("NEWSCRAWL_DB_SOCKET_TIMEOUT_MS")),
        "appname": "newscrawl",
        "tz_aware": True,
    }
    options.update(client_options)
    try:
        client: pymongo.MongoClient = pymongo.MongoClient(uri, **options)
    except (ConfigurationError, ValueError) as exc:
        raise DatabaseUnavailable(
            f"Invalid MongoDB URI {redact_uri(uri)}: {_scrub(str(exc), uri)}"
        ) from None
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        client.close()
        raise DatabaseUnavailable(
            f"Cannot reach MongoDB at {redact_uri(uri)} within {timeout_ms} ms "
            f"({type(exc).__name__}: {_short_error(_scrub(str(exc), uri))}). "
            "Is the server running? Check MONGO_URI, `newscrawl db status`, or start one with "
            "`newscrawl db start` / `docker compose up -d mongo`."
        ) from None
    return client, client[database_name(uri, database)]


@dataclass(frozen=True)
class ServerCapabilities:
    """What the connected server supports; code checks these instead of server names."""

    version: str
    is_ferretdb: bool = False
    ferretdb_version: str = ""
    replica_set: bool = False
    text_index: bool = True
    lookup: bool = True
    graph_lookup: bool = True
    facet: bool = True
    partial_index: bool = True
    sparse_index: bool = True
    ttl_index: bool = True
    collation: bool = True
    transactions: bool = False
    change_streams: bool = False
    # An ``_id`` lookup is answered from an index.  FerretDB 1.24 (SQLite) scans instead:
    # it pushes a lone ``{_id: <string or ObjectId>}`` filter down to SQLite with a path
    # expression its own ``_id`` index does not match, and evaluates every other filter,
    # ``$in`` included, itself on every decoded document (docs/ferretdb.md).
    id_index: bool = True

    FEATURES = (
        "text_index",
        "lookup",
        "graph_lookup",
        "facet",
        "partial_index",
        "sparse_index",
        "ttl_index",
        "collation",
        "transactions",
        "change_streams",
        "id_index",
    )

    @property
    def degraded(self) -> list[str]:
        """Names of the features this server lacks."""
        return [name for name in self.FEATURES if not getattr(self, name)]

    @classmethod
    def from_server_info(
        cls, build_info: dict[str, Any], hello: dict[str, Any]
    ) -> ServerCapabilities:
        version = str(build_info.get("version", ""))
        replicated = bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"
        if "ferretdbVersion" in build_info:
            # FerretDB 1.x on SQLite/PostgreSQL: see docs/ferretdb.md.
            return cls(
                version=version,
                is_ferretdb=True,
                ferretdb_version=str(build_info["ferretdbVersion"]),
                replica_set=False,
                text_index=False,
                lookup=False,
                graph_lookup=False,
                facet=False,
                partial_index=False,
                sparse_index=False,
                ttl_index=False,
                collation=False,
                transactions=False,
                change_streams=False,
                id_index=False,
            )
        # MongoDB: transactions and change streams need a replica set or mongos.
        return cls(
            version=version,
            replica_set=replicated,
            transactions=replicated,
            change_streams=replicated,
        )


_LOGGED: set[tuple[Any, ...]] = set()
_LOGGED_LOCK = threading.Lock()


def capabilities(db: Database | pymongo.MongoClient) -> ServerCapabilities:
    """Detect the server's capabilities (``buildInfo`` + ``hello``); log what is degraded.

    The INFO line naming the missing features is logged once per server address.
    """
    client = db.client if isinstance(db, Database) else db
    caps = ServerCapabilities.from_server_info(
        client.admin.command("buildInfo"), client.admin.command("hello")
    )
    key = tuple(sorted(client.nodes)) or (id(client),)
    with _LOGGED_LOCK:
        first = key not in _LOGGED
        _LOGGED.add(key)
    if first and caps.degraded:
        server_name = (
            f"FerretDB {caps.ferretdb_version} (MongoDB {caps.version} wire)"
            if caps.is_ferretdb
            else f"MongoDB {caps.version}{'' if caps.replica_set else ' standalone'}"
        )
        logger.info(
            "%s lacks %s; newscrawl degrades these (docs/ferretdb.md)",
            server_name,
            ", ".join(caps.degraded),
        )
    return caps
