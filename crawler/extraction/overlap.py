"""Word-shingle overlap of two texts: how much of one body another covers.

Tokens are runs of Unicode letters, digits or underscores (case kept), grouped in
overlapping 4-token shingles compared as multisets: the measure the extraction benchmark
scores with, used here to check one body candidate against another.
"""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def tokenize(text: str | None) -> list[str]:
    """Runs of Unicode letters, digits or underscores; case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE) -> Counter[str]:
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(" ".join(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)))


def overlap(reference: str, candidate: str) -> tuple[float, float]:
    """(precision, recall) of ``candidate`` against ``reference`` as shingle multisets."""
    ref, cand = shingles(reference), shingles(candidate)
    if not ref or not cand:
        return 0.0, 0.0
    common = sum((ref & cand).values())
    return common / sum(cand.values()), common / sum(ref.values())
