"""Internals of the extractor that were rewritten for speed keep their exact meaning."""

from __future__ import annotations

import pickle
from dataclasses import asdict

import pytest

from crawler.extraction import ExtractionResult, core
from crawler.extraction.body import _CJK_CHAR, word_count


def _word_count_reference(text: str) -> int:
    count = 0
    for token in text.split():
        cjk = len(_CJK_CHAR.findall(token))
        count += cjk + (1 if not cjk or _CJK_CHAR.sub("", token).strip() else 0)
    return count


@pytest.mark.parametrize("text", [
    "", "   ", "one", "one two\tthree\nfour\u00a0five\u2003six",
    "東京は日本の首都です", "Tokyo 東京 is big", "混合mixed 文字", "line\n\n東京\n\nend",
])
def test_word_count(text: str) -> None:
    assert word_count(text) == _word_count_reference(text)


def _result() -> ExtractionResult:
    return ExtractionResult(
        ok=True, url="https://news.example/a/", title="T", authors=["A", "B"],
        categories=["c"], tags=["t1", "t2"], image={"url": "https://news.example/i.jpg",
                                                     "caption": None},
        related=[{"url": "https://news.example/b/", "text": "B", "label": "latest",
                  "position": 0}],
        provenance={"title": "h1"}, text="body", word_count=1, encoding="utf-8")


@pytest.mark.parametrize("result", [_result(), ExtractionResult.failed("empty body", "u")])
def test_to_dict_is_asdict(result: ExtractionResult) -> None:
    data = result.to_dict()
    assert data == asdict(result)
    assert list(data) == list(asdict(result))
    assert pickle.loads(pickle.dumps(data)) == data


def test_to_dict_copies_containers() -> None:
    result = _result()
    data = result.to_dict()
    data["authors"].append("C")
    data["related"][0]["position"] = 9
    data["image"]["caption"] = "x"
    data["provenance"]["title"] = "meta"
    assert result == _result()


def test_tree_node_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    html = "<html><body>" + "<i>x</i>" * 8 + "</body></html>"  # html, body, 8 × i
    tree = core._parse(html)
    assert tree is not None and sum(1 for _ in tree.iter()) == 10
    monkeypatch.setattr(core, "MAX_TREE_NODES", 9)  # the old loop allowed limit + 1 nodes
    assert core._parse(html) is not None
    monkeypatch.setattr(core, "MAX_TREE_NODES", 8)
    with pytest.raises(ValueError, match="too large"):
        core._parse(html)
