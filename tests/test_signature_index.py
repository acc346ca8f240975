"""The compact LSH index used for near-duplicate checks."""

from __future__ import annotations

import random

from crawler.fingerprint import NUM_PERM, fingerprint, similarity
from crawler.signature_index import SignatureIndex

WORDS = [f"w{i}" for i in range(400)]


def _text(rng: random.Random, n: int = 300) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _edited(text: str, rng: random.Random, changes: int) -> str:
    words = text.split()
    for _ in range(changes):
        words[rng.randrange(len(words))] = "edit"
    return " ".join(words)


def test_finds_a_lightly_edited_copy_and_not_other_texts():
    rng = random.Random(7)
    index: SignatureIndex[str] = SignatureIndex(0.8)
    originals = [_text(rng) for _ in range(50)]
    for i, text in enumerate(originals):
        assert index.add(fingerprint(text).minhash, f"doc{i}")
    copy = fingerprint(_edited(originals[17], rng, 3)).minhash
    matches = index.query(copy, 0.8)
    assert [value for _, value in matches] == ["doc17"]
    score = matches[0][0]
    assert score == similarity(copy, fingerprint(originals[17]).minhash)
    assert index.query(fingerprint(_text(rng)).minhash, 0.8) == []


def test_grows_past_its_initial_capacity_and_keeps_every_entry():
    rng = random.Random(3)
    index: SignatureIndex[int] = SignatureIndex(0.8)
    signatures = [[rng.randrange(2**32) for _ in range(NUM_PERM)] for _ in range(2500)]
    for i, signature in enumerate(signatures):
        index.add(signature, i)
    assert len(index) == 2500
    for i in (0, 1023, 1024, 2047, 2048, 2499):
        assert (1.0, i) in index.query(signatures[i], 0.8)


def test_rejects_malformed_signatures():
    index: SignatureIndex[str] = SignatureIndex(0.8)
    assert not index.add([1, 2, 3], "short")
    assert not index.add([2**40] * NUM_PERM, "too wide")
    assert len(index) == 0
    assert index.query([1, 2, 3], 0.8) == []
