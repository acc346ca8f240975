"""Word-list text for the mirror sites: sentences, paragraphs, titles, slugs and excerpts.

Every function draws from the ``random.Random`` it is given, so the same seed gives the same
words.
"""

from __future__ import annotations

import functools
import random
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"

FUNCTION_WORDS = ("the", "of", "and", "in", "to", "a", "for", "with", "on", "that", "is",
                  "was", "by", "as", "from", "its", "which", "has", "this", "their")


@functools.cache
def vocabulary() -> tuple[str, ...]:
    lines = (DATA / "words.txt").read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def slugify(text: str, max_words: int = 20) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join(words[:max_words])


def excerpt(text: str, words: int) -> str:
    """tagDiv's excerpt: the first ``words`` words and "..." when the text is longer."""
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + "..."


@functools.cache
def _mixed_words() -> tuple[str, ...]:
    """Vocabulary plus function words weighted to about a third of all words drawn."""
    vocab = vocabulary()
    copies = max(1, round(len(vocab) * 0.35 / 0.65 / len(FUNCTION_WORDS)))
    return vocab + FUNCTION_WORDS * copies


def sentence(rng: random.Random, lo: int = 8, hi: int = 20) -> str:
    words = rng.choices(_mixed_words(), k=rng.randint(lo, hi))
    if len(words) > 9 and rng.random() < 0.4:
        words[rng.randint(3, len(words) - 4)] += ","
    words[0] = words[0][0].upper() + words[0][1:]
    return " ".join(words) + "."


def paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 7)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def title_words(rng: random.Random) -> str:
    vocab = vocabulary()
    n = rng.randint(4, 9)
    words = [rng.choice(vocab) if i % 3 != 1 or rng.random() < 0.5 else rng.choice(FUNCTION_WORDS)
             for i in range(n)]
    out = " ".join(w if w in FUNCTION_WORDS else w[0].upper() + w[1:] for w in words)
    out = out[0].upper() + out[1:]
    if rng.random() < 0.3:
        out += ": " + " ".join(rng.choice(vocab).capitalize() for _ in range(2))
    if rng.random() < 0.15:
        out += "?"
    return out
