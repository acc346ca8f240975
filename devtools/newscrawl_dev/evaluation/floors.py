"""Per-page regression floors of newscrawl's own extraction, kept in
``bench/extraction/floors.json``.

Every page of every set is extracted the way a user runs ``newscrawl extract FILE`` (no URL).
A page's floor is its body F1 minus :data:`TOLERANCE`, plus the title, authors and date it
gets right;
``words`` records how many words plain trafilatura (defaults) finds on the page, so that a
test can check that newscrawl never returns an empty body where the library finds one.
Regenerate after an accepted change with ``python -m newscrawl_dev.evaluation.floors``.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from newscrawl_dev.evaluation.compare import scored_authors
from newscrawl_dev.evaluation.datasets import LOADERS, Page, bench_dir
from newscrawl_dev.evaluation.scoring import authors_f1, date_match, page_counts, title_match

TOLERANCE = 0.02


def floors_path(root: Path | None = None) -> Path:
    return (root or bench_dir()) / "floors.json"


def measure(page: Page) -> dict[str, Any]:
    """newscrawl on the page bytes alone: ok, body F1, words, title, authors and date right."""
    from crawler.extraction import ExtractOptions, extract

    result = extract(page.html(), ExtractOptions(content_type="text/html; charset=utf-8"))
    counts = page_counts(page.expected["body"], result.text)
    p, r = counts.precision or 0.0, counts.recall or 0.0
    out: dict[str, Any] = {"ok": result.ok, "reason": result.reason,
                           "f1": 2 * p * r / (p + r) if p + r else 0.0,
                           "words": result.word_count}
    if page.dataset != "extraction":
        out["title"] = title_match(page.expected["title"], result.title)
        if page.expected["authors"] is not None:
            out["authors"] = authors_f1(page.expected["authors"], scored_authors(result)) == 1.0
        if page.expected["published"]:
            out["date"] = date_match(page.expected["published"], result.published_local)
    return out


def trafilatura_words(page: Page) -> int:
    import trafilatura

    return len((trafilatura.extract(page.html().decode("utf-8", "replace")) or "").split())


def all_pages() -> list[Page]:
    return [page for load in LOADERS.values() for page in load()]


def measure_all(pages: list[Page], workers: int | None = None) -> list[dict[str, Any]]:
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(measure, pages, chunksize=4))


def build(workers: int | None = None) -> dict[str, Any]:
    pages = all_pages()
    scores = measure_all(pages, workers)
    with ProcessPoolExecutor(workers or max(1, min(os.cpu_count() or 1, 4))) as pool:
        words = list(pool.map(trafilatura_words, pages, chunksize=4))
    floors: dict[str, dict[str, Any]] = {}
    for page, score, found in zip(pages, scores, words, strict=True):
        entry: dict[str, Any] = {"f1": round(max(0.0, score["f1"] - TOLERANCE), 3),
                                 "trafilatura_words": found}
        for key in ("title", "authors", "date"):
            if score.get(key):
                entry[key] = True
        floors[f"{page.dataset}/{page.id}"] = entry
    return {"tolerance": TOLERANCE, "pages": floors}


if __name__ == "__main__":
    floors_path().write_text(json.dumps(build(), indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
