"""A compact in-memory LSH index of MinHash signatures, for the near-duplicate check.

A crawl keeps one entry per article it has seen, so the index must stay small as the crawl
grows and a lookup must not grow with it: each entry is one row of a ``uint32`` signature
matrix (512 bytes at 128 permutations, in an array that doubles when full) and one bucket
entry per LSH band (16 bands: an int key to the row, about 100 bytes each); a datasketch
``MinHashLSH`` kept about 10 KB of Python objects per entry.  Candidates are the rows
sharing at least one band with the query (the banding of
:func:`crawler.fingerprint.lsh_params`), ranked by estimated Jaccard similarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np

from crawler.fingerprint import NUM_PERM, lsh_params

T = TypeVar("T")
_INITIAL_ROWS = 1024
# Odd multipliers mixing a band's rows into one 64-bit key (arithmetic wraps modulo 2**64).
_MIX = np.random.default_rng(0x5EED).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | 1


class SignatureIndex(Generic[T]):
    """Signatures with a value each (what the caller needs back for a match)."""

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        self.bands, self.rows = lsh_params(threshold, num_perm)
        self._signatures = np.zeros((_INITIAL_ROWS, num_perm), dtype=np.uint32)
        # band key -> row, or the rows, when several signatures share the band
        self._buckets: dict[int, int | list[int]] = {}
        self._values: list[T] = []

    def __len__(self) -> int:
        return len(self._values)

    def _as_row(self, signature: Sequence[int]) -> np.ndarray | None:
        row = np.asarray(signature, dtype=np.uint64)
        if row.shape != (self.num_perm,) or (row > np.iinfo(np.uint32).max).any():
            return None
        return row.astype(np.uint32)

    def _keys(self, row: np.ndarray) -> list[int]:
        """One 64-bit key per band (the multipliers differ per position, so equal rows in
        different bands give different keys)."""
        used = self.bands * self.rows
        with np.errstate(over="ignore"):
            mixed = row[:used].astype(np.uint64) * _MIX[:used]
            return mixed.reshape(self.bands, self.rows).sum(axis=1, dtype=np.uint64).tolist()

    def add(self, signature: Sequence[int], value: T) -> bool:
        """Index ``signature``; False (nothing stored) for a malformed signature."""
        row = self._as_row(signature)
        if row is None:
            return False
        n = len(self._values)
        if n == len(self._signatures):
            self._signatures = np.resize(self._signatures, (2 * n, self.num_perm))
        self._signatures[n] = row
        for key in self._keys(row):
            held = self._buckets.setdefault(key, n)
            if held != n:
                if isinstance(held, int):
                    self._buckets[key] = [held, n]
                else:
                    held.append(n)
        self._values.append(value)
        return True

    def query(self, signature: Sequence[int], threshold: float) -> list[tuple[float, T]]:
        """(similarity, value) of every indexed signature sharing a band with ``signature``
        and at least ``threshold`` similar, in the order they were added."""
        row = self._as_row(signature)
        if row is None or not self._values:
            return []
        found: set[int] = set()
        for key in self._keys(row):
            held = self._buckets.get(key)
            if held is not None:
                found.update((held,) if isinstance(held, int) else held)
        if not found:
            return []
        hits = np.fromiter(sorted(found), dtype=np.intp, count=len(found))
        scores = (self._signatures[hits] == row).mean(axis=1)
        keep = scores >= threshold
        return [(float(score), self._values[i])
                for score, i in zip(scores[keep], hits[keep], strict=True)]
