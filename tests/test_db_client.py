"""Connecting to the database: round trip, URI resolution, redaction, capabilities."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pymongo
import pytest
from pymongo import TEXT
from pymongo.collation import Collation
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, OperationFailure

from crawler.loopback import ServerState, free_port
from crawler.storage import client as client_mod
from crawler.storage.client import (
    DatabaseUnavailable,
    ServerCapabilities,
    capabilities,
    connect,
    database_name,
    redact_uri,
)
from crawler.storage.server import write_state


def test_round_trip(mongo_server) -> None:
    name = f"test_{uuid.uuid4().hex[:12]}"
    client, db = connect(mongo_server.uri, name)
    try:
        assert db.name == name
        articles = db.articles
        articles.create_index("canonical_url", unique=True, name="canonical_url")
        articles.insert_one({"_id": "a1", "canonical_url": "https://x.test/1/", "title": "One"})
        with pytest.raises(DuplicateKeyError):
            articles.insert_one({"_id": "a2", "canonical_url": "https://x.test/1/"})
        first = articles.update_one(
            {"canonical_url": "https://x.test/2/"},
            {"$set": {"title": "Two"}, "$setOnInsert": {"_id": "a3"}},
            upsert=True,
        )
        assert first.upserted_id == "a3"
        again = articles.update_one(
            {"canonical_url": "https://x.test/2/"}, {"$set": {"title": "Two, edited"}}, upsert=True
        )
        assert again.upserted_id is None and again.modified_count == 1
        found = list(articles.find({}, {"_id": 1, "title": 1}).sort("_id", 1))
        assert found == [{"_id": "a1", "title": "One"}, {"_id": "a3", "title": "Two, edited"}]
        assert "canonical_url" in articles.index_information()
    finally:
        client.drop_database(name)
        client.close()


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/"),
        ("mongodb://user:s3cret@db:27017/news", "mongodb://***@db:27017/news"),
        ("mongodb://user@db/", "mongodb://***@db/"),
        (
            "mongodb+srv://u:p%40ss@cluster.example.org/?retryWrites=true",
            "mongodb+srv://***@cluster.example.org/?retryWrites=true",
        ),
        (
            "mongodb://u:p@ss@h1:1,h2:2/db?authSource=admin",
            "mongodb://***@h1:1,h2:2/db?authSource=admin",
        ),
        ("mongodb://u:pa/ss@h/db", "mongodb://***@h/db"),
        (
            "mongodb://h/?authMechanism=PLAIN&password=hunter2&w=1",
            "mongodb://h/?authMechanism=PLAIN&password=***&w=1",
        ),
        (
            "mongodb://h/?tlsCertificateKeyFilePassword=k3y",
            "mongodb://h/?tlsCertificateKeyFilePassword=***",
        ),
        (
            "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok",
            "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=***",
        ),
        ("", ""),
    ],
)
def test_redact_uri(uri: str, expected: str) -> None:
    assert redact_uri(uri) == expected


@pytest.mark.filterwarnings("ignore:Unknown option")
def test_unreachable_server_fails_clearly_without_credentials(monkeypatch) -> None:
    port = free_port()  # nothing listens there
    uri = f"mongodb://crawler:t0ps3cret@127.0.0.1:{port}/?password=t0ps3cret"
    monkeypatch.setenv("MONGO_URI", uri)
    with pytest.raises(DatabaseUnavailable) as err:
        connect(timeout_ms=300)
    message = str(err.value)
    assert "t0ps3cret" not in message and "crawler" not in message.split("Is the server")[0]
    assert f"mongodb://***@127.0.0.1:{port}/?password=***" in message
    assert "within 300 ms" in message and "Connection refused" in message
    assert isinstance(err.value, pymongo.errors.ConnectionFailure)


def test_invalid_uri_is_reported_redacted() -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        connect("mongodb://user:pa:ss@127.0.0.1:1/", timeout_ms=300)
    assert "pa:ss" not in str(err.value) and "Invalid MongoDB URI" in str(err.value)


def test_no_uri_and_no_server_says_how_to_get_one(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.setenv("NEWSCRAWL_DB_STATE_FILE", str(tmp_path / "server.json"))
    with pytest.raises(DatabaseUnavailable) as err:
        connect()
    assert "MONGO_URI" in str(err.value) and "newscrawl db start" in str(err.value)


def test_connect_uses_the_recorded_server(monkeypatch, tmp_path: Path, private_mongo_server):
    srv = private_mongo_server()
    state = tmp_path / "server.json"
    write_state(
        ServerState(
            pid=srv.pid,
            port=srv.port,
            kind=srv.kind,
            uri=srv.uri,
            data_dir=str(srv.data_dir),
            log_path=str(srv.log_path),
            binary=str(srv.binary),
            started_at=time.time(),
        ),
        state,
    )
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.delenv("MONGO_DATABASE", raising=False)
    monkeypatch.setenv("NEWSCRAWL_DB_STATE_FILE", str(state))
    client, db = connect()
    try:
        assert client.address == ("127.0.0.1", srv.port)
        assert db.name == "newscrawl"
    finally:
        client.close()
    # A recorded server that no longer runs is not used.
    srv.stop()
    with pytest.raises(DatabaseUnavailable, match="newscrawl db start"):
        connect()


def test_database_name_resolution(monkeypatch) -> None:
    monkeypatch.delenv("MONGO_DATABASE", raising=False)
    assert database_name("mongodb://h/") == "newscrawl"
    assert database_name("mongodb://h/fromuri") == "fromuri"
    monkeypatch.setenv("MONGO_DATABASE", "fromenv")
    assert database_name("mongodb://h/fromuri") == "fromenv"
    assert database_name("mongodb://h/fromuri", "explicit") == "explicit"


def _probes(db: Database) -> dict[str, Callable[[], object]]:
    """One operation per capability; it succeeds exactly when the capability is there."""
    coll = db.probe
    client = db.client

    def sparse() -> None:
        coll.create_index("s", name="s_sparse", sparse=True)
        if not coll.index_information()["s_sparse"].get("sparse"):
            raise OperationFailure("the sparse option was silently dropped")

    def transaction() -> None:
        with client.start_session() as session:
            session.with_transaction(lambda s: coll.insert_one({"tx": 1}, session=s))

    def id_index() -> None:
        # MongoDB: IDHACK, EXPRESS_IXSCAN or IXSCAN; SQLite (FerretDB): "USING INDEX".
        plan = str(db.command("explain", {"find": "probe", "filter": {"_id": "x"}})
                   .get("queryPlanner"))
        if not any(word in plan for word in ("IDHACK", "IXSCAN", "USING INDEX")):
            raise OperationFailure(f"_id equality is not answered from an index: {plan}")

    return {
        "text_index": lambda: coll.create_index([("t", TEXT)], name="t_text"),
        "lookup": lambda: list(
            coll.aggregate(
                [{"$lookup": {"from": "probe", "localField": "a", "foreignField": "a", "as": "x"}}]
            )
        ),
        "graph_lookup": lambda: list(
            coll.aggregate(
                [
                    {
                        "$graphLookup": {
                            "from": "probe",
                            "startWith": "$a",
                            "connectFromField": "a",
                            "connectToField": "a",
                            "as": "x",
                        }
                    }
                ]
            )
        ),
        "facet": lambda: list(coll.aggregate([{"$facet": {"n": [{"$count": "n"}]}}])),
        "partial_index": lambda: coll.create_index(
            "a", name="a_partial", partialFilterExpression={"a": {"$gt": 0}}
        ),
        "sparse_index": sparse,
        "ttl_index": lambda: coll.create_index("d", name="d_ttl", expireAfterSeconds=60),
        "collation": lambda: list(coll.find({}, collation=Collation("en"))),
        "transactions": transaction,
        "change_streams": lambda: coll.watch().close(),
        "id_index": id_index,
    }


def test_capabilities_match_what_the_server_does(mongo_db: Database) -> None:
    mongo_db.probe.insert_one({"a": 1, "t": "text"})
    caps = capabilities(mongo_db)
    build_info = mongo_db.client.admin.command("buildInfo")
    assert caps.version == build_info["version"]
    assert caps.is_ferretdb == ("ferretdbVersion" in build_info)
    if caps.is_ferretdb:
        assert caps.ferretdb_version == build_info["ferretdbVersion"]
    probes = _probes(mongo_db)
    assert set(probes) == set(ServerCapabilities.FEATURES)
    for feature, probe in probes.items():
        if getattr(caps, feature):
            probe()
        else:
            with pytest.raises(OperationFailure):
                probe()


def test_capabilities_log_what_is_degraded_once(mongo_db, monkeypatch, caplog) -> None:
    monkeypatch.setattr(client_mod, "_LOGGED", set())
    with caplog.at_level(logging.INFO, logger="crawler.storage.client"):
        caps = capabilities(mongo_db)
        capabilities(mongo_db.client)
    lines = [r.getMessage() for r in caplog.records if r.name == "crawler.storage.client"]
    if caps.degraded:
        assert len(lines) == 1
        assert all(feature in lines[0] for feature in caps.degraded)
        assert ("FerretDB" in lines[0]) == caps.is_ferretdb
    else:
        assert lines == []


def test_capabilities_from_server_info() -> None:
    ferret = ServerCapabilities.from_server_info(
        {"version": "7.0.42", "ferretdbVersion": "v1.24.2"}, {"isWritablePrimary": True}
    )
    assert ferret.is_ferretdb and not ferret.text_index and not ferret.lookup
    assert set(ferret.degraded) == set(ServerCapabilities.FEATURES)
    standalone = ServerCapabilities.from_server_info({"version": "7.0.14"}, {})
    assert standalone.text_index and standalone.lookup and standalone.partial_index
    assert standalone.degraded == ["transactions", "change_streams"]
    replica = ServerCapabilities.from_server_info({"version": "7.0.14"}, {"setName": "rs0"})
    assert replica.transactions and replica.change_streams and replica.degraded == []
