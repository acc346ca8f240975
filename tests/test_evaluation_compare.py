"""The benchmark runner: reproduces the README's reference figure and prints the table."""

from __future__ import annotations

import pytest

from newscrawl_dev.evaluation.compare import evaluate, format_table
from newscrawl_dev.evaluation.datasets import extraction_pages, metadata_pages


def test_datasets_are_complete() -> None:
    assert len(extraction_pages()) == 90
    pages = metadata_pages()
    assert len(pages) == 75
    assert all(p.expected["body"] and p.url for p in pages)


def test_reference_figure_of_plain_trafilatura_is_reproduced() -> None:
    """README: trafilatura 2.3.1, include_comments=False, favor_precision=True -> F1 0.962."""
    [score] = evaluate(["trafilatura-precision"], ["extraction"], workers=2, bootstrap=0)
    assert score.pages == 90
    assert score.f1 == pytest.approx(0.962, abs=0.0005)
    assert score.precision == pytest.approx(0.961, abs=0.0005)
    assert score.recall == pytest.approx(0.963, abs=0.0005)
    assert score.accuracy == pytest.approx(0.300, abs=0.0005)


def test_table_has_both_datasets_and_all_metrics() -> None:
    scores = evaluate(["newscrawl", "trafilatura"], ["extraction", "metadata"], workers=1,
                      limit=3, bootstrap=10)
    assert [(s.system, s.dataset) for s in scores] == [
        ("newscrawl", "extraction"), ("trafilatura", "extraction"),
        ("newscrawl", "metadata"), ("trafilatura", "metadata")]
    for s in scores:
        assert 0 <= s.precision <= 1 and 0 <= s.recall <= 1 and s.pages == 3
        assert (s.title is None) == (s.dataset == "extraction")
    table = format_table(scores)
    assert "extraction/ (3 pages)" in table and "metadata/ (3 pages)" in table
    assert "authors F1" in table and "accuracy" in table
