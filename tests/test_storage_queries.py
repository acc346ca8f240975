"""Every query of docs/data-model.md runs against the real server and finds something."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pymongo.errors import OperationFailure

from crawler.items import ArticleItem
from crawler.storage.catalogue import Catalogue
from crawler.storage.client import capabilities
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from crawler.urls import article_id as id_of
from pipelines.dedup import Deduplicator
from pipelines.normalize import NormalizePipeline
from tests.crawlutil import Counts
from tests.factories import BASE, article_item, stats

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
# The stage each MongoDB-only block needs, as named in its marker comment.
NEEDS = {"$graphLookup": "graph_lookup", "$lookup": "lookup", "$text": "text_index"}


def text(seed: int) -> str:
    rng = random.Random(seed)
    return "Energy policy. " + " ".join(f"w{rng.randint(0, 4000)}" for _ in range(200))


def item(slug: str, seed: int, links: tuple[str, ...] = (), **fields) -> ArticleItem:
    """As the spider yields it: the fetched URL with a tracking parameter, not normalised."""
    it = article_item(slug, fields.pop("body", None) or text(seed), links=links,
                      title=slug.upper(), authors=["Ana Pop"],
                      categories=["Politics", "Energy"], published_at="2024-05-01T08:00:00Z",
                      canonical_url="", aliases=[], **fields)
    it.url += "?utm_source=rss"
    return it


@pytest.fixture
def graph_db(schema_db):
    """a -> b -> c, d a near-duplicate of a, a revised once."""

    normalize = NormalizePipeline(stats())
    dedup = Deduplicator(Catalogue(db=schema_db))
    a_text = text(1)
    near = a_text.split()
    near[20:22] = ["small", "edit"]
    items = [item("a", 1, ("b",)), item("b", 2, ("c",)), item("c", 3),
             item("d", 4, body=" ".join(near))]
    for it in items:
        normalize.process_item(it)
        dedup.check(it)
    writer = ArticleWriter(schema_db, stats=Counts())
    writer.write_batch([build_article(it, threshold=0.8) for it in items])
    items[0].title = "A, corrected"
    writer.write_batch([build_article(items[0], threshold=0.8)])
    assert schema_db.articles.find_one({"duplicate_of": id_of(f"{BASE}/2024/05/01/a/")})
    return schema_db


def test_the_doc_has_the_promised_queries():
    assert len(BLOCKS) >= 12


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_documented_query_runs(graph_db, index):
    code = BLOCKS[index]
    marker = re.match(r"# MongoDB only \((\$\w+)\)", code)
    namespace = {"db": graph_db, "article_id": id_of(f"{BASE}/2024/05/01/a/"),
                 "since": datetime(2024, 1, 1, tzinfo=UTC)}
    compiled = compile(code, f"{DOC.name} block {index + 1}", "exec")
    if marker and not getattr(capabilities(graph_db), NEEDS[marker.group(1)]):
        # This server lacks the stage, as documented; the portable form is its own block.
        with pytest.raises(OperationFailure):
            exec(compiled, namespace)
        return
    exec(compiled, namespace)
    result = namespace["result"]
    assert result, f"block {index + 1} found nothing:\n{code}"


def test_two_hop_portable_query_reaches_b_and_c(graph_db):
    code = next(b for b in BLOCKS if b.startswith("hop1"))
    namespace = {"db": graph_db, "article_id": id_of(f"{BASE}/2024/05/01/a/")}
    exec(code, namespace)
    assert {a["canonical_url"] for a in namespace["result"]} == {
        f"{BASE}/2024/05/01/b/", f"{BASE}/2024/05/01/c/"}
