"""`newscrawl demo` end to end: exit 0, a summary equal to the database, no server left."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pymongo

ROOT = Path(__file__).resolve().parent.parent


def _children_pids() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def test_demo_summary_matches_database(mongo_server) -> None:
    database = f"test_demo_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, MONGO_URI=mongo_server.uri)
    before = _children_pids()
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "demo", "--database", database],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    summary = dict(re.findall(r"^  ([a-z ]+?)\s{2,}(\S+)$", out, flags=re.MULTILINE))
    client = pymongo.MongoClient(mongo_server.uri)
    try:
        db = client[database]
        assert int(summary["articles stored"]) == db.articles.count_documents(
            {"duplicate_of": None}) == 60
        assert int(summary["related links stored"]) == db.links.count_documents({}) > 0
        assert summary["finish reason"] == "finished"
        assert "one stored article:" in out
        assert '"canonical_url"' in out.split("one stored article:", 1)[1]
    finally:
        client.drop_database(database)
        client.close()
    assert _children_pids() <= before


def _server_pids(marker: str) -> set[int]:
    """Database servers whose command line names ``marker`` (their data directory's parent)."""
    pids = set()
    for proc in psutil.process_iter(["pid", "name", "cmdline"]):
        if proc.info["name"] in {"ferretdb", "mongod"} and marker in " ".join(
                proc.info["cmdline"] or ()):
            pids.add(proc.info["pid"])
    return pids


def test_demo_with_its_own_server_leaves_no_server_running(tmp_path: Path) -> None:
    """The demo's own server (its data directory under this test's TMPDIR) is gone after it;
    servers of other processes on the machine do not count."""
    env = {k: v for k, v in os.environ.items() if k != "MONGO_URI"}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "demo", "--articles", "60"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "database: " in proc.stdout
    assert _server_pids(str(tmp_path)) == set()
