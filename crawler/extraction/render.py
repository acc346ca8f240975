"""trafilatura's XML body as blocks: ``(kind, text)`` pairs in reading order.

Kinds: ``p`` (paragraph), ``h`` (subheading), ``li`` (list item), ``quote``.  Text that
trafilatura leaves between its blocks (a line the page wrote outside any ``<p>``) is kept.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.titles import clean_space
from crawler.wordcount import word_count

Blocks = list[tuple[str, str]]


def run_trafilatura(tree: HtmlElement, url: str, **kwargs: object) -> Blocks:
    """trafilatura's body of ``tree`` as blocks (``bare_extraction`` reads its own copy)."""
    doc = trafilatura.bare_extraction(
        tree, url=url or None, include_comments=False, include_tables=True,
        with_metadata=False, **kwargs)
    return render(getattr(doc, "body", None)) if doc is not None else []


def shell() -> HtmlElement:
    """An empty page with one ``<article>``, to hand trafilatura a part of a page."""
    return lxml.html.document_fromstring("<html><body><article></article></body></html>")


def words(blocks: Blocks) -> int:
    """Words as the article's length rule counts them (CJK per character)."""
    return word_count(" ".join(t for _, t in blocks))


def joined(blocks: Blocks) -> str:
    return " ".join(t for _, t in blocks)


def render(body: etree._Element | None) -> Blocks:
    """Blocks of trafilatura's XML body (``p``, ``head``, ``list/item``, ``quote``, ``table``)."""
    blocks: Blocks = []
    if body is None:
        return blocks
    _add(blocks, "p", clean_space(body.text))
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        _block(blocks, el, tag)
        # text between trafilatura's blocks (a line the page wrote outside any <p>)
        _add(blocks, "p", clean_space(el.tail))
    return blocks


def _text(el: etree._Element) -> str:
    return clean_space("".join(el.itertext()))


def _block(blocks: Blocks, el: etree._Element, tag: str) -> None:
    if tag == "head":
        _add(blocks, "h", _text(el))
    elif tag == "list":
        for item in el.iter("item"):
            _add(blocks, "li", _text(item))
    elif tag == "quote":
        children = [c for c in el if c.tag in ("p", "head", "list")]
        for c in children:
            _add(blocks, "quote", _text(c))
        loose = [el.text or ""] + [c.tail or "" for c in children] + [
            "".join(c.itertext()) + (c.tail or "") for c in el if c not in children]
        _add(blocks, "quote", clean_space("".join(loose)))
    elif tag == "table":
        for row in el.iter("row"):
            cells = [_text(c) for c in row.iter("cell")]
            _add(blocks, "p", " | ".join(c for c in cells if c))
    elif tag in ("p", "code", "div", "ab", "hi", "ref", "span"):
        _add(blocks, "p", _text(el))


def _add(blocks: Blocks, kind: str, text: str) -> None:
    if text:
        blocks.append((kind, text))
