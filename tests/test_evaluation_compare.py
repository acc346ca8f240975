"""The benchmark runner: reproduces the README's reference figure and prints the table."""

from __future__ import annotations

import json

import pytest

from newscrawl_dev.evaluation.compare import evaluate, format_table
from newscrawl_dev.evaluation.datasets import (
    LOADERS,
    extraction_pages,
    metadata_pages,
    readability_pages,
)
from newscrawl_dev.evaluation.holdout import RULE, held_out, holdout_path, site_of, split


def test_datasets_are_complete() -> None:
    assert len(extraction_pages()) == 90
    pages = metadata_pages()
    assert len(pages) == 75
    assert all(p.expected["body"] and p.url for p in pages)
    pages = readability_pages()
    assert len(pages) == 45
    assert all(p.expected["body"] for p in pages)


def test_held_out_split_is_the_committed_one_and_keeps_sites_whole() -> None:
    data = json.loads(holdout_path().read_text(encoding="utf-8"))
    assert data["rule"] == RULE
    for name, load in LOADERS.items():
        pages = load()
        assert data["sets"][name] == split(pages)
        held = set(data["sets"][name]["pages"])
        assert 0.2 < len(held) / len(pages) < 0.45
        for page in pages:
            assert (page.id in held) == held_out(site_of(page))


def test_reference_figure_of_plain_trafilatura_is_reproduced() -> None:
    """README: trafilatura 2.3.1, include_comments=False, favor_precision=True -> F1 0.962."""
    score, held = evaluate(["trafilatura-precision"], ["extraction"], workers=2, bootstrap=0)
    assert score.pages == 90 and score.split == "all" and held.split == "held-out"
    assert score.f1 == pytest.approx(0.962, abs=0.0005)
    assert score.precision == pytest.approx(0.961, abs=0.0005)
    assert score.recall == pytest.approx(0.963, abs=0.0005)
    assert score.accuracy == pytest.approx(0.300, abs=0.0005)


def test_table_has_every_dataset_both_splits_and_all_metrics() -> None:
    scores = evaluate(["newscrawl", "trafilatura"], ["extraction", "metadata", "readability"],
                      workers=1, limit=3, bootstrap=10)
    assert [(s.system, s.dataset, s.split) for s in scores] == [
        (system, dataset, part) for dataset in ("extraction", "metadata", "readability")
        for part in ("all", "held-out") for system in ("newscrawl", "trafilatura")]
    for s in scores:
        assert 0 <= s.precision <= 1 and 0 <= s.recall <= 1
        assert s.pages == 3 if s.split == "all" else s.pages <= 3
        assert (s.title is None) == (s.dataset == "extraction")
    table = format_table(scores)
    assert "extraction/ all (3 pages)" in table and "metadata/ all (3 pages)" in table
    assert "readability/ all (3 pages)" in table and "held-out" in table
    assert "authors F1" in table and "accuracy" in table
