"""newscrawl's own per-page floors on every benchmark page, extracted without a URL as
``newscrawl extract FILE`` does: body F1 no lower than the committed floor, titles, authors
and dates that were right stay right, and never an empty body where plain trafilatura finds one."""

from __future__ import annotations

import json

import pytest

from newscrawl_dev.evaluation.floors import all_pages, floors_path, measure_all


@pytest.fixture(scope="module")
def measured() -> dict[str, dict]:
    pages = all_pages()
    return {f"{p.dataset}/{p.id}": m for p, m in zip(pages, measure_all(pages, 2), strict=True)}


@pytest.fixture(scope="module")
def floors() -> dict[str, dict]:
    return json.loads(floors_path().read_text(encoding="utf-8"))["pages"]


def test_every_page_has_a_floor(measured: dict, floors: dict) -> None:
    assert set(measured) == set(floors)


def test_no_empty_body_where_trafilatura_finds_one(measured: dict, floors: dict) -> None:
    empty = [key for key, m in measured.items()
             if floors[key]["trafilatura_words"] > 0 and not (m["ok"] and m["words"])]
    assert empty == []


def test_body_title_authors_and_date_floors_hold(measured: dict, floors: dict) -> None:
    below = [(key, round(m["f1"], 3), floor["f1"]) for key, m in measured.items()
             if m["f1"] < (floor := floors[key])["f1"]]
    assert below == []
    lost = [(key, field) for key, floor in floors.items()
            for field in ("title", "authors", "date")
            if floor.get(field) and not measured[key].get(field)]
    assert lost == []
