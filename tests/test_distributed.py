"""Distributed crawls on a real Redis: workers share one run, leases survive a killed
worker, a dead seeder's seeding is taken over, a slow database delays lease completions
(never lets leases expire), a Redis restart stops workers with exit code 3, several sites
run in one process.

The slow variants (four workers, both sites) carry the ``faults`` marker (``make faults``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

from crawler.cli import EXIT_OK, EXIT_PARTIAL
from crawler.profiles import SITES_DIR
from crawler.urls import canonicalize
from tests.crawlutil import REPO, assert_all_found, crawl_command, crawl_env
from tests.faults.dbproxy import LatencyProxy

SITE = "russianstudiesromania"
# Short leases and idle time so that a test run ends in seconds, not minutes.
FAST = ("-s", "NEWSCRAWL_REDIS_IDLE_TIMEOUT=2", "-s", "NEWSCRAWL_REDIS_LEASE_TIMEOUT=4",
        "-s", "NEWSCRAWL_REDIS_TICK=0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8")


def start_worker(db: Any, mongo_uri: str, redis_url: str, prefix: str, *args: str,
                 **env: str) -> subprocess.Popen[str]:
    """A worker in a process group of its own (a fault trigger kills the whole group);
    ``tests.fault_settings`` adds the test-only fault triggers (``FAULT_*`` settings)."""
    return subprocess.Popen(
        crawl_command(*args, "--redis", redis_url, "--no-delay", "--workers", "1", *FAST),
        env=crawl_env(mongo_uri, db.name, NEWSCRAWL_REDIS_PREFIX=prefix,
                      SCRAPY_SETTINGS_MODULE="tests.fault_settings", **env),
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)


def finish(procs: list[subprocess.Popen[str]], timeout: float = 240) -> list[tuple[int, str]]:
    out = []
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            pytest.fail(f"worker still running after {timeout}s: {err[-3000:]}")
        out.append((proc.returncode, err))
    return out


def wait_for_line(proc: subprocess.Popen[str], text: str, timeout: float = 120) -> None:
    """Read the worker's log until a line holds ``text`` (the log after it stays unread)."""
    seen = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if text in line:
                seen.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not seen.wait(timeout):
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"no log line with {text!r} within {timeout}s")


def link_graph(db: Any) -> set[tuple[str, str, str]]:
    """Stored edges as (source URL, target, label), one per URL of the source (a copy
    stored under its original's document has its URL as an alias)."""
    urls = {d["_id"]: {d["canonical_url"], *map(canonicalize, d.get("aliases") or ())}
            for d in db.articles.find({}, {"canonical_url": 1, "aliases": 1})}
    return {(url, canonicalize(e["to_url"]), e["label"])
            for e in db.links.find({}, {"from_id": 1, "to_url": 1, "label": 1})
            for url in urls[e["from_id"]]}


def manifest_graph(manifest: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(canonicalize(a["url"]), canonicalize(r["url"]), r["label"])
            for a in manifest["articles"] for r in a["related"]}


def assert_complete(db: Any, manifest: dict[str, Any], site: str = SITE) -> None:
    """Every article once, every edge of the manifest stored and resolved."""
    assert_all_found(db, manifest, site)
    ids = [d["_id"] for d in db.articles.find({"site": site}, {"_id": 1})]
    assert len(ids) == len(set(ids))
    assert db.links.count_documents({"to_id": None}) == 0
    stored = link_graph(db)
    expected = manifest_graph(manifest)
    assert expected - stored == set(), sorted(expected - stored)[:5]
    # ... and nothing else: every stored edge is one of the manifest's.
    sources = {(to, label) for _, to, label in expected}
    assert {(to, label) for _, to, label in stored} == sources


def worker_records(db: Any) -> list[dict[str, Any]]:
    return [d for d in db.crawl_runs.find({"distributed": True})]


def crawl_with_workers(n: int, mirror: Any, db: Any, mongo_uri: str, redis_url: str,
                       prefix: str) -> list[dict[str, Any]]:
    procs = [start_worker(db, mongo_uri, redis_url, prefix, SITE, "--base-url",
                          mirror.base_url) for _ in range(n)]
    results = finish(procs)
    for code, err in results:
        assert code == EXIT_OK, err[-3000:]
    return worker_records(db)


def check_workers(records: list[dict[str, Any]], n: int) -> None:
    assert len(records) == n
    assert len({r["run_id"] for r in records}) == 1  # one run, n workers
    for record in records:
        assert record["status"] == "finished" and record["finish_reason"] == "finished"
        assert record["counts"]["pages"] > 0, record["_id"]  # every worker did work
    seeded = [r for r in records if r["stats"].get("pages/sitemap", 0) > 0]
    assert seeded


def test_two_workers_share_one_run(make_mirror, mongo_db, mongo_server, redis_server,
                                   redis_prefix) -> None:
    mirror = make_mirror(theme="newspaper")
    records = crawl_with_workers(2, mirror, mongo_db, mongo_server.uri, redis_server.url,
                                 redis_prefix)
    check_workers(records, 2)
    assert_complete(mongo_db, mirror.manifest)
    # Each article page was fetched once by the two workers together (flaky ones retried).
    pages = sum(r["stats"].get("extract/ok", 0) for r in records)
    assert pages <= mirror.manifest["expected_article_count"] + 5
    # `newscrawl runs`: the run, then its two workers with their own counts.
    shown = subprocess.run([sys.executable, "-m", "crawler.cli", "runs"], cwd=REPO,
                           env=crawl_env(mongo_server.uri, mongo_db.name),
                           capture_output=True, text=True, timeout=60, check=True).stdout
    lines = shown.splitlines()
    run_id = records[0]["run_id"]
    total = next(i for i, line in enumerate(lines) if line.startswith(run_id))
    assert "(2 workers)" in lines[total]
    for record in records:
        worker = record["_id"].removeprefix(run_id + "/")
        line = next(line for line in lines[total + 1:] if line.strip().startswith(worker))
        assert str(record["counts"]["pages"]) in line.split()


@pytest.mark.faults
def test_four_workers_share_one_run(make_mirror, mongo_db, mongo_server, redis_server,
                                    redis_prefix) -> None:
    mirror = make_mirror(theme="newspaper")
    records = crawl_with_workers(4, mirror, mongo_db, mongo_server.uri, redis_server.url,
                                 redis_prefix)
    check_workers(records, 4)
    assert_complete(mongo_db, mirror.manifest)


def test_a_killed_workers_leases_are_requeued(make_mirror, mongo_db, mongo_server,
                                              redis_server, redis_prefix) -> None:
    mirror = make_mirror(theme="newspaper")
    args = (SITE, "--base-url", mirror.base_url)
    doomed = start_worker(mongo_db, mongo_server.uri, redis_server.url, redis_prefix, *args,
                          "-s", "FAULT_KILL_AFTER_ITEMS=8")
    survivor = start_worker(mongo_db, mongo_server.uri, redis_server.url, redis_prefix, *args)
    (killed, _), (code, err) = finish([doomed, survivor])
    assert killed == -signal.SIGKILL
    assert code == EXIT_OK, err[-3000:]
    assert_complete(mongo_db, mirror.manifest)
    done = [r for r in worker_records(mongo_db) if r["status"] == "finished"]
    assert len(done) == 1 and done[0]["stats"].get("redis/requeued", 0) > 0


def test_a_dead_seeders_seeding_is_taken_over(make_mirror, mongo_db, mongo_server,
                                              redis_server, redis_prefix) -> None:
    mirror = make_mirror(theme="newspaper", articles=20)
    args = (SITE, "--base-url", mirror.base_url)
    # The seeder holds its seeding before the first seed, alive and renewing its claim ...
    seeder = start_worker(mongo_db, mongo_server.uri, redis_server.url, redis_prefix, *args,
                          "-s", "FAULT_HOLD_SEEDING=1")
    wait_for_line(seeder, "fault: seeding held")
    other = start_worker(mongo_db, mongo_server.uri, redis_server.url, redis_prefix, *args)
    wait_for_line(other, "another worker seeds this run")
    os.killpg(seeder.pid, signal.SIGKILL)  # ... and dies mid-seeding: its claim expires
    (killed, _), (code, err) = finish([seeder, other])
    assert killed == -signal.SIGKILL
    assert code == EXIT_OK, err[-3000:]
    assert_complete(mongo_db, mirror.manifest)
    done = [r for r in worker_records(mongo_db) if r["status"] == "finished"]
    assert len(done) == 1
    assert done[0]["stats"].get("redis/seeding_taken_over") == 1
    assert done[0]["stats"].get("pages/sitemap", 0) > 0


@pytest.mark.faults
@pytest.mark.faults_short
def test_redis_restart_stops_a_worker_and_a_rerun_completes(
        make_mirror, mongo_db, mongo_server, private_redis_server, redis_prefix) -> None:
    redis = private_redis_server()
    mirror = make_mirror(theme="newspaper", articles=20)
    args = (SITE, "--base-url", mirror.base_url)
    # The worker stops itself (SIGSTOP) after its 5th item; Redis restarts meanwhile.
    worker = start_worker(mongo_db, mongo_server.uri, redis.url, redis_prefix, *args,
                          "-s", "FAULT_STOP_AFTER_ITEMS=5")
    _, status = os.waitpid(worker.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status)
    redis.kill()
    redis.start()
    os.kill(worker.pid, signal.SIGCONT)
    (code, err), = finish([worker])
    assert code == EXIT_PARTIAL, err[-3000:]
    assert "Redis" in err and "run the same command again" in err
    again = start_worker(mongo_db, mongo_server.uri, redis.url, redis_prefix, *args)
    (code, err), = finish([again])
    assert code == EXIT_OK, err[-3000:]
    assert_complete(mongo_db, mirror.manifest)


def test_two_sites_in_one_process_keep_their_own_politeness_and_counts(
        mirror, generic_mirror, mongo_db, mongo_server, tmp_path) -> None:
    # The second site's profile asks for a different politeness than the first's.
    profile = yaml.safe_load((SITES_DIR / "wpgeneric.yaml").read_text())
    profile["politeness"]["concurrent_requests_per_domain"] = 5
    path = tmp_path / "wpgeneric.yaml"
    path.write_text(yaml.safe_dump(profile))
    proc = subprocess.run(
        crawl_command(SITE, str(path), "--base-url", f"{SITE}={mirror.base_url}",
                      "--base-url", f"{path}={generic_mirror.base_url}", "--no-delay",
                      "--workers", "2"),
        env=crawl_env(mongo_server.uri, mongo_db.name), cwd=REPO, capture_output=True,
        text=True, timeout=240, check=False)
    assert proc.returncode == EXIT_OK, proc.stderr[-3000:]
    assert_all_found(mongo_db, mirror.manifest, SITE)
    assert_all_found(mongo_db, generic_mirror.manifest, "wpgeneric")
    records = {r["site"]: r for r in mongo_db.crawl_runs.find()}
    assert set(records) == {SITE, "wpgeneric"}
    assert len({r["run_id"] for r in records.values()}) == 1
    assert records[SITE]["politeness"]["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert records["wpgeneric"]["politeness"]["CONCURRENT_REQUESTS_PER_DOMAIN"] == 5
    for site, record in records.items():
        stored = mongo_db.articles.count_documents({"site": site})
        assert record["counts"]["articles"]["new"] + record["counts"]["articles"].get(
            "duplicate", 0) == stored
        assert record["monitor"]["status"] == "ok"


@pytest.mark.faults
def test_a_slow_database_delays_lease_completion_without_refetching(
        make_mirror, mongo_db, mongo_server, redis_server, redis_prefix) -> None:
    mirror = make_mirror(theme="newspaper", articles=20)
    parts = urlsplit(mongo_server.uri)
    # 0.8 s a round trip: a batch's write (several round trips) outlasts the 4 s lease.
    with LatencyProxy((parts.hostname or "127.0.0.1", parts.port or 27017), 0.8) as proxy:
        uri = urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))
        worker = start_worker(mongo_db, uri, redis_server.url, redis_prefix, SITE,
                              "--base-url", mirror.base_url)
        (code, err), = finish([worker])
    assert code == EXIT_OK, err[-3000:]
    assert_complete(mongo_db, mirror.manifest)
    (record,) = worker_records(mongo_db)
    # A lone worker's handled requests waited for the store, leased: none expired and no
    # page was fetched again (with expiring leases it fetched its own pages for ever).
    assert record["stats"].get("redis/requeued", 0) == 0, err[-3000:]
    assert record["stats"].get("extract/ok", 0) <= mirror.manifest["expected_article_count"] + 5


@pytest.mark.faults
def test_database_outage_stops_a_worker_as_in_local_mode_and_a_rerun_completes(
        make_mirror, private_mongo_server, redis_server, redis_prefix) -> None:
    import pymongo

    server = private_mongo_server()
    client = pymongo.MongoClient(server.uri, tz_aware=True)
    db = client["outage"]
    mirror = make_mirror(theme="newspaper")
    args = (SITE, "--base-url", mirror.base_url, "-s", "DOWNLOAD_DELAY=0.1",
            "-s", "NEWSCRAWL_STORE_RETRY_TIMES=2", "-s", "NEWSCRAWL_STORE_RETRY_BACKOFF=0.05",
            "-s", "NEWSCRAWL_STORE_BATCH_SIZE=5")
    # The worker stops itself (SIGSTOP) after its 5th item; the database dies meanwhile.
    worker = start_worker(db, server.uri, redis_server.url, redis_prefix, *args,
                          "-s", "FAULT_STOP_AFTER_ITEMS=5")
    _, status = os.waitpid(worker.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status)
    server.kill()
    os.kill(worker.pid, signal.SIGCONT)
    (code, err), = finish([worker])
    assert code == EXIT_PARTIAL, err[-3000:]
    assert "database unavailable" in err
    server.start()
    again = start_worker(db, server.uri, redis_server.url, redis_prefix, *args)
    (code, err), = finish([again])
    assert code == EXIT_OK, err[-3000:]
    assert_complete(db, mirror.manifest)
    client.close()
