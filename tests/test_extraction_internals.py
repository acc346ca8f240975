"""Internals of the extractor that were rewritten for speed keep their exact meaning."""

from __future__ import annotations

import pickle
from dataclasses import asdict

import pytest

from crawler.extraction import ExtractionResult, core
from crawler.wordcount import _CJK_CHAR, word_count


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


@pytest.mark.parametrize("result", [_result(), ExtractionResult.failed("empty_body", "u")])
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


TRICKY = (
    "<html><body><div id='root' class='block'>"
    "<span class='a\tb'>1</span><span class='a\u00a0b'>2</span><span class='a\fb'>3</span>"
    "<span class=' b  a '>4</span><span class=''>5</span><span class='ab'>6</span>"
    "<H2 class='T'>7</H2><h3 id='x'>8</h3><h3 id='x' class='a'>9</h3><p id='X'>10</p>"
    "<section><div class='a b c'><h4>11</h4></div></section>"
    "</div></body></html>"
)
SIMPLE = ["span.a", "span.b", ".a.b", ".a.c", "h2", "H2", "h2.T", "#x", "h3#x.a", "#X", "*",
          "div, h4", ".c, span.b", "p#x, p#X", "section .a"]


@pytest.mark.parametrize("selector", SIMPLE)
def test_simple_css_matches_cssselect(selector: str) -> None:
    from crawler.extraction.css import css
    from crawler.extraction.simplecss import first_match, simple_test

    tree = core._parse(TRICKY)
    assert tree is not None
    test = simple_test(selector)
    if " " in selector.replace(", ", ","):  # a combinator: left to the XPath
        assert test is None
        return
    assert test is not None
    for root in [tree, *tree.iter("div", "section", "span")]:
        expected = css(root, selector)
        assert [el for el in root.iter() if isinstance(el.tag, str) and test(el)] == expected
        assert first_match(root, test) is (expected[0] if expected else None)


@pytest.mark.parametrize("selector", ["a > b", "a:first-child", "[href]", "ns|a", "a::text",
                                      "*|a", "a:not(.x)", "((bad"])
def test_not_simple_css_has_no_predicate(selector: str) -> None:
    from crawler.extraction.simplecss import simple_test

    assert simple_test(selector) is None
