"""The command line: every subcommand is listed with help, and Scrapy's own CLI works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crawler.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def test_help_lists_every_subcommand(capsys) -> None:
    parser = build_parser()
    text = " ".join(parser.format_help().split())
    for name, _module, help_text in COMMANDS:
        assert name in text
        assert help_text in text


def test_every_subcommand_has_its_own_help() -> None:
    for name, _module, _help in COMMANDS:
        proc = subprocess.run([sys.executable, "-m", "crawler.cli", name, "--help"],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert f"newscrawl {name}" in proc.stdout


def test_no_command_prints_help_and_usage_exit_code(capsys) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_scrapy_list_from_repository_root() -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "list"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert {"site", "urls"} <= set(proc.stdout.split())


def test_dev_commands_come_from_the_installed_test_bench() -> None:
    """``mirror``/``demo``/``eval``/``bench`` are the test bench's entry points, not built-in."""
    from crawler.cli import all_commands

    built_in = {name for name, _module, _help in COMMANDS}
    found = all_commands()
    for name in ("mirror", "demo", "eval", "bench"):
        assert name not in built_in
        assert found[name].startswith("newscrawl_dev.commands.")


def test_no_shipped_module_imports_the_test_bench() -> None:
    """The crawler package must work without ``newscrawl_dev`` installed."""
    offenders = []
    for folder in ("crawler", "spiders", "pipelines"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "newscrawl_dev" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    proc = subprocess.run(
        [sys.executable, "-m", "tests.scripts.without_bench"],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "crawl" in proc.stdout
