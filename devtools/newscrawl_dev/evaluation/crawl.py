"""Score what a crawl stored against a mirror's manifest.

``found``: share of the manifest's articles stored (canonical URL or alias);
``non_articles``: share of stored documents that are not manifest articles (nor the
republished copy); ``body``: token F1 (:mod:`.scoring`) averaged over found articles;
``title``: exact titles; ``date``: the publisher's calendar day of publication;
``related_p``/``related_r``: edges ``(from, to)`` stored in ``links`` against the
manifest's labelled blocks and inline links; ``related_label``: share of matched edges
with the manifest's label.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.urls import canonicalize
from newscrawl_dev.evaluation.scoring import page_counts, title_match


def _day(value: Any, like: datetime) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value[:10]
    if value.tzinfo is not None and like.tzinfo is not None:
        value = value.astimezone(like.tzinfo)
    return value.date().isoformat()


def score_crawl(db: Any, manifest: dict[str, Any], site: str | None = None) -> dict[str, Any]:
    query = {"site": site} if site else {}
    docs = list(db["articles"].find(query))
    expected = {canonicalize(a["url"]): a for a in manifest["articles"]}
    copies = {canonicalize(d["url"]) for d in manifest.get("duplicates") or []}
    by_url: dict[str, dict[str, Any]] = {}
    for doc in docs:
        for url in [doc["canonical_url"], *[canonicalize(u) for u in doc.get("aliases") or []]]:
            by_url.setdefault(url, doc)
    found = [u for u in expected if u in by_url]
    stray = [d["canonical_url"] for d in docs
             if d["canonical_url"] not in expected and d["canonical_url"] not in copies
             and not d.get("duplicate_of")]
    f1s, titles, dates = [], 0, 0
    for url in found:
        want, doc = expected[url], by_url[url]
        counts = page_counts(want["body"], doc.get("text") or "")
        p, r = counts.precision or 0.0, counts.recall or 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        titles += title_match(want["title"], doc.get("title"))
        if want.get("published_day") and doc.get("published_day"):
            dates += doc["published_day"] == want["published_day"]
        else:
            published = datetime.fromisoformat(want["published"])
            dates += _day(doc.get("published_at"), published) == published.date().isoformat()
    ids = {d["_id"]: d["canonical_url"] for d in docs}
    want_edges = {(canonicalize(a["url"]), canonicalize(r["url"])): r["label"]
                  for a in manifest["articles"] for r in a["related"]}
    got_edges: dict[tuple[str, str], set[str]] = {}
    for link in db["links"].find({"from_id": {"$in": list(ids)}}):
        source = ids[link["from_id"]]
        got_edges.setdefault((source, canonicalize(link["to_url"])), set()).add(link["label"])
    # Only edges from found articles can be recalled.
    want_found = {k: v for k, v in want_edges.items() if k[0] in by_url}
    matched = [k for k in got_edges if k in want_found]
    n = max(len(found), 1)
    return {
        "articles": len(expected), "stored": len(docs),
        "found": len(found) / max(len(expected), 1),
        "non_articles": len(stray) / max(len(docs), 1), "stray": sorted(stray),
        "body": sum(f1s) / n, "title": titles / n, "date": dates / n,
        "related_p": len(matched) / max(len(got_edges), 1),
        "related_r": len(matched) / max(len(want_found), 1),
        "related_label": sum(want_found[k] in got_edges[k] for k in matched)
        / max(len(matched), 1),
        "edges": len(got_edges), "expected_edges": len(want_found),
        "stray_edges": sorted(k for k in got_edges if k not in want_found)[:20],
    }
