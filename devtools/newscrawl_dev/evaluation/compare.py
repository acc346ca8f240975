"""Run extractors over the benchmark pages and score them side by side.

Extractors see the page bytes only; on ``metadata/`` they also get the page URL, as the
reference runs in the benchmark README did.  Pages are spread over worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from newscrawl_dev.evaluation.datasets import Page, extraction_pages, metadata_pages
from newscrawl_dev.evaluation.scoring import (
    authors_f1,
    body_score,
    date_match,
    page_counts,
    title_match,
)

Prediction = dict[str, Any]  # body, title, authors, published


def run_newscrawl(page: Page) -> Prediction:
    from crawler.extraction import ExtractOptions, extract

    url = page.url if page.dataset == "metadata" else ""
    result = extract(page.html(), ExtractOptions(url=url, content_type="text/html; charset=utf-8"))
    return {"body": result.text, "title": result.title, "authors": result.authors,
            "published": result.published_local}


def _trafilatura(page: Page, **kwargs: Any) -> Prediction:
    import trafilatura

    html = page.html().decode("utf-8", errors="replace")
    if page.dataset == "extraction":
        return {"body": trafilatura.extract(html, **kwargs) or ""}
    doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True, **kwargs)
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


def score(system: str, dataset: str, pages: list[Page],
          predictions: dict[str, Prediction], bootstrap: int = 1000) -> Scores:
    counts = []
    per_page: dict[str, dict[str, Any]] = {}
    titles, authors, dates = [], [], []
    for page in pages:
        pred = predictions.get(page.id, {})
        c = page_counts(page.expected["body"], pred.get("body"))
        counts.append(c)
        per_page[page.id] = {"precision": c.precision, "recall": c.recall}
        if dataset == "metadata":
            titles.append(title_match(page.expected["title"], pred.get("title")))
            if page.expected["authors"] is not None:
                authors.append(authors_f1(page.expected["authors"], pred.get("authors")))
            dates.append(date_match(page.expected["published"], pred.get("published")))
            per_page[page.id].update(title=titles[-1], date=dates[-1],
                                     authors=authors[-1] if page.expected["authors"] is not None
                                     else None)
    body = body_score(counts, bootstrap=bootstrap)
    return Scores(system, dataset, len(pages), body.precision, body.recall, body.f1,
                  body.accuracy, body.f1_std,
                  title=mean(titles) if dataset == "metadata" else None,
                  authors=mean(authors) if dataset == "metadata" else None,
                  date=mean(dates) if dataset == "metadata" else None,
                  per_page=per_page)


def mean(values: list[float] | list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate(systems: list[str], datasets: list[str], workers: int | None = None,
             limit: int | None = None, bootstrap: int = 1000) -> list[Scores]:
    pages = {"extraction": extraction_pages, "metadata": metadata_pages}
    chosen = {name: pages[name]()[:limit] if limit else pages[name]() for name in datasets}
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
    return [score(s, d, chosen[d], predictions.get((s, d), {}), bootstrap)
            for d in datasets for s in systems]


def format_table(scores: list[Scores]) -> str:
    lines = []
    for dataset in dict.fromkeys(s.dataset for s in scores):
        rows = [s for s in scores if s.dataset == dataset]
        lines.append(f"{dataset}/ ({rows[0].pages} pages)")
        if dataset == "extraction":
            lines.append(f"  {'system':<24}{'precision':>10}{'recall':>9}{'F1':>8}{'±':>7}"
                         f"{'accuracy':>10}")
            for s in rows:
                lines.append(f"  {s.system:<24}{s.precision:>10.3f}{s.recall:>9.3f}{s.f1:>8.3f}"
                             f"{s.f1_std:>7.3f}{s.accuracy:>10.3f}")
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
