"""``newscrawl extract`` on files."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest

from crawler.commands import extract as command

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
SEED = FIXTURES / "russianstudiesromania_seed.html.gz"
SEED_URL = json.loads((FIXTURES / "russianstudiesromania_seed.json").read_text())["url"]
REQUIRED = {"source", "text", "title", "authors", "published_at", "published_local",
            "published_day", "modified_at", "language",
            "categories", "tags", "related"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    code = command.run(parser.parse_args(argv))
    out = capsys.readouterr().out
    if "--format" in argv and argv[argv.index("--format") + 1] == "json":
        return code, json.loads(out)
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


def test_many_files_one_object_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "seed.html"
    plain.write_bytes(gzip.decompress(SEED.read_bytes()))
    code, records = run([str(SEED), str(plain), "--url", SEED_URL], capsys)
    assert code == 0
    assert [r["source"] for r in records] == [str(SEED), str(plain)]
    for record in records:
        assert set(record) >= REQUIRED
        assert record["text"].startswith("Lukashenko’s first visit to Abkhazia")
        # the profile is picked from the URL's host
        assert {r["label"] for r in record["related"]} >= {"latest", "must_read"}


def test_site_option_and_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, records = run([str(SEED), "--site", "russianstudiesromania", "--url", SEED_URL,
                         "--format", "json"], capsys)
    assert code == 0 and len(records) == 1 and records[0]["ok"]


def test_generic_path_without_url(capsys: pytest.CaptureFixture[str]) -> None:
    page = FIXTURES / "generic_at_DiePresse_2025_06_05.html.gz"
    code, records = run([str(page)], capsys)
    assert code == 0 and records[0]["title"] == "Nennen wir ihn doch Golf von Nordamerika"


def test_bad_inputs_give_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    code, records = run([str(SEED), str(empty), str(tmp_path / "missing.html"),
                         "--url", SEED_URL], capsys)
    assert code == 3  # partial failure
    assert [r["ok"] for r in records] == [True, False, False]
    assert records[1]["reason"] == "empty_document"
    assert records[2]["reason"].startswith("unreadable")
    code, _ = run([str(empty)], capsys)
    assert code == 1
    code, _ = run([str(SEED), "--site", "no-such-site"], capsys)
    assert code == 2
