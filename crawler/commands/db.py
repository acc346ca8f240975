"""``newscrawl db start|stop|status|uri|build``: the local MongoDB-wire server.

``start`` runs a server (``mongod`` on PATH, else FerretDB) in the background, detached from
the terminal, and records it in a state file under the cache dir; ``uri``, ``status`` and
``stop`` read that file, and ``crawler.storage.client.connect()`` uses the recorded server
when ``MONGO_URI`` is unset.  With ``MONGO_URI`` set there is nothing to start or stop.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

EXIT_OK, EXIT_FAILURE = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    start = actions.add_parser("start", help="start a local server in the background")
    start.add_argument(
        "--kind",
        choices=("auto", "mongod", "ferretdb"),
        default="auto",
        help="auto: mongod if on PATH, else FerretDB (default)",
    )
    start.add_argument("--timeout", type=float, help="seconds to wait for ping")
    actions.add_parser("stop", help="stop the recorded server and remove its data")
    actions.add_parser("status", help="say what runs and whether it answers ping")
    uri = actions.add_parser("uri", help="print the URI to connect to")
    uri.add_argument(
        "--show-credentials", action="store_true", help="do not redact MONGO_URI's password"
    )
    build = actions.add_parser("build", help="build the FerretDB binary into the cache")
    build.add_argument("--force", action="store_true", help="rebuild even if it is cached")


def run(args: argparse.Namespace) -> int:
    action = {
        "start": _start,
        "stop": _stop,
        "status": _status,
        "uri": _uri,
        "build": _build,
    }[args.db_action]
    return action(args)


def _external_uri() -> str:
    return os.environ.get("MONGO_URI", "")


def _start(args: argparse.Namespace) -> int:
    from crawler.storage import server
    from crawler.storage.client import redact_uri

    if _external_uri():
        print(f"MONGO_URI is set ({redact_uri(_external_uri())}): nothing to start.")
        return EXIT_OK
    kinds = ("mongod", "ferretdb") if args.kind == "auto" else (args.kind,)
    with server.state_lock():
        running = server.recorded_server()
        if running is not None:
            print(f"already running: {running.kind} (pid {running.pid}) at {running.uri}")
            return EXIT_OK
        stale = server.read_state()
        if stale is not None:
            stale.stop()
        try:
            srv = server.local_server(kinds=kinds, start_timeout=args.timeout, detached=True)
        except server.ServerUnavailable as exc:
            print(exc, file=sys.stderr)
            return EXIT_FAILURE
        state = srv.detach()
        path = server.write_state(state)
    print(f"started {state.kind} (pid {state.pid}) at {state.uri}")
    print(f"data and log: {state.data_dir} (state: {path})")
    print("stop it with `newscrawl db stop`")
    return EXIT_OK


def _stop(args: argparse.Namespace) -> int:
    from crawler.storage import server

    if _external_uri():
        print("MONGO_URI is set: the server is managed elsewhere, nothing to stop.")
        return EXIT_OK
    with server.state_lock():
        state = server.read_state()
        if state is None:
            print("no local server recorded: nothing to stop.")
            return EXIT_OK
        was_running = state.alive()
        state.stop()
        server.state_file().unlink(missing_ok=True)
    if was_running:
        print(f"stopped {state.kind} (pid {state.pid}) and removed {state.data_dir}")
    else:
        print(f"{state.kind} (pid {state.pid}) was not running; removed its state")
    return EXIT_OK


def _describe(uri: str) -> str:
    """One line about the server at ``uri`` (version, FerretDB or not)."""
    from crawler.storage.client import DatabaseUnavailable, capabilities, connect

    try:
        client, _ = connect(uri, timeout_ms=3000)
    except DatabaseUnavailable as exc:
        return f"does NOT answer ping: {exc}"
    try:
        caps = capabilities(client)
    finally:
        client.close()
    name = f"FerretDB {caps.ferretdb_version}" if caps.is_ferretdb else "MongoDB"
    return f"answers ping: {name}, MongoDB {caps.version} wire protocol"


def _status(args: argparse.Namespace) -> int:
    from crawler.storage import server
    from crawler.storage.client import redact_uri

    if _external_uri():
        line = _describe(_external_uri())
        print(f"external server (MONGO_URI={redact_uri(_external_uri())}) {line}")
        return EXIT_OK if line.startswith("answers") else EXIT_FAILURE
    state = server.read_state()
    if state is None:
        print("no local server recorded; start one with `newscrawl db start`")
        return EXIT_FAILURE
    if not state.alive():
        print(
            f"recorded {state.kind} (pid {state.pid}) is not running; "
            "`newscrawl db stop` removes its state"
        )
        return EXIT_FAILURE
    line = _describe(state.uri)
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(state.started_at))
    print(f"{state.kind} (pid {state.pid}) at {state.uri} since {since} {line}")
    print(f"data and log: {state.data_dir}")
    return EXIT_OK if line.startswith("answers") else EXIT_FAILURE


def _uri(args: argparse.Namespace) -> int:
    from crawler.storage import server
    from crawler.storage.client import redact_uri

    if _external_uri():
        print(_external_uri() if args.show_credentials else redact_uri(_external_uri()))
        return EXIT_OK
    state = server.recorded_server()
    if state is None:
        print(
            "no local server runs; start one with `newscrawl db start` or set MONGO_URI",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    print(state.uri)
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from crawler.storage import ferretdb, server

    target = ferretdb.ferretdb_binary_path()
    if target.is_file() and not args.force:
        print(f"FerretDB {ferretdb.ferretdb_version()} is already built: {target}")
        return EXIT_OK
    print(f"building FerretDB {ferretdb.ferretdb_version()} (about a minute)...", flush=True)
    try:
        path = ferretdb.build_ferretdb(force=args.force)
    except server.ServerUnavailable as exc:
        print(f"FerretDB build failed: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"built {path}")
    return EXIT_OK
