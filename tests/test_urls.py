"""URL canonicalisation: the canonical forms, and that caching never changes them."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize

CASES = [
    ("HTTPS://Example.COM:443/2024/01/02/story?utm_source=x&b=2&a=1#top",
     "https://example.com/2024/01/02/story/?a=1&b=2"),
    ("http://example.com:8080/a/amp/", "http://example.com:8080/a/"),
    ("http://example.com/file.pdf?fbclid=1", "http://example.com/file.pdf"),
    ("  http://example.com  ", "http://example.com/"),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonical_form(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_cached_result_equals_a_fresh_computation() -> None:
    uncached = canonicalize.__wrapped__
    for url, _ in CASES * 3:
        assert canonicalize(url) == uncached(url)
    assert canonicalize.cache_info().hits > 0
    assert canonicalize.cache_info().maxsize is not None  # bounded in long crawls
