"""Related-link blocks found without selectors: by their heading, or by schema markup.

A block is the smallest element around a heading such as "Related posts", "Read next",
"Latest news" or "Must read" (and their equivalents in German, French, Spanish,
Portuguese, Italian, Dutch, Polish, Russian and Romanian) that holds at least two links to
other pages of the site; its label comes from the heading.  Blocks inside navigation
menus or the page footer are not related blocks, and neither are lists of tags or
categories (their links are not article links) nor previous/next links (``rel``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.extraction.titles import clean_space
from crawler.profiles import RelatedBlock

# Label -> heading pattern.  Order matters: the first label whose pattern matches wins.
LABEL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE)) for label, pattern in (
        ("must_read", r"must[- ]?reads?|don'?t miss|do not miss|most (?:read|popular|viewed)"
                      r"|editor'?s? picks?|top stories|trending|lesenswert|meistgelesen"
                      r"|nicht verpassen|à ne pas manquer|les plus lus|imprescindibles?"
                      r"|lo más leído|más leíd|não perca|mais lid|da non perdere|più lett"
                      r"|de neratat|cele mai citite|nu rata|не пропустите|самое читаемое"
                      r"|популярное|niet te missen|meest gelezen|najczęściej czytane"),
        ("recommended", r"recommend|suggested for you|picked for you|for you$|empfehl"
                        r"|empfohlen|recommandé|nos recommandations|recomendad|raccomandat"
                        r"|consigliat|recomandă|recomandat|рекомендуем|aanbevolen|polecane"),
        ("latest", r"latest|most recent|recent (?:posts|articles|news|stories)|^recent$|newest"
                   r"|just in|neueste|aktuelle (?:artikel|nachrichten|beiträge)|^aktuell"
                   r"|derni(?:ers|ères) (?:articles|actualités|infos)|^à la une|últimas"
                   r"|recientes|ultime (?:notizie|news)|più recenti|ultimele|cele mai noi"
                   r"|последние|свежие|nieuwste|laatste nieuws|najnowsze"),
        ("related", r"related|similar|see also|read also|also read|read next"
                    r"|(?:you|u) (?:might|may|could) (?:also )?(?:like|enjoy|be interested)"
                    r"|more (?:from|on|about|in|like) |more stories|further reading|keep reading"
                    r"|ähnliche|verwandte|das könnte (?:sie|dich) auch|auch interessant"
                    r"|mehr zum thema|weitere artikel|lesen sie auch|à lire aussi|lire aussi"
                    r"|voir aussi|sur le même sujet|articles (?:similaires|liés|connexes)"
                    r"|vous aimerez|relacionad|te puede interesar|lee también|ver también"
                    r"|leia também|veja também|saiba mais|você também pode|leggi anche"
                    r"|correlat|potrebbe interessarti|vedi anche|articole (?:similare|asemănătoare"
                    r"|conexe)|citește și|citeste si|vezi și|ar putea să te intereseze"
                    r"|похожие|читайте также|по теме|смотрите также|вам может быть интересно"
                    r"|gerelateerd|lees ook|zie ook|powiązane|czytaj (?:także|też)|zobacz (?:też"
                    r"|także)"),
    ))
MAX_HEADING_CHARS = 60
MAX_CLIMB = 4
_HEADINGS = etree.XPath(
    "//h1|//h2|//h3|//h4|//h5|//h6|//*[contains(@class, 'title') or contains(@class, 'heading')"
    " or contains(@class, 'header')][not(*[contains(@class, 'title')])]"
    "[not(ancestor::h1|ancestor::h2|ancestor::h3|ancestor::h4|ancestor::h5)]")
_EXCLUDED_ANCESTORS = etree.XPath(
    "ancestor-or-self::nav | ancestor-or-self::*[@role='navigation'] | ancestor-or-self::footer"
    " | ancestor-or-self::*[@role='contentinfo'] | ancestor::*[contains(@class, 'menu')]"
    " | ancestor::*[contains(@class, 'footer') and not(contains(@class, 'entry-footer'))]")
_SCHEMA_LINKS = etree.XPath("//*[@itemprop='relatedLink' or @itemprop='significantLink']")
_ANCHORS = etree.XPath(".//a[@href]")


def label_of(heading: str) -> str | None:
    """The related-links label a block heading names, or None."""
    text = clean_space(heading)
    if not text or len(text) > MAX_HEADING_CHARS:
        return None
    for label, pattern in LABEL_PATTERNS:
        if pattern.search(text):
            return label
    return None


@dataclass
class FoundBlock:
    label: str
    element: etree._Element
    heading: str
    rule: str  # heading | schema
    links: list[dict[str, Any]]
    heading_element: etree._Element | None = None


def _accepted(element: etree._Element, accept: Callable[[str | None], str | None],
              skip: set[etree._Element]) -> list[tuple[etree._Element, str]]:
    out = []
    for a in _ANCHORS(element):
        if a in skip or (a.get("rel") or "").lower() in ("prev", "next"):
            continue
        url = accept(a.get("href"))
        if url is not None:
            out.append((a, url))
    return out


def find_blocks(tree: etree._Element,
                accept: Callable[[str | None], str | None]) -> list[FoundBlock]:
    """The page's related blocks in page order; ``accept(href)`` -> canonical URL or None."""
    found: list[FoundBlock] = []
    taken: set[etree._Element] = set()
    for heading in _HEADINGS(tree):
        text = clean_space(heading.text_content())
        label = label_of(text)
        if label is None or heading in taken:
            continue
        inside = set(_ANCHORS(heading)) if heading.tag != "a" else {heading}
        block = heading
        links: list[tuple[etree._Element, str]] = []
        for _ in range(MAX_CLIMB):
            parent = block.getparent()
            if parent is None or parent.tag in ("body", "html", "main"):
                break
            block = parent
            links = _accepted(block, accept, inside)
            if len(links) >= 2:
                break
        if len(links) < 2 or _EXCLUDED_ANCESTORS(block) or any(
                b.element is block or _contains(b.element, block) or _contains(block, b.element)
                for b in found):
            continue
        taken.update(block.iter())
        found.append(FoundBlock(label, block, text, "heading", _dedup(links, label), heading))
    for holder in _SCHEMA_LINKS(tree):
        if holder in taken or _EXCLUDED_ANCESTORS(holder):
            continue
        links = _accepted(holder, accept, set()) if holder.tag != "a" else (
            [(holder, u)] if (u := accept(holder.get("href"))) else [])
        if links:
            taken.update(holder.iter())
            found.append(FoundBlock("related", holder, "", "schema", _dedup(links, "related")))
    return found


def layout_blocks(tree: etree._Element, specs: tuple[RelatedBlock, ...],
                  accept: Callable[[str | None], str | None]) -> list[FoundBlock]:
    """The blocks of a learned layout on this page (selectors, as a profile's)."""
    from crawler.extraction.css import css
    from crawler.extraction.related import PageBlocks

    page = PageBlocks(tree)
    found: list[FoundBlock] = []
    for spec in specs:
        for element in page.matching(spec):
            if _EXCLUDED_ANCESTORS(element) or any(b.element is element for b in found):
                continue
            anchors = [a for a in css(element, spec.links)
                       if (a.get("rel") or "").lower() not in ("prev", "next")]
            links = [(a, url) for a in anchors if (url := accept(a.get("href"))) is not None]
            if links:
                found.append(FoundBlock(spec.label, element, "", "layout",
                                        _dedup(links, spec.label)))
    return found


def _contains(outer: etree._Element, inner: etree._Element) -> bool:
    return inner is not outer and any(anc is outer for anc in inner.iterancestors())


def _dedup(links: list[tuple[etree._Element, str]], label: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a, url in links:
        if url in seen:
            continue
        seen.add(url)
        text = clean_space(a.text_content()) or clean_space(a.get("title"))
        out.append({"url": url, "text": text, "label": label, "position": 0})
    return out


def number_positions(blocks: list[FoundBlock]) -> list[dict[str, Any]]:
    """All blocks' links, positions counted from 0 within each label in page order."""
    out: list[dict[str, Any]] = []
    by_label: dict[str, int] = {}
    for block in blocks:
        for link in block.links:
            link["position"] = by_label.get(block.label, 0)
            by_label[block.label] = link["position"] + 1
            out.append(link)
    return out
