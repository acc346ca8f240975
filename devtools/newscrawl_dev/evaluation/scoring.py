"""Scores for extracted bodies and metadata, exactly as ``bench/extraction/README.md`` defines them.

The body metric is the one of the article-extraction-benchmark: 4-token shingles compared
as multisets, per-page counts normalised to sum to one, precision and recall averaged over
pages, F1 the harmonic mean of the two averages.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from crawler.extraction.overlap import shingles, tokenize

_ZERO_WIDTH = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class PageCounts:
    """Normalised true positive, false positive and false negative shares of one page."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else None


def page_counts(expected: str | None, predicted: str | None) -> PageCounts:
    true, pred = shingles(expected), shingles(predicted)
    tp = fp = fn = 0
    for key in true.keys() | pred.keys():
        t, p = true.get(key, 0), pred.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    exact = tokenize(expected) == tokenize(predicted)
    if total == 0:
        return PageCounts(0.0, 0.0, 0.0, exact)
    return PageCounts(tp / total, fp / total, fn / total, exact)


@dataclass(frozen=True)
class BodyScore:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int
    f1_std: float = 0.0


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _aggregate(pages: Sequence[PageCounts]) -> tuple[float, float, float, float]:
    precision = _mean(p.precision for p in pages if p.precision is not None)
    recall = _mean(p.recall for p in pages if p.recall is not None)
    accuracy = _mean(1.0 if p.exact else 0.0 for p in pages)
    return precision, recall, _harmonic(precision, recall), accuracy


def body_score(pages: Sequence[PageCounts], bootstrap: int = 1000, seed: int = 0) -> BodyScore:
    """Aggregate page counts; the F1 spread is the std over ``bootstrap`` page resamples."""
    precision, recall, f1, accuracy = _aggregate(pages)
    std = 0.0
    if bootstrap and len(pages) > 1:
        rng = random.Random(seed)
        samples = [_aggregate(rng.choices(pages, k=len(pages)))[2] for _ in range(bootstrap)]
        mean = _mean(samples)
        std = (sum((s - mean) ** 2 for s in samples) / len(samples)) ** 0.5
    return BodyScore(precision, recall, f1, accuracy, len(pages), std)


# --- metadata ------------------------------------------------------------------------------

def normalize_title(title: str | None) -> str:
    text = unicodedata.normalize("NFKC", title or "")
    text = _ZERO_WIDTH.sub("", text)
    return " ".join(text.split())


def title_match(expected: str | None, predicted: str | None) -> bool:
    return normalize_title(expected) == normalize_title(predicted)


def _name_key(name: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in tokenize(name))


def authors_f1(expected: Sequence[str], predicted: Sequence[str] | None) -> float:
    """F1 between the sets of names, each compared as its lower-cased word tokens."""
    true = {k for k in map(_name_key, expected) if k}
    pred = {k for k in map(_name_key, predicted or []) if k}
    if not true and not pred:
        return 1.0
    hits = len(true & pred)
    if not hits:
        return 0.0
    return _harmonic(hits / len(pred), hits / len(true))


_DATE_PART = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _written_day(value: str) -> date | None:
    m = _DATE_PART.match(value or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


def date_match(expected: str | None, predicted: str | None) -> bool:
    """Same written calendar day, or the same day once converted to the expected offset."""
    if not expected or not predicted:
        return False
    day = _written_day(expected)
    if day is None:
        return False
    if _written_day(predicted) == day:
        return True
    exp, pred = _parse(expected), _parse(predicted)
    if exp is None or pred is None or exp.tzinfo is None or pred.tzinfo is None:
        return False
    return pred.astimezone(exp.tzinfo).date() == day
