"""The generic article body: paragraphs and subheadings in reading order, as text and Markdown.

trafilatura in precision mode, then corrections that use what the page itself says:

* split bodies and paragraphs precision mode lost (:mod:`crawler.extraction.repairs`);
* JSON-LD ``articleBody``: when the page publishes its own body text, the candidate
  extraction (precision or recall mode) closest to it wins;
* lead paragraph: a standfirst that repeats the page's description just above the body is
  kept, and boilerplate lines at either end of the body are dropped.

A site profile's body container is read by :mod:`crawler.extraction.profilebody`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import evidence as ev
from crawler.extraction import selectors as sel
from crawler.extraction.overlap import overlap
from crawler.extraction.render import Blocks, joined, run_trafilatura, words
from crawler.extraction.repairs import locate, merge, recover_paragraphs, split_body
from crawler.extraction.titles import clean_space, title_key
from crawler.wordcount import word_count


@dataclass
class Body:
    blocks: Blocks = field(default_factory=list)  # (kind, text): p | h | li | quote
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


def trim_edges(blocks: Blocks) -> Blocks:
    while blocks and sel.EDGE_BOILERPLATE.match(blocks[-1][1]):
        blocks = blocks[:-1]
    while blocks and sel.EDGE_BOILERPLATE.match(blocks[0][1]):
        blocks = blocks[1:]
    return blocks


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _plain(text: str | None) -> str:
    """JSON-LD text as published: entities (often escaped twice) decoded, tags removed."""
    text = text or ""
    for _ in range(2):
        text = html.unescape(text)
    text = re.sub(r"<(?:br|/p|/div|/h\d)\s*/?>", "\n", text, flags=re.IGNORECASE)
    return re.sub(r"<[^>]+>", " ", text)


def _lead(tree: HtmlElement, description: str | None, blocks: Blocks) -> str | None:
    """The page's standfirst when it repeats the description and the body lacks it."""
    if not description or len(description) < 40 or not blocks:
        return None
    desc = clean_space(description)
    if overlap(desc, joined(blocks))[1] > 0.5:
        return None
    for el in tree.iter("p", "div", "h2", "span"):
        if len(el) > 3:
            continue
        if clean_space(el.text_content()) == desc and not sel.NAV_ANCESTORS(el):
            return desc
    return None


def _visible_text(tree: HtmlElement) -> str:
    return " ".join(sel.VISIBLE_TEXT(tree))


def _structured_body(article_body: str | None, blocks: Blocks) -> str | None:
    """The page's JSON-LD ``articleBody`` when it can stand for the article: at least 50
    words, about as long as what the extractor found (a teaser of the first paragraphs is
    not the article)."""
    reference = clean_space(_plain(article_body))
    count = word_count(reference)
    if count < 50 or count < 0.8 * words(blocks):
        return None
    return reference


def with_captions(tree: HtmlElement, blocks: Blocks) -> Blocks:
    """The figure captions printed inside the body's container, each where the page has it."""
    located = locate(tree, blocks)
    holder = ev.container(located)
    if holder is None:
        return blocks
    order = {el: i for i, el in enumerate(holder.iter())}
    have = {t for _, t in blocks}
    captions = sel.CAPTIONS(holder)
    outer = set(captions)
    added = []
    for el in captions:
        text = clean_space(el.text_content())
        if text and text not in have and not any(a in outer for a in el.iterancestors()):
            added.append((order[el], "p", text))
            have.add(text)
    return merge(blocks, located, order, added) if added else blocks


def generic_body(tree: HtmlElement, url: str, article_body: str | None,
                 description: str | None, min_words: int = 1,
                 include_captions: bool = False) -> Body:
    """trafilatura's precision-mode body, overridden only by a candidate the page backs.

    The candidates (default mode when precision mode reads less than an article, a body
    re-joined from split containers, paragraphs recovered from the article's container,
    recall mode, the JSON-LD ``articleBody``) each have to prove themselves against the
    page; ``Body.source`` names the one that won.
    """
    blocks = run_trafilatura(tree, url, favor_precision=True)
    source = "trafilatura:precision"
    if words(blocks) < min_words:  # not an article's length: default mode, if it reads more
        default = run_trafilatura(tree, url)
        if words(default) > words(blocks):
            blocks, source = default, "trafilatura:default"
    split = split_body(tree, url, blocks)
    if split:
        blocks, source = split, "trafilatura:split-body"
    else:
        recovered = recover_paragraphs(tree, url, blocks)
        if recovered:
            blocks, source = recovered, "trafilatura:precision+recovered"
    reference = _structured_body(article_body, blocks)
    if reference:
        recall = run_trafilatura(tree, url, favor_recall=True)
        own = _f1(*overlap(reference, joined(blocks)))
        alt = _f1(*overlap(reference, joined(recall)))
        if alt > own + 0.05:
            blocks, source = recall, "trafilatura:recall+json-ld"
            own = alt
        # printed on the page: a structured body nobody can read is not the article
        if own < 0.5 and overlap(_visible_text(tree), reference)[0] >= 0.8:
            paragraphs = [clean_space(p) for p in re.split(r"\n\s*\n|\n", _plain(article_body))]
            blocks, source = [("p", p) for p in paragraphs if p], "json-ld:articleBody"
    lead = _lead(tree, description, blocks)
    if lead:
        blocks = [("p", lead), *blocks]
    if include_captions:
        blocks = with_captions(tree, blocks)
    blocks = trim_edges(blocks)
    return Body(blocks, source, locate(tree, blocks))
