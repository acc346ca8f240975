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

One module of about 440 lines: the candidates and the evidence that chooses between them
are scored against each other; apart, each rule would lose sight of what it competes with.
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

from crawler.extraction import evidence as ev
from crawler.extraction import selectors as sel
from crawler.extraction.overlap import overlap
from crawler.extraction.titles import clean_space, title_key
from crawler.wordcount import word_count

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

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
    _add(blocks, "p", clean_space(body.text))
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        _block(blocks, el, tag)
        # text between trafilatura's blocks (a line the page wrote outside any <p>)
        _add(blocks, "p", clean_space(el.tail))
    return blocks


def _block(blocks: list[tuple[str, str]], el: etree._Element, tag: str) -> None:
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


def _add(blocks: list[tuple[str, str]], kind: str, text: str) -> None:
    if text:
        blocks.append((kind, text))


def _trafilatura(tree: HtmlElement, url: str, **kwargs: object) -> list[tuple[str, str]]:
    # bare_extraction works on its own copy of a tree it is given
    doc = trafilatura.bare_extraction(
        tree, url=url or None, include_comments=False, include_tables=True,
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
        # a chunk in another <article> with a headline of its own is another story: a
        # feed of articles loaded under this one
        home = _headline_of(holder)
        if any(_headline_of(el) not in ("", home) for el in same):
            return None
        if len(same) > 1:
            missing = sum(len(clean_space(p.text_content())) for el in same if el is not holder
                          for p in el.iter("p")
                          if clean_space(p.text_content())[:50] not in extracted)
            if missing >= 200:
                doc = _shell()
                article = doc.find(".//article")
                for el in same:
                    article.append(deepcopy(el))
                merged = _backed(_trafilatura(doc, url), {t for _, t in blocks}, same)
                p, r = overlap(extracted, " ".join(t for _, t in merged))
                if r >= 0.9 and len(merged) > len(blocks):
                    return merged
            return None
        holder = holder.getparent()
    return None


_ARTICLE_H1 = etree.XPath("ancestor::article[1]//h1")


def _headline_of(el: etree._Element) -> str:
    """The headline of the ``<article>`` holding ``el`` ("" when none)."""
    found = _ARTICLE_H1(el)
    return clean_space(found[0].text_content()) if found else ""


def _backed(merged: list[tuple[str, str]], have: set[str],
            chunks: list[etree._Element]) -> list[tuple[str, str]]:
    """The re-joined blocks the page backs: already extracted, or a chunk's text that is
    not mostly links (a teaser or a video list between the chunks is not the article)."""
    dense = {clean_space(el.text_content()) for chunk in chunks
             for el in sel.BODY_LINK_HOLDERS(chunk)
             if ev.link_density(el) >= ev.MAX_LINK_DENSITY}
    return [(k, t) for k, t in merged if t in have or t not in dense]


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


def _words(blocks: list[tuple[str, str]]) -> int:
    """Words as the article's length rule counts them (CJK per character)."""
    return word_count(" ".join(t for _, t in blocks))


def _visible_text(tree: HtmlElement) -> str:
    return " ".join(sel.VISIBLE_TEXT(tree))


def _structured_body(tree: HtmlElement, article_body: str | None,
                     blocks: list[tuple[str, str]]) -> str | None:
    """The page's JSON-LD ``articleBody`` when it can stand for the article: at least 50
    words, about as long as what the extractor found (a teaser of the first paragraphs is
    not the article) and printed on the page."""
    reference = clean_space(_plain(article_body))
    words = word_count(reference)
    if words < 50 or words < 0.8 * _words(blocks):
        return None
    return reference


def _recover_paragraphs(tree: HtmlElement, url: str,
                        blocks: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """Paragraphs and subheadings precision mode left out of the article's own container.

    Evidence needed for each: a paragraph is prose (length, sentence end, few links), a
    subheading stands between the body's paragraphs with few links; it lies inside the
    container the extracted paragraphs share; and trafilatura's default mode keeps it too.
    """
    located = locate(tree, blocks)
    holder = ev.container(located)
    if holder is None:
        return None
    order = {el: i for i, el in enumerate(holder.iter())}
    spots = [order[el] for el in located if el in order]
    if not spots:
        return None
    have = {t for _, t in blocks}
    missing = {t: "p" for t in ev.missing_prose(holder, have, order, min(spots), max(spots))}
    missing.update((t, "h") for t in ev.missing_headings(holder, have, order, min(spots),
                                                         max(spots)))
    extracted = sum(len(t) for t in have)
    if sum(len(t) for t in missing) < max(150, 0.1 * extracted):
        return None
    default = {t for _, t in _trafilatura(tree, url)}
    added = sorted((order[el], missing[text], text) for el in holder.iter("p", *HEADINGS)
                   if (text := clean_space(el.text_content())) in missing and text in default)
    return _merge(blocks, located, order, added) if added else None


def _merge(blocks: list[tuple[str, str]], located: list[etree._Element],
           order: dict[etree._Element, int],
           added: list[tuple[int, str, str]]) -> list[tuple[str, str]]:
    """``blocks`` with ``added`` ``(position, kind, text)`` blocks put where the page has them."""
    position = {clean_space(el.text_content()): order.get(el, -1) for el in located}
    pending = sorted(added)
    out: list[tuple[str, str]] = []
    last = -1
    for kind, text in blocks:
        pos = position.get(text, last)
        while pending and pending[0][0] < pos:
            _, k, t = pending.pop(0)
            out.append((k, t))
        out.append((kind, text))
        last = max(last, pos)
    out.extend((k, t) for _, k, t in pending)
    return out


def with_captions(tree: HtmlElement, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
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
    return _merge(blocks, located, order, added) if added else blocks


def generic_body(tree: HtmlElement, url: str, article_body: str | None,
                 description: str | None, min_words: int = 1,
                 include_captions: bool = False) -> Body:
    """trafilatura's precision-mode body, overridden only by a candidate the page backs.

    The candidates (a body re-joined from split containers, paragraphs recovered from the
    article's container, recall mode, the JSON-LD ``articleBody``) each have to prove
    themselves against the page; ``Body.source`` names the one that won.
    """
    blocks = _trafilatura(tree, url, favor_precision=True)
    source = "trafilatura:precision"
    if _words(blocks) < min_words:  # nothing usable: trafilatura's default mode, if it finds more
        default = _trafilatura(tree, url)
        if _words(default) > _words(blocks):
            blocks, source = default, "trafilatura:default"
    split = _split_body(tree, url, blocks)
    if split:
        blocks, source = split, "trafilatura:split-body"
    else:
        recovered = _recover_paragraphs(tree, url, blocks)
        if recovered:
            blocks, source = recovered, "trafilatura:precision+recovered"
    reference = _structured_body(tree, article_body, blocks)
    if reference:
        recall = _trafilatura(tree, url, favor_recall=True)
        own = _f1(*overlap(reference, " ".join(t for _, t in blocks)))
        alt = _f1(*overlap(reference, " ".join(t for _, t in recall)))
        if alt > own + 0.05:
            blocks, source = recall, "trafilatura:recall+json-ld"
            own = alt
        if own < 0.5 and overlap(_visible_text(tree), reference)[0] >= 0.8:
            paragraphs = [clean_space(p) for p in re.split(r"\n\s*\n|\n", _plain(article_body))]
            blocks, source = [("p", p) for p in paragraphs if p], "json-ld:articleBody"
    lead = _lead(tree, description, blocks)
    if lead:
        blocks = [("p", lead), *blocks]
    if include_captions:
        blocks = with_captions(tree, blocks)
    return Body(_trim_edges(blocks), source)


# --- profile path ----------------------------------------------------------------------------

def profile_container(tree: HtmlElement, selectors: tuple[str, ...]) -> etree._Element | None:
    for selector in selectors:
        found = css(tree, selector)
        if found:
            return found[0]
    return None


def body_range(tree: HtmlElement, containers: tuple[str, ...], starts: tuple[str, ...],
               stops: tuple[str, ...]) -> etree._Element | None:
    """The body of a page without a body element, as a detached container.

    The body is the run of sibling elements after the first ``starts`` match (or from the
    start of the first ``containers`` match) up to, not including, the first element that
    is or holds a ``stops`` match (or to the end of their parent).  ``<p>`` after a share
    box up to an ``<hr>``: ``body_start: div.share``, ``body_stop: hr``.
    """
    scope = profile_container(tree, containers) if containers else None
    root = scope if scope is not None else tree
    start = next((found[0] for s in starts for found in [css(root, s)] if found), None)
    blocked = {a for s in stops for el in css(root, s) for a in (el, *el.iterancestors())}
    if start is not None:
        run = start.itersiblings()
    elif scope is not None:
        run = iter(scope)
    elif not starts and blocked:
        first_stop = next(el for s in stops for el in css(root, s))
        parent = first_stop.getparent()
        run = iter(parent) if parent is not None else iter(())
    else:
        return None
    holder = lxml.html.Element("div")
    for el in run:
        if el in blocked:
            break
        holder.append(deepcopy(el))
    return holder if len(holder) else None


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
