"""The article body: paragraphs and subheadings in reading order, as text and Markdown.

Generic path (no profile): trafilatura in precision mode, then three corrections that use
what the page itself says:

* split bodies: when the extracted paragraphs sit in one of several sibling containers of
  the same tag and class (a body cut into chunks by ads or embeds), all of them are read;
* JSON-LD ``articleBody``: when the page publishes its own body text, the candidate
  extraction (precision or recall mode) closest to it wins;
* lead paragraph: a standfirst that repeats the page's description just above the body is
  kept, and boilerplate lines at either end of the body are dropped.

Profile path: the profile's body container (first matching selector) with its excluded
parts removed, read by trafilatura in recall mode.
"""

from __future__ import annotations

import html
import re
from copy import deepcopy
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
import trafilatura
from cssselect import GenericTranslator, SelectorError
from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import selectors as sel
from crawler.extraction.overlap import overlap
from crawler.extraction.titles import clean_space, title_key
from crawler.wordcount import word_count

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_WORD = re.compile(r"\w+")

@dataclass
class Body:
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): p | h | li | quote
    source: str = ""
    elements: list[etree._Element] = field(default_factory=list)  # page elements holding it

    def drop_heading(self, title: str | None) -> None:
        """The headline is metadata: a body that opens with it loses that first block."""
        if title and self.blocks and title_key(self.blocks[0][1]) == title_key(title):
            self.blocks = self.blocks[1:]

    @property
    def text(self) -> str:
        return "\n\n".join(t for _, t in self.blocks)

    @property
    def markdown(self) -> str:
        out = []
        for kind, text in self.blocks:
            prefix = {"h": "## ", "li": "- ", "quote": "> "}.get(kind, "")
            out.append(prefix + text)
        return "\n\n".join(out)

    @property
    def word_count(self) -> int:
        return word_count(self.text)


@lru_cache(maxsize=256)
def css_xpath(css: str) -> etree.XPath | None:
    """Compile a profile CSS selector to XPath once per process."""
    try:
        return etree.XPath(GenericTranslator().css_to_xpath(css))
    except (SelectorError, etree.XPathSyntaxError):
        return None


def css(tree: etree._Element, selector: str) -> list[etree._Element]:
    xp = css_xpath(selector)
    return list(xp(tree)) if xp is not None else []


def drop(el: etree._Element) -> None:
    """Remove ``el`` and its subtree, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _shell() -> HtmlElement:
    return lxml.html.document_fromstring("<html><body><article></article></body></html>")


# --- rendering of trafilatura's output tree --------------------------------------------------

def _text(el: etree._Element) -> str:
    return clean_space("".join(el.itertext()))


def render(body: etree._Element | None) -> list[tuple[str, str]]:
    """Blocks of trafilatura's XML body (``p``, ``head``, ``list/item``, ``quote``, ``table``)."""
    blocks: list[tuple[str, str]] = []
    if body is None:
        return blocks
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
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
        elif tag in ("p", "code", "div", "ab"):
            _add(blocks, "p", _text(el))
    return blocks


def _add(blocks: list[tuple[str, str]], kind: str, text: str) -> None:
    if text:
        blocks.append((kind, text))


def _trafilatura(tree: HtmlElement, url: str, **kwargs: object) -> list[tuple[str, str]]:
    doc = trafilatura.bare_extraction(
        deepcopy(tree), url=url or None, include_comments=False, include_tables=True,
        with_metadata=False, **kwargs)
    return render(getattr(doc, "body", None)) if doc is not None else []


def _trim_edges(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    while blocks and sel.EDGE_BOILERPLATE.match(blocks[-1][1]):
        blocks = blocks[:-1]
    while blocks and sel.EDGE_BOILERPLATE.match(blocks[0][1]):
        blocks = blocks[1:]
    return blocks


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --- generic path ----------------------------------------------------------------------------

def _split_body(tree: HtmlElement, url: str, blocks: list[tuple[str, str]]) -> list | None:
    """Re-read a body that the page cut into several same-class sibling containers."""
    paragraphs = [t for k, t in blocks if k == "p" and len(t) > 40]
    if not paragraphs:
        return None
    probe = paragraphs[0][:60]
    holder = None
    for p in tree.iter("p"):
        if clean_space(p.text_content()).startswith(probe):
            holder = p.getparent()
            break
    extracted = " ".join(t for _, t in blocks)
    for _ in range(3):
        if holder is None or not holder.get("class"):
            holder = holder.getparent() if holder is not None else None
            continue
        same = [el for el in tree.xpath(sel.SAME_CLASS_ELEMENTS.format(tag=holder.tag),
                                        cls=holder.get("class"))]
        same = [el for el in same if not any(a in same for a in el.iterancestors())]
        if len(same) > 1:
            missing = sum(len(clean_space(p.text_content())) for el in same if el is not holder
                          for p in el.iter("p")
                          if clean_space(p.text_content())[:50] not in extracted)
            if missing >= 200:
                doc = _shell()
                article = doc.find(".//article")
                for el in same:
                    article.append(deepcopy(el))
                merged = _trafilatura(doc, url)
                p, r = overlap(extracted, " ".join(t for _, t in merged))
                if r >= 0.9 and len(merged) > len(blocks):
                    return merged
            return None
        holder = holder.getparent()
    return None


def _plain(text: str | None) -> str:
    """JSON-LD text as published: entities (often escaped twice) decoded, tags removed."""
    text = text or ""
    for _ in range(2):
        text = html.unescape(text)
    text = re.sub(r"<(?:br|/p|/div|/h\d)\s*/?>", "\n", text, flags=re.IGNORECASE)
    return re.sub(r"<[^>]+>", " ", text)


def _lead(tree: HtmlElement, description: str | None, blocks: list[tuple[str, str]]) -> str | None:
    """The page's standfirst when it repeats the description and the body lacks it."""
    if not description or len(description) < 40 or not blocks:
        return None
    desc = clean_space(description)
    text = " ".join(t for _, t in blocks)
    if overlap(desc, text)[1] > 0.5:
        return None
    for el in tree.iter("p", "div", "h2", "span"):
        if len(el) > 3:
            continue
        if clean_space(el.text_content()) == desc and not sel.NAV_ANCESTORS(el):
            return desc
    return None


def generic_body(tree: HtmlElement, url: str, article_body: str | None,
                 description: str | None) -> Body:
    blocks = _trafilatura(tree, url, favor_precision=True)
    source = "trafilatura:precision"
    split = _split_body(tree, url, blocks)
    if split:
        blocks, source = split, "trafilatura:split-body"
    reference = clean_space(_plain(article_body))
    if len(_WORD.findall(reference)) >= 50:
        recall = _trafilatura(tree, url, favor_recall=True)
        own = _f1(*overlap(reference, " ".join(t for _, t in blocks)))
        alt = _f1(*overlap(reference, " ".join(t for _, t in recall)))
        if alt > own + 0.05:
            blocks, source = recall, "trafilatura:recall+json-ld"
            own = alt
        if own < 0.5:
            paragraphs = [clean_space(p) for p in re.split(r"\n\s*\n|\n", _plain(article_body))]
            blocks, source = [("p", p) for p in paragraphs if p], "json-ld:articleBody"
    lead = _lead(tree, description, blocks)
    if lead:
        blocks = [("p", lead), *blocks]
    return Body(_trim_edges(blocks), source)


# --- profile path ----------------------------------------------------------------------------

def profile_container(tree: HtmlElement, selectors: tuple[str, ...]) -> etree._Element | None:
    for selector in selectors:
        found = css(tree, selector)
        if found:
            return found[0]
    return None


def profile_body(tree: HtmlElement, url: str, container: etree._Element,
                 exclude: tuple[str, ...], include_captions: bool) -> Body:
    node = deepcopy(container)
    for selector in exclude:
        for el in css(node, selector):
            if el is not node:
                drop(el)
    if not include_captions:
        for el in sel.CAPTIONS(node):
            drop(el)
    doc = _shell()
    doc.find(".//article").append(node)
    blocks = _trafilatura(doc, url, favor_recall=True)
    return Body(_trim_edges(blocks), "profile+trafilatura", [node])


def locate(tree: HtmlElement, blocks: list[tuple[str, str]]) -> list[etree._Element]:
    """The page elements (paragraphs, items, headings) whose text is a body block."""
    wanted = {t for _, t in blocks if len(t) > 20}
    if not wanted:
        return []
    return [el for el in sel.BODY_LINK_HOLDERS(tree) if clean_space(el.text_content()) in wanted]
