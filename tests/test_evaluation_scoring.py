"""The benchmark scorer against small examples computed by hand."""

from __future__ import annotations

import pytest

from newscrawl_dev.evaluation.scoring import (
    authors_f1,
    body_score,
    date_match,
    page_counts,
    shingles,
    title_match,
    tokenize,
)


def test_tokens_are_word_runs_with_case_kept() -> None:
    assert tokenize("Hello, wörld_1 — 2nd!") == ["Hello", "wörld_1", "2nd"]


def test_short_text_is_one_shingle_and_long_text_overlaps() -> None:
    assert shingles("a b") == {"a b": 1}
    assert shingles("a b c d e") == {"a b c d": 1, "b c d e": 1}
    assert shingles("") == {}


def test_page_counts_are_normalised_multisets() -> None:
    # expected shingles: abcd, bcde ; predicted: abcd, bcdx -> tp 1, fp 1, fn 1
    c = page_counts("a b c d e", "a b c d x")
    assert (c.tp, c.fp, c.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert c.precision == pytest.approx(0.5) and c.recall == pytest.approx(0.5)
    assert not c.exact
    # repeated shingles count as many times as they occur
    c = page_counts("a b c d a b c d", "a b c d")
    assert c.precision == 1.0 and c.recall == pytest.approx(1 / 5)


def test_empty_prediction_has_zero_recall_and_no_precision() -> None:
    c = page_counts("a b c d e", "")
    assert c.precision is None and c.recall == 0.0


def test_f1_is_harmonic_mean_of_averages_not_average_of_f1() -> None:
    pages = [page_counts("a b c d e", "a b c d e"),   # P 1, R 1
             page_counts("a b c d e", "a b c d x"),   # P .5, R .5
             page_counts("a b c d e", "")]            # R 0, no P
    score = body_score(pages, bootstrap=0)
    assert score.precision == pytest.approx(0.75)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)
    assert score.accuracy == pytest.approx(1 / 3)


def test_accuracy_compares_token_sequences_only() -> None:
    assert page_counts("Hello,  world!\n\nBye.", "Hello world Bye").exact


def test_bootstrap_spread_is_reproducible_and_positive() -> None:
    pages = [page_counts("a b c d e f", p) for p in ("a b c d e f", "a b c d", "x y z w", "")]
    a, b = body_score(pages, bootstrap=200, seed=1), body_score(pages, bootstrap=200, seed=1)
    assert a.f1_std == b.f1_std > 0


def test_title_normalisation() -> None:
    assert title_match("Ein\u00adTitel  mit\u200b Raum ", "EinTitel mit Raum")
    assert title_match("ＡＢＣ", "ABC")  # NFKC
    assert not title_match("A title", "A Title")


def test_authors_f1_on_token_sets() -> None:
    assert authors_f1(["Miguel A. Herguedas"], ["miguel a herguedas"]) == 1.0
    assert authors_f1(["A B", "C D"], ["A B"]) == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert authors_f1(["A B"], []) == 0.0
    assert authors_f1([], []) == 1.0


def test_date_on_the_expected_day() -> None:
    assert date_match("2024-04-24T00:00:00", "2024-04-24")
    assert date_match("2024-04-24T23:30:00+02:00", "2024-04-24T21:30:00+00:00")
    assert date_match("2024-04-24T01:00:00+02:00", "2024-04-23T23:00:00+00:00")
    assert not date_match("2024-04-24T10:00:00+02:00", "2024-04-25T10:00:00+02:00")
    assert not date_match("2024-04-24", None)
    # no offset on the expected side: only the written day counts
    assert not date_match("2024-04-24T00:30:00", "2024-04-23T23:30:00+00:00")
