"""``newscrawl export``: JSONL and CSV, filters, streaming from a cursor."""

from __future__ import annotations

import csv
import json
from types import GeneratorType

from crawler.cli import main
from crawler.commands.export import INTERNAL_FIELDS, iter_articles, parse_since
from crawler.storage.indexes import ensure_schema
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from tests.crawlutil import Counts
from tests.factories import article_item


def store(db, n: int = 7) -> None:
    ensure_schema(db)
    items = []
    for i in range(n):
        items.append(article_item(
            f"article-{i}", f"First paragraph {i}.\n\nSecond, with a comma {i}.",
            day=f"2024-05-{i + 1:02d}", site="russianstudiesromania" if i % 2 == 0 else "other",
            title=f"Știre {i}, \"quoted\"", authors=["Ana Pop", "Ion Ionescu"],
            categories=["Politics"], published_at=f"2024-05-{i + 1:02d}T08:00:00Z"))
    ArticleWriter(db, stats=Counts()).write_batch(
        [build_article(it, threshold=0.8) for it in items])


def export(mongo_server, db, tmp_path, *extra: str) -> tuple[int, str]:
    out = tmp_path / "out"
    code = main(["export", "--mongo-uri", mongo_server.uri, "--database", db.name,
                 "--output", str(out), *extra])
    return code, out.read_text(encoding="utf-8") if out.exists() else ""


def test_jsonl_since_and_site(mongo_server, mongo_db, tmp_path):
    store(mongo_db)
    code, text = export(mongo_server, mongo_db, tmp_path, "--since", "2024-05-03")
    assert code == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["title"] for r in rows] == [f"Știre {i}, \"quoted\"" for i in range(2, 7)]
    assert rows[0]["published_at"] == "2024-05-03T08:00:00Z"
    assert not set(INTERNAL_FIELDS) & set(rows[0])
    code, text = export(mongo_server, mongo_db, tmp_path, "--since", "2024-05-03",
                        "--site", "other", "--all-fields")
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["site"] for r in rows] == ["other", "other"]
    assert len(rows[0]["minhash"]) == 128


def test_csv_round_trips_through_a_csv_reader(mongo_server, mongo_db, tmp_path):
    store(mongo_db)
    code, text = export(mongo_server, mongo_db, tmp_path, "--since", "2024-01-01",
                        "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(text.splitlines(keepends=True)))
    assert len(rows) == 7
    assert rows[0]["title"] == 'Știre 0, "quoted"'
    assert rows[0]["authors"] == "Ana Pop; Ion Ionescu"
    assert rows[0]["text"] == "First paragraph 0.\n\nSecond, with a comma 0."
    assert rows[0]["fetch_count"] == "1"


def test_updated_since_finds_recent_changes(mongo_server, mongo_db, tmp_path):
    store(mongo_db, 3)
    code, text = export(mongo_server, mongo_db, tmp_path, "--since", "2099-01-01",
                        "--date-field", "updated_at")
    assert code == 0 and text == ""
    code, text = export(mongo_server, mongo_db, tmp_path, "--since", "2000-01-01",
                        "--date-field", "updated_at")
    assert len(text.splitlines()) == 3


def test_streams_from_a_batched_cursor(mongo_db):
    store(mongo_db)
    docs = iter_articles(mongo_db, parse_since("2024-01-01"), batch_size=2)
    assert isinstance(docs, GeneratorType)
    first = next(docs)
    assert first["title"].startswith("Știre 0")
    assert len(list(docs)) == 6


def test_bad_date_is_a_usage_error(mongo_server, mongo_db, tmp_path):
    code, _ = export(mongo_server, mongo_db, tmp_path, "--since", "last tuesday")
    assert code == 2


def test_without_since_exports_every_article(mongo_server, mongo_db, tmp_path):
    store(mongo_db, 3)
    undated = article_item("undated", "A body without any date.", site="other")
    ArticleWriter(mongo_db, stats=Counts()).write_batch([build_article(undated, threshold=0.8)])
    code, text = export(mongo_server, mongo_db, tmp_path)
    assert code == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 4 and rows[0]["published_at"] is None
    assert {r["published_day"] for r in rows[1:]} == {"2024-05-01", "2024-05-02",
                                                       "2024-05-03"}
