"""``newscrawl stats``: counts per day, category, links and duplicates."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawler.cli import main
from crawler.commands.stats import collect
from crawler.items import RelatedLink
from crawler.storage.indexes import ensure_schema
from crawler.storage.models import build_article
from crawler.storage.writer import ArticleWriter
from tests.crawlutil import Counts
from tests.factories import BASE, article_item


def store(db) -> None:
    ensure_schema(db)
    specs = [("a", "2024-05-01", ["Politics"], ["b", "c"]), ("b", "2024-05-01", ["Energy"], ["c"]),
             ("c", "2024-05-02", ["Politics", "Energy"], []), ("d", "2024-05-02", ["Politics"], [])]
    docs = []
    for slug, day, cats, links in specs:
        item = article_item(
            slug, f"body of {slug} " * 30, day=day, title=slug.upper(), categories=cats,
            published_at=f"{day}T10:00:00Z",
            duplicate_of="0" * 40 if slug == "d" else None,
            related=[RelatedLink(url=f"{BASE}/2024/05/0{1 if t != 'c' else 2}/{t}/", text=t,
                                 label="related", position=i) for i, t in enumerate(links)])
        docs.append(build_article(item, threshold=0.8))
    docs[0]["related"].append({"url": f"{BASE}/elsewhere/", "label": "latest", "text": "x",
                               "position": 0})
    ArticleWriter(db, stats=Counts()).write_batch(docs)


def test_collect(mongo_db):
    store(mongo_db)
    stats = collect(mongo_db, days=3, today=datetime(2024, 5, 2, tzinfo=UTC))
    assert stats["articles"] == 4
    assert stats["near_duplicates"] == 1
    assert stats["per_day"] == {"2024-05-01": 2, "2024-05-02": 2}
    assert stats["per_category"] == [{"category": "Energy", "articles": 2},
                                     {"category": "Politics", "articles": 2}]
    assert stats["links"] == 4 and stats["links_resolved"] == 3
    assert stats["most_linked"][0]["title"] == "C"
    assert stats["most_linked"][0]["inbound"] == 2
    only = collect(mongo_db, site="nothing-here", days=3,
                   today=datetime(2024, 5, 2, tzinfo=UTC))
    assert only["articles"] == 0 and only["links"] == 0


def test_cli_json(mongo_server, mongo_db, capsys):
    store(mongo_db)
    code = main(["stats", "--json", "--days", "100000", "--mongo-uri", mongo_server.uri,
                 "--database", mongo_db.name])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["articles"] == 4 and sum(out["per_day"].values()) == 4
    code = main(["stats", "--mongo-uri", mongo_server.uri, "--database", mongo_db.name])
    assert code == 0
    assert "near-duplicates  1" in capsys.readouterr().out
