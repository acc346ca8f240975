"""A compact in-memory LSH index of MinHash signatures, for the near-duplicate check.

A crawl keeps one entry per article it has seen, so the index must stay small as the crawl
grows: each entry is one row of a ``uint32`` signature matrix (512 bytes at 128
permutations) and one row of ``uint64`` band hashes (16 bands: 128 bytes), in arrays that
double when full; a datasketch ``MinHashLSH`` kept about 10 KB of Python objects per entry.
Candidates are the rows sharing at least one band with the query (the same banding as
:func:`crawler.fingerprint.lsh_params`), found by one vectorised comparison, and ranked by
estimated Jaccard similarity.
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
        self._band_keys = np.zeros((_INITIAL_ROWS, self.bands), dtype=np.uint64)
        self._values: list[T] = []

    def __len__(self) -> int:
        return len(self._values)

    def _as_row(self, signature: Sequence[int]) -> np.ndarray | None:
        row = np.asarray(signature, dtype=np.uint64)
        if row.shape != (self.num_perm,) or (row > np.iinfo(np.uint32).max).any():
            return None
        return row.astype(np.uint32)

    def _keys(self, row: np.ndarray) -> np.ndarray:
        used = self.bands * self.rows
        with np.errstate(over="ignore"):
            mixed = row[:used].astype(np.uint64) * _MIX[:used]
            return mixed.reshape(self.bands, self.rows).sum(axis=1, dtype=np.uint64)

    def add(self, signature: Sequence[int], value: T) -> bool:
        """Index ``signature``; False (nothing stored) for a malformed signature."""
        row = self._as_row(signature)
        if row is None:
            return False
        n = len(self._values)
        if n == len(self._signatures):
            self._signatures = np.resize(self._signatures, (2 * n, self.num_perm))
            self._band_keys = np.resize(self._band_keys, (2 * n, self.bands))
        self._signatures[n] = row
        self._band_keys[n] = self._keys(row)
        self._values.append(value)
        return True

    def query(self, signature: Sequence[int], threshold: float) -> list[tuple[float, T]]:
        """(similarity, value) of every indexed signature sharing a band with ``signature``
        and at least ``threshold`` similar, in the order they were added."""
        row = self._as_row(signature)
        n = len(self._values)
        if row is None or n == 0:
            return []
        hits = np.flatnonzero((self._band_keys[:n] == self._keys(row)).any(axis=1))
        if hits.size == 0:
            return []
        scores = (self._signatures[hits] == row).mean(axis=1)
        keep = scores >= threshold
        return [(float(score), self._values[i])
                for score, i in zip(scores[keep], hits[keep], strict=True)]
