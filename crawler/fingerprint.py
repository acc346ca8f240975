"""Body fingerprints: an exact content hash and a MinHash signature of word shingles.

``fingerprint(text)`` is pure CPU work with no settings: the crawler's extraction worker
processes call it so that hashing happens outside the reactor, and the pipelines call it
for items that arrive without one.  Its parameters (shingle size, permutations, hashing
scheme) are module constants because stored signatures are only comparable when they were
all computed the same way; changing them needs a migration (see ``docs/data-model.md``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 3
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1
# LSH bands favour recall: candidates are confirmed with the estimated similarity anyway, so a
# false positive costs one comparison while a false negative misses a duplicate.  At the
# default threshold 0.8 this gives 16 bands of 8 rows: 95% recall at 0.8, 99% at 0.85.
LSH_WEIGHTS = (0.05, 0.95)

_WORD = re.compile(r"\w+", re.UNICODE)


class Fingerprint(NamedTuple):
    content_hash: str
    minhash: list[int]


def normalize_text(text: str) -> str:
    """The body as compared for exact duplicates: NFKC, case-folded, words only."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    """sha1 of the normalised body: equal for bodies that differ only in markup/spacing."""
    return hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word ``size``-grams of the normalised body (the whole body if it is shorter)."""
    words = normalize_text(text).split()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


def minhash(text: str) -> MinHash:
    """MinHash of the body's word shingles."""
    mh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_permutations(),
                 scheme=MINHASH_SCHEME)
    mh.update_batch(list(shingles(text)))
    return mh


def from_signature(signature: list[int]) -> MinHash:
    """Rebuild a MinHash from a stored signature."""
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_permutations(),
                   hashvalues=np.asarray(signature, dtype=np.uint64), scheme=MINHASH_SCHEME)


def fingerprint(text: str) -> Fingerprint:
    """Content hash and MinHash signature of an article body (picklable result)."""
    return Fingerprint(content_hash(text), [int(v) for v in minhash(text).hashvalues])


@lru_cache(maxsize=8)
def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) that datasketch picks for ``threshold``: in-memory and stored keys agree."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


def band_keys(signature: list[int], threshold: float) -> list[str]:
    """LSH band keys of a signature, stored and indexed to find near-duplicates in one query.

    A key names its band geometry (``r``) so that keys from another threshold never collide.
    """
    bands, rows = lsh_params(threshold, len(signature))
    keys = []
    for band in range(bands):
        chunk = np.asarray(signature[band * rows:(band + 1) * rows], dtype=np.uint64)
        digest = hashlib.blake2b(chunk.tobytes(), digest_size=8).hexdigest()
        keys.append(f"{rows}.{band}.{digest}")
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b) or not a:
        return 0.0
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))
