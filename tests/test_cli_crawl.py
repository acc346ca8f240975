"""The operator's commands: ``newscrawl sites``, ``newscrawl runs``, and ``scrapy crawl site``
from the repository root, with the progress lines and no listening port."""

from __future__ import annotations

import subprocess
import sys

from crawler.cli import EXIT_FAILURE, EXIT_LOCKED, EXIT_OK
from tests.crawlutil import REPO, crawl_env, run_crawl


def newscrawl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_sites_lists_every_shipped_profile_validated() -> None:
    proc = newscrawl("sites")
    assert proc.returncode == 0, proc.stderr
    header, *rows = proc.stdout.strip().splitlines()
    assert header.split()[:3] == ["NAME", "STATUS", "BASE_URL"]
    by_name = {row.split()[0]: row.split()[1] for row in rows}
    assert by_name["russianstudiesromania"] == "ok"
    assert by_name["wpgeneric"] == "ok"


def test_runs_shows_the_recorded_runs(mirror, mongo_db, mongo_server) -> None:
    result = run_crawl(mongo_db, mongo_server.uri, "russianstudiesromania", "--base-url",
                       mirror.base_url, "--discover", "feeds", "--max-articles", "5")
    assert result.code == EXIT_OK, result.stderr[-3000:]
    assert result.run["arguments"]["max_articles"] == 5
    stats = result.run["stats"]
    # CPU time per stage, as the benchmark reads it: each part used some, none more than all.
    assert 0 < stats["pipelines/cpu_ms"] < stats["process/cpu_ms"]
    assert 0 < stats["storage/cpu_ms"] < stats["process/cpu_ms"]
    assert stats["process/max_rss_mb"] > 0
    mongo_db["crawl_runs"].insert_one({"_id": "dead-run", "site": "x", "status": "running",
                                       "pid": 2 ** 22 + 12345, "host": result.run["host"],
                                       "started_at": result.run["started_at"]})
    proc = newscrawl("runs", "--limit", "5", env=crawl_env(mongo_server.uri, mongo_db.name))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["RUN", "SITE", "STATUS"]
    ours = next(line for line in lines if line.startswith(result.run["_id"]))
    assert "finished" in ours.split()
    dead = next(line for line in lines if line.startswith("dead-run"))
    assert "crashed" in dead.split()
    assert mongo_db["crawl_runs"].find_one({"_id": "dead-run"})["status"] == "crashed"


def test_scrapy_crawl_site_works_from_the_repository_root(mirror, mongo_db,
                                                          mongo_server) -> None:
    env = crawl_env(mongo_server.uri, mongo_db.name)
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "site", "-a", "site=russianstudiesromania",
         "-a", f"base_url={mirror.base_url}", "-a", "discover=sitemaps",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "NEWSCRAWL_WORKERS=1",
         "-s", "NEWSCRAWL_MAX_ARTICLES=4", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.1"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "'finish_reason': 'closespider_itemcount'" in proc.stderr
    assert "progress: pages" in proc.stderr
    assert "listening" not in proc.stderr.lower()
    assert 4 <= mongo_db["articles"].count_documents({}) <= 8
    run = mongo_db["crawl_runs"].find_one()
    assert run["status"] == "finished" and run["spider"] == "site"


def test_a_crash_in_the_crawl_completes_the_run_record(mirror, mongo_db, mongo_server) -> None:
    result = run_crawl(mongo_db, mongo_server.uri, "russianstudiesromania", "--base-url",
                       mirror.base_url, "-s", "NEWSCRAWL_MAX_DEPTH=not-a-number")
    assert result.code == EXIT_FAILURE
    assert "failed" in result.stderr
    assert result.run is not None and result.run["status"] == "failed"
    assert "ValueError" in result.run["error"]


def test_the_same_job_cannot_run_twice_at_once(mongo_db, mongo_server, tmp_path) -> None:
    import fcntl

    jobdir = tmp_path / "jobs" / "nightly"
    jobdir.mkdir(parents=True)
    with (jobdir / ".newscrawl.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        env = crawl_env(mongo_server.uri, mongo_db.name, jobs_dir=tmp_path / "jobs")
        proc = newscrawl("crawl", "russianstudiesromania", "--job", "nightly", env=env)
    assert proc.returncode == EXIT_LOCKED
    assert "locked: job 'nightly' is already running" in proc.stderr


def test_a_job_directory_that_cannot_be_created_is_a_failure(mongo_db, mongo_server,
                                                             tmp_path) -> None:
    blocker = tmp_path / "jobs"
    blocker.write_text("a file where the jobs directory should be")
    env = crawl_env(mongo_server.uri, mongo_db.name, jobs_dir=blocker)
    proc = newscrawl("crawl", "russianstudiesromania", "--job", "nightly", env=env)
    assert proc.returncode == EXIT_FAILURE
    assert "job directory not writable" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_profile_path_and_extract_settings(generic_mirror, mongo_db, mongo_server,
                                           tmp_path) -> None:
    """A profile given as a path names the run by its ``name``; ``-s`` reaches the workers."""
    profile = tmp_path / "copy-of-the-profile.yaml"
    profile.write_text((REPO / "crawler" / "sites" / "wpgeneric.yaml").read_text())
    result = run_crawl(mongo_db, mongo_server.uri, str(profile), "--base-url",
                       generic_mirror.base_url, "--discover", "feeds",
                       "-s", "NEWSCRAWL_EXTRACT_MIN_WORDS=100000")
    assert result.run is not None, result.stderr[-3000:]
    assert result.run["_id"].startswith("wpgeneric-") and result.run["site"] == "wpgeneric"
    assert str(tmp_path) not in result.run["_id"]
    articles = len(generic_mirror.manifest["articles"])
    assert result.stat("extract/failed/empty_body") == articles, result.stats
    assert result.stat("extract/ok") == 0
    assert mongo_db.articles.count_documents({}) == 0
