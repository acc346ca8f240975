"""Provisioning the local MongoDB-wire server: resolution order, lifecycle, cleanup, CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import psutil
import pymongo
import pytest

from crawler.loopback import free_port
from crawler.loopback import process as loopback_process
from crawler.storage import ferretdb, server
from crawler.storage.ferretdb import build_ferretdb, ferretdb_binary
from crawler.storage.server import FerretDBBuildError, ServerUnavailable, resolve_server

ROOT = Path(__file__).resolve().parents[1]


def gone(pid: int) -> bool:
    """The process no longer runs (a zombie waiting for its reaper counts as gone)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(pid: int, timeout: float = 15) -> bool:
    try:
        psutil.Process(pid).wait(timeout)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        return gone(pid)
    return True


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "MONGO_DATABASE")}
    env.update(extra)
    return env


def test_external_uri_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGO_URI", "mongodb://user:pw@db.invalid:27017/")
    with resolve_server() as srv:
        assert srv.kind == "external"
        assert srv.uri == "mongodb://user:pw@db.invalid:27017/"
        assert srv.pid is None and srv.log_path is None
        assert "pw" not in repr(srv)
        with pytest.raises(RuntimeError):
            srv.kill()


def test_session_server_answers(mongo_server: server.MongoServer) -> None:
    assert mongo_server.ping()
    assert mongo_server.uri.startswith("mongodb")
    assert mongo_server.kind in ("external", "mongod", "ferretdb")


def test_close_leaves_no_process_and_no_dir() -> None:
    with resolve_server(allow_external=False) as srv:
        pid, data_dir, log_path = srv.pid, srv.data_dir, srv.log_path
        assert pid is not None and data_dir is not None and log_path is not None
        assert srv.uri == f"mongodb://127.0.0.1:{srv.port}/"
        assert log_path.is_file() and log_path.parent == data_dir
        assert srv.ping()
        # Its own process group, so that stopping it reaches every process it forks.
        assert os.getpgid(pid) == pid
    assert wait_gone(pid)
    assert not data_dir.exists()
    assert not srv.running


def test_stop_keeps_data_and_restarts_on_same_port(private_mongo_server) -> None:
    srv = private_mongo_server()
    port, first_pid = srv.port, srv.pid
    client: pymongo.MongoClient = pymongo.MongoClient(srv.uri, serverSelectionTimeoutMS=5000)
    try:
        client.newscrawl_t.docs.insert_one({"_id": "a", "n": 1})
        srv.stop()
        assert wait_gone(first_pid)
        assert not srv.ping(300)
        assert srv.data_dir.exists()
        srv.start()
        assert srv.port == port and srv.pid != first_pid
        assert client.newscrawl_t.docs.find_one({"_id": "a"}) == {"_id": "a", "n": 1}
        # A crash (SIGKILL) keeps acknowledged writes too.
        client.newscrawl_t.docs.insert_one({"_id": "b", "n": 2})
        killed = srv.pid
        srv.kill()
        assert wait_gone(killed)
        srv.start()
        assert srv.port == port
        assert client.newscrawl_t.docs.count_documents({}) == 2
    finally:
        client.close()


def test_two_servers_do_not_collide(private_mongo_server) -> None:
    one, two = private_mongo_server(), private_mongo_server()
    assert one.port != two.port and one.pid != two.pid and one.data_dir != two.data_dir
    with pymongo.MongoClient(one.uri) as c1, pymongo.MongoClient(two.uri) as c2:
        c1.t.c.insert_one({"on": "one"})
        c2.t.c.insert_one({"on": "two"})
        assert [d["on"] for d in c1.t.c.find()] == ["one"]
        assert [d["on"] for d in c2.t.c.find()] == ["two"]


def test_server_started_in_a_thread_outlives_the_thread() -> None:
    started: list[server.LocalServer] = []
    thread = threading.Thread(target=lambda: started.append(server.local_server()))
    thread.start()
    thread.join()
    srv = started[0]
    try:
        pid = srv.pid
        assert pid is not None
        assert not wait_gone(pid, timeout=1)  # no parent-death signal when its thread ended
        assert srv.ping()
    finally:
        srv.close()
    assert wait_gone(pid)


def test_port_taken_meanwhile_is_retried_on_another(monkeypatch, tmp_path: Path) -> None:
    cache = server.cache_dir()
    binary = ferretdb_binary(cache)
    monkeypatch.setenv("NEWSCRAWL_CACHE_DIR", str(tmp_path))  # where a failed start's log goes
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        ports = iter([taken, free_port()])
        monkeypatch.setattr(loopback_process, "free_port", lambda: next(ports))
        with server.local_server(kinds=("ferretdb",), cache=cache) as srv:
            assert srv.port != taken and srv.ping()
            assert "address already in use" in srv.log_path.read_text()
        # A restart cannot move: the port is part of the URI clients hold.
        fixed = server.FerretDBServer(binary, port=taken)
        with pytest.raises(server.ServerStartError, match="address already in use") as err:
            fixed.start()
        assert fixed.data_dir is None  # no temp dir left behind; the log is kept and named
        kept = tmp_path / "logs" / "ferretdb-failed-start.log"
        assert str(kept) in str(err.value) and "address already in use" in kept.read_text()


def test_private_server_ignores_mongo_uri(monkeypatch, private_mongo_server) -> None:
    monkeypatch.setenv("MONGO_URI", "mongodb://127.0.0.1:1/")
    srv = private_mongo_server()
    assert srv.kind in ("mongod", "ferretdb") and srv.ping()


def test_none_available_names_the_three_fixes(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no go, no mongod
    with pytest.raises(ServerUnavailable) as err:
        resolve_server(cache=tmp_path / "empty-cache")
    message = str(err.value)
    assert "MONGO_URI" in message
    assert "`mongod`" in message and "mongod: not on PATH" in message
    assert "Go toolchain" in message and "`go`) is not on PATH" in message
    assert str(tmp_path / "empty-cache" / "ferretdb" / "v1.24.2" / "ferretdb") in message
    assert not (tmp_path / "empty-cache" / "ferretdb" / "v1.24.2" / "ferretdb").exists()


FAILING_GO = """#!/bin/sh
echo "go: github.com/FerretDB/FerretDB@v1.24.2: module lookup disabled by GOPROXY=off" >&2
exit 1
"""


def test_failed_go_build_is_reported_with_its_output(monkeypatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").write_text(FAILING_GO)
    (bin_dir / "go").chmod(0o755)
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(ServerUnavailable) as err:
        resolve_server(cache=tmp_path / "cache")
    message = str(err.value)
    assert "`" + str(bin_dir / "go") + " mod download` failed with code 1" in message
    assert "module lookup disabled by GOPROXY=off" in message  # the build's own last lines
    assert "MONGO_URI" in message and "mongod" in message and "Go toolchain" in message
    assert not (tmp_path / "cache" / "ferretdb" / "v1.24.2" / "ferretdb").exists()


# The `go` on PATH: runs tests/scripts/fake_go.py with the build log and module directory.
FAKE_GO = '#!/bin/sh\nexec "{python}" "{script}" "{log}" "{src}" "$@"\n'


def test_build_patches_version_and_builds_once_under_a_lock(monkeypatch, tmp_path) -> None:
    src = tmp_path / "module"
    (src / "cmd" / "ferretdb").mkdir(parents=True)
    (src / "go.mod").write_text("module m\n")
    for path in [src / "go.mod", src / "cmd" / "ferretdb", src / "cmd", src]:
        path.chmod(0o555 if path.is_dir() else 0o444)  # read-only, like the module cache
    log = tmp_path / "builds.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "go"
    fake.write_text(FAKE_GO.format(python=sys.executable, log=str(log), src=str(src),
                                   script=Path(__file__).parent / "scripts" / "fake_go.py"))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    cache = tmp_path / "cache"
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(build_ferretdb(cache=cache)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target = cache / "ferretdb" / "v1.24.2" / "ferretdb"
    assert results == [target] * 3
    assert log.read_text() == "build v1.24.2\n"  # once, with the version file written
    assert subprocess.run([target], capture_output=True, text=True).stdout == (
        "Version: v1.24.2\n"
    )
    assert ferretdb_binary(cache, build=False) == target
    assert sorted(p.name for p in target.parent.iterdir()) == [
        ".build.lock",
        "build.log",
        "ferretdb",
    ]
    for path in [src, src / "cmd"]:
        path.chmod(0o755)


def test_missing_binary_without_build_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FerretDBBuildError, match="is missing"):
        ferretdb_binary(tmp_path, build=False)


# A `mongod` stand-in speaking the wire protocol: FerretDB started with mongod's arguments.
FAKE_MONGOD = textwrap.dedent(
    """\
    #!/bin/sh
    echo "$@" > "{argv_file}"
    while [ $# -gt 0 ]; do
      case "$1" in
        --dbpath) db="$2"; shift;; --port) port="$2"; shift;;
        --bind_ip) host="$2"; shift;; --logpath) log="$2"; shift;;
      esac
      shift
    done
    exec "{ferretdb}" --handler=sqlite --sqlite-url="file:$db/" --state-dir="$db" \\
      --listen-addr="$host:$port" --debug-addr=- --telemetry=disable --log-level=warn \\
      >>"$log" 2>&1
    """
)


def test_mongod_on_path_comes_before_ferretdb(monkeypatch, tmp_path: Path) -> None:
    binary = ferretdb_binary()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    argv_file = tmp_path / "argv"
    mongod = bin_dir / "mongod"
    mongod.write_text(FAKE_MONGOD.format(argv_file=argv_file, ferretdb=binary))
    mongod.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("MONGO_URI", raising=False)
    with resolve_server() as srv:
        assert srv.kind == "mongod"
        argv = argv_file.read_text().split()
        assert argv[argv.index("--bind_ip") + 1] == "127.0.0.1"
        assert argv[argv.index("--port") + 1] == str(srv.port)
        assert Path(argv[argv.index("--dbpath") + 1]).parent == srv.data_dir
        assert Path(argv[argv.index("--logpath") + 1]) == srv.log_path
        with pymongo.MongoClient(srv.uri) as client:
            client.t.c.insert_one({"x": 1})
            assert client.t.c.count_documents({}) == 1
        data_dir = srv.data_dir
    assert not data_dir.exists()


def test_broken_mongod_falls_back_to_ferretdb(monkeypatch, tmp_path: Path, caplog) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mongod").write_text("#!/bin/sh\necho 'mongod: cannot start' >&2\nexit 3\n")
    (bin_dir / "mongod").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("MONGO_URI", raising=False)
    cache = server.cache_dir()
    ferretdb_binary(cache)
    monkeypatch.setenv("NEWSCRAWL_CACHE_DIR", str(tmp_path / "cache"))
    before = set(Path(tempfile.gettempdir()).glob("newscrawl-mongod-*"))
    with resolve_server(cache=cache) as srv:
        assert srv.kind == "ferretdb" and srv.ping()
    assert "mongod did not start" in caplog.text and "exited with code 3" in caplog.text
    # The failed server's temp dir is gone; its log is kept in the cache and named.
    assert set(Path(tempfile.gettempdir()).glob("newscrawl-mongod-*")) <= before
    kept = tmp_path / "cache" / "logs" / "mongod-failed-start.log"
    assert str(kept) in caplog.text and "mongod: cannot start" in kept.read_text()


def start_owner() -> tuple[subprocess.Popen[str], str, str]:
    """A process that starts a server and waits; with the server's pid and data dir."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.scripts.start_and_wait"],
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    pid_text, data_dir = proc.stdout.readline().split()
    return proc, pid_text, data_dir


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_owner_stops_server_and_removes_dir(signum: int) -> None:
    proc, pid_text, data_dir = start_owner()
    assert not gone(int(pid_text))
    proc.send_signal(signum)
    proc.wait(30)
    assert wait_gone(int(pid_text))
    assert not Path(data_dir).exists()


def test_server_dies_with_its_owner(tmp_path: Path) -> None:
    proc, pid_text, data_dir = start_owner()
    try:
        proc.kill()  # no chance to clean up: the parent-death signal stops the server
        proc.wait(30)
        assert wait_gone(int(pid_text))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_db_is_a_cli_subcommand() -> None:
    from crawler.cli import COMMANDS

    assert ("db", "db") in [(name, module) for name, module, _ in COMMANDS]


def newscrawl_db(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.scripts.run_db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_start_status_uri_stop_leaves_no_orphan(tmp_path: Path) -> None:
    state_path = tmp_path / "state" / "server.json"
    env = clean_env(NEWSCRAWL_DB_STATE_FILE=str(state_path))
    ferretdb_binary()  # build outside the timed subprocesses if needed

    assert newscrawl_db("status", env=env).returncode == 1
    assert newscrawl_db("uri", env=env).returncode == 1
    started = newscrawl_db("start", env=env)
    assert started.returncode == 0, started.stderr
    state = json.loads(state_path.read_text())
    pid, data_dir = state["pid"], Path(state["data_dir"])
    try:
        assert not gone(pid) and data_dir.is_dir()
        assert os.getsid(pid) == pid  # detached: its own session, no terminal
        again = newscrawl_db("start", env=env)
        assert again.returncode == 0 and "already running" in again.stdout
        status = newscrawl_db("status", env=env)
        assert status.returncode == 0 and "answers ping" in status.stdout
        uri = newscrawl_db("uri", env=env)
        assert uri.returncode == 0 and uri.stdout.strip() == state["uri"]
        with pymongo.MongoClient(uri.stdout.strip(), serverSelectionTimeoutMS=5000) as client:
            assert client.admin.command("ping")["ok"] == 1
    finally:
        stopped = newscrawl_db("stop", env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert wait_gone(pid)
    assert not data_dir.exists() and not state_path.exists()
    assert newscrawl_db("status", env=env).returncode == 1


def test_cli_cleans_up_a_stale_record(tmp_path: Path) -> None:
    state_path = tmp_path / "server.json"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    data_dir = tmp_path / "old-server"
    data_dir.mkdir()
    server.write_state(
        server.ServerState(
            pid=dead.pid,
            port=free_port(),
            kind="ferretdb",
            uri="mongodb://127.0.0.1:1/",
            data_dir=str(data_dir),
            log_path=str(data_dir / "ferretdb.log"),
            binary="ferretdb",
            started_at=0.0,
        ),
        state_path,
    )
    env = clean_env(NEWSCRAWL_DB_STATE_FILE=str(state_path))
    status = newscrawl_db("status", env=env)
    assert status.returncode == 1 and "is not running" in status.stdout
    assert newscrawl_db("uri", env=env).returncode == 1
    stopped = newscrawl_db("stop", env=env)
    assert stopped.returncode == 0 and "was not running" in stopped.stdout
    assert not state_path.exists() and not data_dir.exists()


def test_setting_reads_the_environment_at_call_time(monkeypatch) -> None:
    monkeypatch.setenv("NEWSCRAWL_DB_START_TIMEOUT", "7")
    assert server.setting("NEWSCRAWL_DB_START_TIMEOUT") == 7
    monkeypatch.setenv("NEWSCRAWL_CACHE_DIR", "/nonexistent/cache")
    assert server.cache_dir() == Path("/nonexistent/cache")
    assert server.state_file() == Path("/nonexistent/cache/db/server.json")
    assert ferretdb.ferretdb_binary_path() == Path("/nonexistent/cache/ferretdb/v1.24.2/ferretdb")


def test_cli_with_mongo_uri_has_nothing_to_start(tmp_path: Path) -> None:
    env = clean_env(
        MONGO_URI="mongodb://reader:s3cret@127.0.0.1:1/",
        NEWSCRAWL_DB_STATE_FILE=str(tmp_path / "server.json"),
    )
    for action in ("start", "stop"):
        result = newscrawl_db(action, env=env)
        assert result.returncode == 0 and "nothing to" in result.stdout
        assert "s3cret" not in result.stdout + result.stderr
    uri = newscrawl_db("uri", env=env)
    assert uri.stdout.strip() == "mongodb://***@127.0.0.1:1/"
    assert not (tmp_path / "server.json").exists()
