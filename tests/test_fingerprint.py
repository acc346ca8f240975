"""Fingerprints must never change: stored signatures are compared across crawls."""

from __future__ import annotations

import pytest
from datasketch import MinHash

from crawler.fingerprint import (
    MINHASH_SCHEME,
    MINHASH_SEED,
    NUM_PERM,
    SHINGLE_WORDS,
    fingerprint,
    minhash,
    normalize_text,
    shingles,
)

TEXT = ("The quick brown fox jumps over the lazy dog. Ünïcödé ﬁ words, ＦＵＬＬＷＩＤＴＨ text"
        " and 123 numbers!")
TEXTS = [TEXT, "one two", "", "one two three", "a b c d", TEXT * 40,
         "東京 は 日本 の 首都 です 東京 は 大きい",
         "tab\tsep\u00a0nbsp\u2003em\u3000ideographic\x1cfs"]


def _reference_shingles(text: str) -> set[bytes]:
    words = normalize_text(text).split()
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8")
            for i in range(len(words) - SHINGLE_WORDS + 1)}


def _reference(text: str) -> list[int]:
    """The signature as datasketch computes it with its own default hash function."""
    mh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    mh.update_batch(list(_reference_shingles(text)))
    return [int(v) for v in mh.hashvalues]


@pytest.mark.parametrize("text", TEXTS)
def test_shingles(text: str) -> None:
    assert shingles(text) == _reference_shingles(text)


def test_pinned_values() -> None:
    fp = fingerprint(TEXT)
    assert fp.content_hash == "745850f37e5cb689c2c59faa27e1a4aef96e1903"
    assert fp.minhash[:8] == [1037349836, 167850897, 251885177, 83242097, 97255818,
                              142362059, 1704384, 52972427]
    assert fingerprint("one two").minhash[:4] == [2443747032, 589458269, 331383149,
                                                  2089365926]
    assert fingerprint("").minhash == [2**32 - 1] * NUM_PERM


@pytest.mark.parametrize("text", TEXTS)
def test_signature_is_datasketchs(text: str) -> None:
    fp = fingerprint(text)
    assert fp.minhash == _reference(text)
    assert all(type(v) is int for v in fp.minhash)


def test_minhash_object_behaves_like_a_plain_one() -> None:
    mh = minhash(TEXT)
    assert [int(v) for v in mh.hashvalues] == _reference(TEXT)
    mh.update(b"one more shingle")  # the default hash function still applies to updates
    ref = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    ref.update_batch([*_reference_shingles(TEXT), b"one more shingle"])
    assert mh.jaccard(ref) == 1.0


def test_lsh_params_table_matches_datasketch():
    from crawler.fingerprint import LSH_PARAMS_TABLE, datasketch_lsh_params, lsh_params

    assert sorted(LSH_PARAMS_TABLE) == list(range(50, 100))
    for hundredths, params in LSH_PARAMS_TABLE.items():
        assert datasketch_lsh_params(hundredths / 100) == params, hundredths
        assert lsh_params(hundredths / 100) == params
    assert lsh_params(0.805) == datasketch_lsh_params(0.805)  # not in the table
