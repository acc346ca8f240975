"""Extraction on both offline mirrors: every field of every article matches the manifest."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

import pytest

from crawler.extraction import ExtractionResult, ExtractOptions, extract
from crawler.profiles import load_profile

SEED_TEXT_START = "Lukashenko’s first visit to Abkhazia"
SEED_TEXT_END = "with the aim of attacking Kyiv again."
FIELDS = ("title", "authors", "published_local", "published_day", "categories", "tags",
          "language", "description", "image")


def fetch(url: str) -> tuple[bytes, str | None]:
    """GET, retrying the mirror's one-off 5xx/429 answers."""
    for _ in range(3):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read(), response.headers.get("Content-Type")
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 500, 503):
                raise
    raise AssertionError(f"{url} kept failing")


def run(server: Any, profile_name: str, url: str) -> ExtractionResult:
    profile = load_profile(profile_name).with_base_url(server.base_url)
    data, content_type = fetch(url)
    return extract(data, ExtractOptions(url=url, profile=profile, content_type=content_type))


def links(items: list[dict[str, Any]]) -> list[tuple[str, int, str, str]]:
    return sorted((r["label"], r["position"], r["url"], r["text"]) for r in items)


def check_article(server: Any, profile_name: str, article: dict[str, Any]) -> None:
    result = run(server, profile_name, article["url"])
    where = article["url"]
    assert result.ok, (where, result.reason)
    assert result.page_type == "article"
    for name in FIELDS:
        assert getattr(result, name) == article[name], (where, name)
    assert datetime.fromisoformat(result.published_at) == datetime.fromisoformat(
        article["published"])
    assert datetime.fromisoformat(result.modified_at) == datetime.fromisoformat(
        article["modified"])
    assert result.page_canonical == article["url"]
    assert result.text == article["body"], where
    assert result.word_count == article["word_count"], where
    assert links(result.related) == links(article["related"]), where
    assert set(result.provenance) >= {"title", "published_at", "published_day", "text",
                                      "page_type"}


def test_newspaper_mirror_every_article_every_field(mirror) -> None:
    for article in mirror.manifest["articles"]:
        check_article(mirror, "russianstudiesromania", article)


def test_generic_mirror_every_article_every_field(generic_mirror) -> None:
    for article in generic_mirror.manifest["articles"]:
        check_article(generic_mirror, "wpgeneric", article)


def test_seed_article(mirror) -> None:
    url = mirror.manifest["seed_url"]
    result = run(mirror, "russianstudiesromania", url)
    assert result.ok
    assert result.title == ("New Concessions for Putin: Is Lukashenko Ready to Involve the "
                            "Belarusian Army in the War in Ukraine?")
    assert result.text.startswith(SEED_TEXT_START)
    assert result.text.endswith(SEED_TEXT_END)
    assert "## Lukashenko convened meetings to discuss military security" in result.body_markdown
    for noise in ("Image source:", "Latest news", "Must read", "Recommended to you",
                  "You might also like", "More than a year has passed"):
        assert noise not in result.text
    paragraphs = result.text.split("\n\n")
    assert "Lukashenko convened meetings to discuss military security" in paragraphs
    by_label: dict[str, list[dict[str, Any]]] = {}
    for link in result.related:
        by_label.setdefault(link["label"], []).append(link)
    assert len(by_label["latest"]) == 6
    assert len(by_label["must_read"]) == 2
    assert by_label["related"]
    assert [r["position"] for r in by_label["latest"]] == list(range(6))
    assert by_label["latest"][0]["text"] == "The Legacy"
    assert all(r["url"] != url for r in result.related)


@pytest.mark.parametrize("kind", ["page", "binary", "empty", "huge"])
def test_newspaper_non_articles_are_rejected(mirror, kind: str) -> None:
    entries = [e for e in mirror.manifest["non_articles"] if e["kind"] == kind]
    assert entries
    profile = load_profile("russianstudiesromania").with_base_url(mirror.base_url)
    for entry in entries[:3]:
        data, content_type = fetch(entry["url"])
        result = extract(data, ExtractOptions(url=entry["url"], profile=profile,
                                              content_type=content_type))
        assert not result.ok and result.reason, entry


def test_publisher_day_on_the_us_site(generic_mirror) -> None:
    """20:59 New York time is the next UTC day: the day is the page's, and says why."""
    articles = generic_mirror.manifest["articles"]
    late = [a for a in articles if "T20:59:00-0" in a["published"]]
    utc_only = [a for a in articles if a["published_local"].endswith("+00:00")]
    assert late and len(utc_only) == 1
    for article, source in ((late[0], "page-offset"), (utc_only[0], "printed-date")):
        result = run(generic_mirror, "wpgeneric", article["url"])
        assert result.published_day == article["published_day"]
        assert result.published_at is not None
        assert result.published_at[:10] != result.published_day  # the UTC day differs
        assert result.provenance["published_day"] == source
