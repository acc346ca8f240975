"""What the page itself says about a body candidate: where its blocks sit, how much of their
text is links, what prose the candidate left out.

Every step that overrides trafilatura's body asks these questions before it may do so:
a block that is mostly link text, or that stands outside the container the article's
paragraphs share, is not article text by evidence.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.titles import clean_space

# Above this share of link text a block is navigation, a teaser or a list of links.
MAX_LINK_DENSITY = 0.3
# Prose: a paragraph of at least this many characters that ends like a sentence.
MIN_PROSE = 80
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", "\"", "”", "»", ":", ")")


def link_density(el: etree._Element) -> float:
    text = clean_space(el.text_content())
    if not text:
        return 0.0
    linked = sum(len(clean_space(a.text_content())) for a in sel.LINKS(el))
    return min(1.0, linked / len(text))


def container(elements: Iterable[etree._Element], share: float = 0.8) -> etree._Element | None:
    """The innermost element holding ``share`` of ``elements``: the article's container.

    None when that is the whole ``<body>`` (the blocks do not share a container).
    """
    elements = list(elements)
    if not elements:
        return None
    need = max(1, int(len(elements) * share + 0.999))
    counts: dict[etree._Element, int] = {}
    depth: dict[etree._Element, int] = {}
    for el in elements:
        for i, anc in enumerate(reversed(list(el.iterancestors()))):
            counts[anc] = counts.get(anc, 0) + 1
            depth[anc] = i
    holders = [a for a, n in counts.items() if n >= need]
    if not holders:
        return None
    best = max(holders, key=lambda a: depth[a])
    return None if best.tag in ("body", "html") else best


def is_prose(el: etree._Element, text: str) -> bool:
    """A paragraph a reader reads: long enough, ends a sentence, little link text, not in a
    navigation/aside/footer block."""
    return (len(text) >= MIN_PROSE and text.endswith(_SENTENCE_END)
            and link_density(el) < MAX_LINK_DENSITY and not sel.NAV_ANCESTORS(el))


def missing_headings(holder: etree._Element, have: set[str], order: dict[etree._Element, int],
                     first: int, last: int) -> list[str]:
    """Subheadings between the body's first and last extracted block that the candidate
    does not contain (few links, not in navigation)."""
    out = []
    for h in holder.iter("h2", "h3", "h4"):
        text = clean_space(h.text_content())
        if (text and len(text) <= 200 and text not in have and first < order.get(h, -1) < last
                and link_density(h) < MAX_LINK_DENSITY and not sel.NAV_ANCESTORS(h)):
            out.append(text)
    return out


def missing_prose(holder: etree._Element, have: set[str], order: dict[etree._Element, int],
                  first: int, last: int) -> list[str]:
    """Prose paragraphs between the body's first and last extracted block whose text the
    candidate does not contain (what trails or precedes a body is a bio, a teaser, a pitch
    more often than article text)."""
    out = []
    for p in holder.iter("p"):
        text = clean_space(p.text_content())
        if (text and first < order.get(p, -1) < last and text not in have
                and not any(text in h for h in have) and is_prose(p, text)):
            out.append(text)
    return out
