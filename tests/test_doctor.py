"""``newscrawl doctor`` against a real server: healthy, database down, bad profile, schema."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.ops.doctor import check_jobs_dir, check_redis, resp_ping
from crawler.storage.indexes import ensure_schema
from tests.crawlutil import REPO, crawl_env
from tests.receivers import free_port


def doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", "doctor", *args], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def lines(out: str) -> dict[str, str]:
    """check name -> its line."""
    found = {}
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] in ("ok", "FAIL", "skip"):
            name = "jobs dir" if parts[1] == "jobs" else parts[1]
            found[name] = line
    return found


REDIS_PASSWORD = "doctor-secret-pw"


@pytest.fixture
def redis_port(tmp_path: Path) -> Iterator[int]:
    """A real redis-server on loopback with a password (Debian's package, `make redis-server`)."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path), "--requirepass", REDIS_PASSWORD],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise AssertionError("redis-server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_healthy_installation(mongo_db, mongo_server, tmp_path: Path) -> None:
    ensure_schema(mongo_db)
    proc = doctor(crawl_env(mongo_server.uri, mongo_db.name, tmp_path / "jobs"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = lines(proc.stdout)
    assert set(found) == {"database", "schema", "profiles", "redis", "jobs dir"}
    for name in ("database", "schema", "profiles", "jobs dir"):
        assert found[name].startswith("ok "), found[name]
    assert found["redis"].startswith("skip ")
    assert mongo_db.name in found["database"]
    assert proc.stdout.rstrip().endswith("healthy")


def test_redis_is_pinged_when_configured(redis_port: int, tmp_path: Path) -> None:
    resp_ping(f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0", 5.0)
    with pytest.raises(ConnectionError, match="WRONGPASS"):
        resp_ping(f"redis://:wrong@127.0.0.1:{redis_port}/0", 5.0)
    with pytest.raises(ConnectionError, match="NOAUTH"):
        resp_ping(f"redis://127.0.0.1:{redis_port}/0", 5.0)
    ok = check_redis(f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0", 5.0)
    assert ok.ok and not ok.skipped and REDIS_PASSWORD not in ok.line()
    bad = check_redis(f"redis://default:{REDIS_PASSWORD}x@127.0.0.1:{redis_port}/0", 5.0)
    assert not bad.ok and "WRONGPASS" in bad.line() and REDIS_PASSWORD not in bad.line()


def test_database_down_fails_with_the_fix(tmp_path: Path) -> None:
    env = crawl_env(f"mongodb://127.0.0.1:{free_port()}/", "x", tmp_path / "jobs",
                    NEWSCRAWL_REDIS_URL=f"redis://:secretpw@127.0.0.1:{free_port()}/0")
    proc = doctor(env, "-s", "NEWSCRAWL_DOCTOR_TIMEOUT_MS=500")
    assert proc.returncode == 1
    found = lines(proc.stdout)
    assert found["database"].startswith("FAIL ") and "fix: start the server" in found["database"]
    assert found["schema"].startswith("FAIL ")
    assert found["redis"].startswith("FAIL ") and "NEWSCRAWL_REDIS_URL" in found["redis"]
    assert "secretpw" not in proc.stdout + proc.stderr
    assert found["profiles"].startswith("ok ") and found["jobs dir"].startswith("ok ")
    with pytest.raises(OSError):
        resp_ping(f"redis://127.0.0.1:{free_port()}/0", 1.0)


def test_bad_profile_and_missing_schema_fail_then_fix_repairs_the_schema(
        mongo_db, mongo_server, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nbase_url: https://example.org\narticle_url: ['(']\n")
    env = crawl_env(mongo_server.uri, mongo_db.name, tmp_path / "jobs")
    proc = doctor(env, "--profile", str(bad))
    assert proc.returncode == 1
    found = lines(proc.stdout)
    assert found["profiles"].startswith("FAIL ") and "broken.yaml" in found["profiles"]
    assert "fix: correct the file" in found["profiles"]
    assert found["schema"].startswith("FAIL ") and "missing" in found["schema"]
    assert "newscrawl doctor --fix" in found["schema"]
    fixed = doctor(env, "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert lines(fixed.stdout)["schema"].startswith("ok ")


def test_jobs_dir_needs_space_and_write_access(tmp_path: Path) -> None:
    assert check_jobs_dir(str(tmp_path / "jobs"), 1).ok
    assert not check_jobs_dir(str(tmp_path / "jobs"), 10**12).ok  # an exabyte: never free
    blocker = tmp_path / "file"
    blocker.write_text("")
    failed = check_jobs_dir(str(blocker / "jobs"), 1)
    assert not failed.ok and "not writable" in failed.detail and "NEWSCRAWL_JOBS_DIR" in failed.fix
