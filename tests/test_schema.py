"""Stored articles, and the fields of ArticleItem, against crawler/schema/article.schema.json."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import jsonschema
import pytest

from crawler.commands.export import to_jsonable
from crawler.extraction.result import ExtractionResult
from crawler.items import ArticleItem, RelatedLink
from crawler.storage.catalogue import Catalogue
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from pipelines.dedup import Deduplicator
from tests.crawlutil import Counts
from tests.factories import BASE, article_item

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "crawler" / "schema" /
                     "article.schema.json").read_text())

# ArticleItem fields that are not stored under their own name, and where they go instead.
NOT_STORED = {
    "request_url": "aliases",
    "page_canonical": "canonical_url / aliases",
    "page_type": "validation only",
    "reject_reason": "validation only",
    "fetched_at": "first_seen / last_seen",
    "dedup": "writer decision only",
}


# ExtractionResult fields that the item does not carry under their own name.
NOT_ITEM_FIELDS = {
    "ok": "reject_reason", "reason": "reject_reason",
    "encoding": "decoding only", "ms": "stats", "cpu_ms": "stats",
}


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_item_field_is_in_the_schema_or_accounted_for():
    fields = {f.name for f in dataclasses.fields(ArticleItem)}
    properties = set(SCHEMA["properties"])
    assert fields - properties == set(NOT_STORED)
    related = SCHEMA["properties"]["related"]["items"]["properties"]
    assert {f.name for f in dataclasses.fields(RelatedLink)} == set(related)


def test_the_extraction_result_uses_the_item_s_names():
    result = {f.name for f in dataclasses.fields(ExtractionResult)}
    item = {f.name for f in dataclasses.fields(ArticleItem)}
    assert result - item == set(NOT_ITEM_FIELDS)


def test_stored_documents_validate(schema_db):
    mongo_db = schema_db
    rng = random.Random(3)
    text = " ".join(f"w{rng.randint(0, 5000)}" for _ in range(300))
    items = [
        article_item("a", text, title="A", description="d", authors=["Ana Pop"], language="en",
                    published_at="2024-05-01T07:00:00+00:00",
                    published_local="2024-05-01T10:00:00+03:00", published_day="2024-05-01",
                    modified_at="2024-05-02",
                    categories=["Politics"], tags=["energy"], site_name="RCRS",
                    image={"url": f"{BASE}/a.jpg", "caption": None},
                    body_markdown="# A\n\n" + text,
                    provenance={"title": "og:title", "published_day": "page-offset"},
                    http={"status": 200, "etag": '"x"', "last_modified": None},
                    related=[RelatedLink(url=f"{BASE}/2024/05/02/b/", text="B",
                                         label="related", position=0)]),
        article_item("repost", text + " extra words here", day="2024-05-03", title="Repost"),
        article_item("copy", text, day="2024-05-04", title="Copy"),
    ]
    dedup = Deduplicator(Catalogue(db=mongo_db))
    for item in items:
        dedup.check(item)
    writer = ArticleWriter(mongo_db, stats=Counts())
    writer.write_batch([build_article(i, threshold=0.8) for i in items])
    changed = dataclasses.replace(items[0], title="A, corrected", dedup="")
    writer.write_batch([build_article(changed, threshold=0.8)])
    docs = list(mongo_db.articles.find())
    assert len(docs) == 2 and any(d.get("duplicate_of") for d in docs)
    v = validator()
    for doc in docs:
        errors = [e.message for e in v.iter_errors(to_jsonable(doc))]
        assert errors == [], doc["_id"]


def test_schema_rejects_unknown_and_malformed_fields(schema_db):
    mongo_db = schema_db
    item = article_item("a", "some text here", site="s", title="A")
    ArticleWriter(mongo_db, stats=Counts()).write_batch([build_article(item, threshold=0.8)])
    doc = to_jsonable(mongo_db.articles.find_one())
    v = validator()
    assert v.is_valid(doc)
    with pytest.raises(jsonschema.ValidationError):
        v.validate({**doc, "unexpected": 1})
    with pytest.raises(jsonschema.ValidationError):
        v.validate({**doc, "published_at": "yesterday"})
