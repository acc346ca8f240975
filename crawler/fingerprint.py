"""Body fingerprints: an exact content hash and a MinHash signature of word shingles.

``fingerprint(text)`` is pure CPU work with no settings: the crawler's extraction worker
processes call it, once per article, so that hashing happens outside the reactor (the
validation pipeline drops an item that arrives without one).  Its parameters (shingle
size, permutations, hashing scheme) are module constants because stored signatures are
only comparable when they were all computed the same way; changing them needs a migration
(see ``docs/data-model.md``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SHINGLE_WORDS = 3
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1
# LSH bands favour recall: candidates are confirmed with the estimated similarity anyway, so a
# false positive costs one comparison while a false negative misses a duplicate.  At the
# default threshold 0.8 this gives 16 bands of 8 rows: 95% recall at 0.8, 99% at 0.85.
LSH_WEIGHTS = (0.05, 0.95)

_WORD = re.compile(r"\w+", re.UNICODE)
# What ``lsh_params`` returns at NUM_PERM and LSH_WEIGHTS for the thresholds 0.50 ... 0.99
# (key: hundredths), so that the crawler process does not import datasketch (and scipy,
# half a second) for them; a test checks every entry against datasketch.
LSH_PARAMS_TABLE: dict[int, tuple[int, int]] = {
    50: (26, 3), 51: (32, 4), 52: (32, 4), 53: (32, 4), 54: (32, 4), 55: (32, 4),
    56: (32, 4), 57: (30, 4), 58: (28, 4), 59: (26, 4), 60: (24, 4), 61: (25, 5),
    62: (25, 5), 63: (25, 5), 64: (25, 5), 65: (25, 5), 66: (25, 5), 67: (23, 5),
    68: (21, 5), 69: (21, 6), 70: (21, 6), 71: (21, 6), 72: (21, 6), 73: (20, 6),
    74: (18, 7), 75: (18, 7), 76: (18, 7), 77: (18, 7), 78: (16, 8), 79: (16, 8),
    80: (16, 8), 81: (14, 9), 82: (14, 9), 83: (14, 9), 84: (12, 10), 85: (12, 10),
    86: (11, 11), 87: (11, 11), 88: (10, 12), 89: (10, 12), 90: (9, 14), 91: (9, 14),
    92: (8, 16), 93: (7, 18), 94: (7, 18), 95: (6, 21), 96: (5, 25), 97: (4, 31),
    98: (3, 39), 99: (2, 59),
}


class Fingerprint(NamedTuple):
    content_hash: str
    minhash: list[int]


def normalize_text(text: str) -> str:
    """The body as compared for exact duplicates: NFKC, case-folded, words only."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    """sha1 of the normalised body: equal for bodies that differ only in markup/spacing."""
    return _sha1(normalize_text(text))


def _sha1(normalized: str) -> str:
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word ``size``-grams of the normalised body (the whole body if it is shorter)."""
    return _shingles(normalize_text(text), size)


def _shingles(normalized: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    # Normalised words hold no whitespace, so splitting the UTF-8 bytes splits the words.
    words = normalized.encode("utf-8").split()
    if len(words) <= size:
        return {b" ".join(words)} if words else set()
    return {b" ".join(gram) for gram in zip(*(words[i:] for i in range(size)), strict=False)}


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


def _hash32(values: Iterable[bytes]) -> list[int]:
    """datasketch's ``sha1_hash32`` of each value (the first 4 sha1 bytes, little-endian).

    Computed in one pass instead of one ``struct.unpack`` call per value; the values, and so
    every stored signature, are the same.  A 20-byte digest is five 32-bit words: every
    fifth word of the concatenated digests is the first one of a digest.
    """
    digests = b"".join([hashlib.sha1(v).digest() for v in values])
    return np.frombuffer(digests, dtype="<u4")[::5].tolist()


def _prehashed(value: int) -> int:
    """The MinHash's hash function in ``_signature``: its inputs are ``_hash32`` values."""
    return value


def _signature(items: Iterable[bytes]) -> list[int]:
    """MinHash hash values of ``items``: datasketch's permutations of their ``_hash32``."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_permutations(),
                 scheme=MINHASH_SCHEME, hashfunc=_prehashed)
    mh.update_batch(_hash32(items))
    return mh.hashvalues.tolist()


def minhash(text: str) -> MinHash:
    """MinHash of the body's word shingles."""
    return from_signature(_signature(shingles(text)))


def from_signature(signature: list[int]) -> MinHash:
    """Rebuild a MinHash from a stored signature."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_permutations(),
                   hashvalues=np.asarray(signature, dtype=np.uint64), scheme=MINHASH_SCHEME)


def fingerprint(text: str) -> Fingerprint:
    """Content hash and MinHash signature of an article body (picklable result)."""
    normalized = normalize_text(text)
    return Fingerprint(_sha1(normalized), _signature(_shingles(normalized)))


@lru_cache(maxsize=8)
def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) that datasketch picks for ``threshold``: in-memory and stored keys agree."""
    hundredths = round(threshold * 100)
    if num_perm == NUM_PERM and abs(threshold * 100 - hundredths) < 1e-9 and (
            hundredths in LSH_PARAMS_TABLE):
        return LSH_PARAMS_TABLE[hundredths]
    return datasketch_lsh_params(threshold, num_perm)


def datasketch_lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    from datasketch import MinHashLSH

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
