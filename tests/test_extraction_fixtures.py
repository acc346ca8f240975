"""Saved pages (gzipped HTML) against their expected JSON, field by field (Fundus-style).

Each ``tests/fixtures/extraction/NAME.json`` holds the page ``url``, the ``site`` profile
(or null for the generic path) and the ``expected`` fields of the result.  The seed page is
the offline mirror's rendering of the first site's seed article, with the site's origin.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from crawler.extraction import ExtractOptions, extract
from crawler.profiles import load_profile

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
CASES = sorted(FIXTURES.glob("*.json"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fixture_page(case: Path) -> None:
    spec = json.loads(case.read_text(encoding="utf-8"))
    html = gzip.decompress(case.with_name(case.stem + ".html.gz").read_bytes())
    profile = load_profile(spec["site"]) if spec["site"] else None
    result = extract(html, ExtractOptions(url=spec["url"], profile=profile)).to_dict()
    for name, expected in spec["expected"].items():
        assert result[name] == expected, name


def test_there_are_fixtures_for_both_paths() -> None:
    sites = {json.loads(c.read_text(encoding="utf-8"))["site"] for c in CASES}
    assert None in sites and "russianstudiesromania" in sites


def test_seed_fixture_body_and_links() -> None:
    spec = json.loads((FIXTURES / "russianstudiesromania_seed.json").read_text(encoding="utf-8"))
    text = spec["expected"]["text"]
    assert text.startswith("Lukashenko’s first visit to Abkhazia\n\n")
    assert text.endswith("with the aim of attacking Kyiv again.")
    labels = [r["label"] for r in spec["expected"]["related"]]
    assert labels.count("latest") == 6 and labels.count("must_read") == 2


def test_title_is_not_repeated_in_the_body() -> None:
    spec = json.loads((FIXTURES / "generic_us_APNews_2024_09_03.json").read_text(
        encoding="utf-8"))
    assert not spec["expected"]["text"].startswith(spec["expected"]["title"])
    assert spec["expected"]["authors"] == ["STEVE PEOPLES", "THOMAS BEAUMONT",
                                           "AMELIA THOMSON-DEVEAUX"]
