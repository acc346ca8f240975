"""docker-compose.yml and the Dockerfile: checked as files (no Docker daemon needed)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler import settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_SOURCE = (ROOT / "crawler" / "settings.py").read_text()


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _as_list(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_mongo_service(compose: dict[str, Any]) -> None:
    mongo = compose["services"]["mongo"]
    assert mongo["image"] == "mongo:7"
    # Published on loopback only.
    assert mongo["ports"] == ["127.0.0.1:27017:27017"]
    # Data on a named volume declared at the top level.
    source, target = mongo["volumes"][0].split(":")[:2]
    assert target == "/data/db" and source in compose["volumes"]
    health = mongo["healthcheck"]
    test = _as_list(health["test"])
    assert test[0] == "CMD" and test[1] == "mongosh"
    assert "--eval" in test and test[test.index("--eval") + 1] == "db.adminCommand('ping')"
    for key in ("interval", "timeout", "retries"):
        assert health[key]


def test_crawler_service(compose: dict[str, Any]) -> None:
    crawler = compose["services"]["crawler"]
    assert crawler["build"]["context"] == "."
    assert crawler["build"]["dockerfile"] == "Dockerfile"
    assert (ROOT / crawler["build"]["dockerfile"]).is_file()
    assert crawler["depends_on"]["mongo"]["condition"] == "service_healthy"
    env = crawler["environment"]
    assert env["MONGO_URI"] == "mongodb://mongo:27017/"  # the service name resolves in compose
    assert "MONGO_DATABASE" in env
    # Every variable it sets is one that crawler/settings.py reads from the environment.
    read = set(re.findall(r'os\.environ\.get\("(\w+)"', SETTINGS_SOURCE))
    assert {"MONGO_URI", "MONGO_DATABASE"} <= read
    assert set(env) <= read, set(env) - read
    assert _as_list(crawler["command"]) == ["newscrawl", "crawl", "russianstudiesromania"]
    # The crawler listens on nothing.
    assert "ports" not in crawler and "expose" not in crawler
    for volume in crawler.get("volumes", []):
        assert volume.split(":")[0] in compose["volumes"]


def test_settings_take_the_database_from_the_environment(monkeypatch) -> None:
    import importlib

    monkeypatch.setenv("MONGO_URI", "mongodb://mongo:27017/")
    monkeypatch.setenv("MONGO_DATABASE", "composed")
    fresh = importlib.reload(settings)
    try:
        assert fresh.MONGO_URI == "mongodb://mongo:27017/"
        assert fresh.MONGO_DATABASE == "composed"
    finally:
        monkeypatch.undo()
        importlib.reload(settings)


def test_the_site_of_the_default_command_exists() -> None:
    assert (ROOT / "crawler" / "sites" / "russianstudiesromania.yaml").is_file()


def test_dockerfile(dockerfile: list[tuple[str, str]]) -> None:
    froms = [args for instr, args in dockerfile if instr == "FROM"]
    assert froms and all(args.split()[0] == "python:3.11-slim" for args in froms)
    runs = " ".join(args for instr, args in dockerfile if instr == "RUN")
    assert "requirements.lock" in runs
    assert re.search(r"pip install -c \S+ \.", runs)  # the lock as pip constraints
    users = [args for instr, args in dockerfile if instr == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    last_from = max(i for i, (instr, _) in enumerate(dockerfile) if instr == "FROM")
    final_stage = [instr for instr, _ in dockerfile[last_from:]]
    assert "USER" in final_stage
    cmd = [args for instr, args in dockerfile if instr == "CMD"]
    assert cmd and yaml.safe_load(cmd[-1]) == ["newscrawl", "crawl", "russianstudiesromania"]
    assert "EXPOSE" not in [instr for instr, _ in dockerfile]


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".cache"} <= ignored
    # Nothing the install needs is ignored.
    for needed in ("pyproject.toml", "requirements.lock", "crawler", "spiders", "pipelines"):
        assert needed not in ignored


def _environment_read_by_settings() -> set[str]:
    return set(re.findall(r'os\.environ\.get\("(\w+)"', SETTINGS_SOURCE))


def test_crawler_and_scheduler_use_doctor_as_healthcheck(compose: dict[str, Any]) -> None:
    for name in ("crawler", "scheduler"):
        health = compose["services"][name]["healthcheck"]
        assert _as_list(health["test"]) == ["CMD", "newscrawl", "doctor"]
        for key in ("interval", "timeout", "retries"):
            assert health[key]


def test_scheduler_service_runs_the_crontab(compose: dict[str, Any]) -> None:
    from crawler.cli import all_commands
    from crawler.ops.schedule import parse_crontab

    scheduler = compose["services"]["scheduler"]
    crawler = compose["services"]["crawler"]
    assert scheduler["image"] == crawler["image"] and scheduler["build"] == crawler["build"]
    assert scheduler["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert _as_list(scheduler["command"]) == ["newscrawl", "schedule"]
    assert "ports" not in scheduler and "expose" not in scheduler
    assert scheduler["restart"] == "unless-stopped"
    env = scheduler["environment"]
    assert set(env) <= _environment_read_by_settings(), set(env) - _environment_read_by_settings()
    assert env["MONGO_URI"] == crawler["environment"]["MONGO_URI"]
    # The crontab it reads is the repository's, mounted read-only, and every line parses.
    mounts = {v.split(":")[1]: v.split(":") for v in scheduler["volumes"]}
    source, _, mode = mounts[env["NEWSCRAWL_SCHEDULE_CRONTAB"]]
    assert mode == "ro"
    entries = parse_crontab((ROOT / source).read_text(), sorted(all_commands()))
    assert entries and all(e.argv[0] == "crawl" for e in entries)
    # Runs of the scheduler and of the one-shot crawler share job state and metrics.
    assert set(crawler["volumes"]) <= set(scheduler["volumes"])
    for volume in scheduler["volumes"]:
        assert volume.split(":")[0] in compose["volumes"] or volume.startswith("./")


def test_metrics_file_lives_on_a_volume_the_image_prepares(
        compose: dict[str, Any], dockerfile: list[tuple[str, str]]) -> None:
    env = compose["services"]["scheduler"]["environment"]
    folder = env["NEWSCRAWL_METRICS_FILE"].rsplit("/", 1)[0]
    assert env["NEWSCRAWL_METRICS_FILE"].endswith(".prom")  # the textfile collector's rule
    assert any(v.split(":")[1] == folder for v in compose["services"]["scheduler"]["volumes"])
    runs = " ".join(args for instr, args in dockerfile if instr == "RUN")
    assert folder in runs  # created and owned by the crawler's user, so the volume is too
