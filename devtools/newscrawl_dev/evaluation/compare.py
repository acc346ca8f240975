"""Run extractors over the benchmark pages and score them side by side.

Extractors see the page bytes only; on ``metadata/`` and ``readability/`` they also get the
page URL when one is known, as the reference runs in the benchmark README did.  Pages are
spread over worker processes.  Every set is scored twice: all its pages, and the held-out
split of ``bench/extraction/holdout.json`` (sites no rule was tuned on).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from newscrawl_dev.evaluation.datasets import LOADERS, Page
from newscrawl_dev.evaluation.holdout import load_holdout
from newscrawl_dev.evaluation.scoring import (
    authors_f1,
    body_score,
    date_match,
    page_counts,
    title_match,
)

if TYPE_CHECKING:
    from crawler.extraction.result import ExtractionResult

Prediction = dict[str, Any]  # body, title, authors, published


def run_newscrawl(page: Page) -> Prediction:
    from crawler.extraction import ExtractOptions, extract

    url = page.url if page.dataset != "extraction" else ""
    result = extract(page.html(), ExtractOptions(url=url, content_type="text/html; charset=utf-8"))
    return {"body": result.text, "title": result.title, "authors": scored_authors(result),
            "published": result.published_local}


def scored_authors(result: ExtractionResult) -> list[str]:
    """The names compared with a benchmark's authors.

    The benchmarks list the agencies of a byline with its people, and the outlet when
    nobody else is named: newscrawl keeps both apart (authors, credits).
    """
    from crawler.extraction.selectors import AGENCY_CREDIT

    if not result.authors:
        return list(result.credits)
    return [*result.authors, *(c for c in result.credits if AGENCY_CREDIT.match(c))]


def _trafilatura(page: Page, **kwargs: Any) -> Prediction:
    import trafilatura

    html = page.html().decode("utf-8", errors="replace")
    if page.dataset == "extraction":
        return {"body": trafilatura.extract(html, **kwargs) or ""}
    doc = trafilatura.bare_extraction(html, url=page.url or None, with_metadata=True, **kwargs)
    if doc is None:
        return {"body": ""}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"body": doc.text or "", "title": doc.title, "authors": authors,
            "published": doc.date}


def run_trafilatura(page: Page) -> Prediction:
    return _trafilatura(page)


def run_trafilatura_precision(page: Page) -> Prediction:
    return _trafilatura(page, include_comments=False, favor_precision=True)


SYSTEMS: dict[str, Callable[[Page], Prediction]] = {
    "newscrawl": run_newscrawl,
    "trafilatura": run_trafilatura,
    "trafilatura-precision": run_trafilatura_precision,
}
SYSTEM_NOTES = {
    "newscrawl": "generic path, no site profile",
    "trafilatura": "trafilatura.extract defaults",
    "trafilatura-precision": "include_comments=False, favor_precision=True",
}


def _job(args: tuple[str, Page]) -> tuple[str, str, str, Prediction]:
    name, page = args
    return name, page.dataset, page.id, SYSTEMS[name](page)


@dataclass
class Scores:
    system: str
    dataset: str
    split: str  # "all" | "held-out"
    pages: int
    precision: float
    recall: float
    f1: float
    accuracy: float
    f1_std: float
    title: float | None = None
    authors: float | None = None
    date: float | None = None
    per_page: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self, per_page: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not per_page:
            data.pop("per_page")
        return data


def score(system: str, dataset: str, pages: list[Page], predictions: dict[str, Prediction],
          bootstrap: int = 1000, split: str = "all") -> Scores:
    counts = []
    per_page: dict[str, dict[str, Any]] = {}
    titles, authors, dates = [], [], []
    for page in pages:
        pred = predictions.get(page.id, {})
        c = page_counts(page.expected["body"], pred.get("body"))
        counts.append(c)
        per_page[page.id] = {"precision": c.precision, "recall": c.recall}
        if dataset in METADATA_SETS:
            titles.append(title_match(page.expected["title"], pred.get("title")))
            per_page[page.id]["title"] = titles[-1]
            if page.expected["authors"] is not None:
                authors.append(authors_f1(page.expected["authors"], pred.get("authors")))
                per_page[page.id]["authors"] = authors[-1]
            # readability/ knows the date of some pages only: unknown is not scored
            if page.expected["published"] is not None or dataset == "metadata":
                dates.append(date_match(page.expected["published"], pred.get("published")))
                per_page[page.id]["date"] = dates[-1]
    body = body_score(counts, bootstrap=bootstrap)
    meta = dataset in METADATA_SETS
    return Scores(system, dataset, split, len(pages), body.precision, body.recall, body.f1,
                  body.accuracy, body.f1_std,
                  title=mean(titles) if meta else None,
                  authors=mean(authors) if meta else None,
                  date=mean(dates) if meta else None,
                  per_page=per_page)


METADATA_SETS = ("metadata", "readability")


def mean(values: list[float] | list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate(systems: list[str], datasets: list[str], workers: int | None = None,
             limit: int | None = None, bootstrap: int = 1000) -> list[Scores]:
    chosen = {name: LOADERS[name]()[:limit] if limit else LOADERS[name]() for name in datasets}
    jobs = [(s, p) for s in systems for name in datasets for p in chosen[name]]
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    predictions: dict[tuple[str, str], dict[str, Prediction]] = {}
    if workers == 1:
        results = map(_job, jobs)
        for name, dataset, pid, pred in results:
            predictions.setdefault((name, dataset), {})[pid] = pred
    else:
        with ProcessPoolExecutor(workers) as pool:
            for name, dataset, pid, pred in pool.map(_job, jobs, chunksize=4):
                predictions.setdefault((name, dataset), {})[pid] = pred
    held = load_holdout()
    scores = []
    for d in datasets:
        held_pages = [p for p in chosen[d] if p.id in held.get(d, set())]
        for split, pages in (("all", chosen[d]), ("held-out", held_pages)):
            scores.extend(score(s, d, pages, predictions.get((s, d), {}), bootstrap, split)
                          for s in systems)
    return scores


def format_table(scores: list[Scores]) -> str:
    lines = []
    for dataset in dict.fromkeys(s.dataset for s in scores):
        for split in ("all", "held-out"):
            rows = [s for s in scores if s.dataset == dataset and s.split == split]
            if not rows:
                continue
            lines.append(f"{dataset}/ {split} ({rows[0].pages} pages)")
            if dataset not in METADATA_SETS:
                lines.append(f"  {'system':<24}{'precision':>10}{'recall':>9}{'F1':>8}{'±':>7}"
                             f"{'accuracy':>10}")
                for s in rows:
                    lines.append(f"  {s.system:<24}{s.precision:>10.3f}{s.recall:>9.3f}"
                                 f"{s.f1:>8.3f}{s.f1_std:>7.3f}{s.accuracy:>10.3f}")
            else:
                lines.append(f"  {'system':<24}{'title':>8}{'authors F1':>12}{'date (day)':>12}"
                             f"{'body F1':>9}{'body P':>8}{'body R':>8}")
                for s in rows:
                    lines.append(f"  {s.system:<24}{s.title or 0:>8.3f}{s.authors or 0:>12.3f}"
                                 f"{s.date or 0:>12.3f}{s.f1:>9.3f}{s.precision:>8.3f}"
                                 f"{s.recall:>8.3f}")
            lines.append("")
    for name in dict.fromkeys(s.system for s in scores):
        lines.append(f"  {name}: {SYSTEM_NOTES.get(name, '')}")
    return "\n".join(lines)
