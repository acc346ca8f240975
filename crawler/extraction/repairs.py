"""Two repairs of trafilatura's precision-mode body, each proven on the page.

* split bodies: when the extracted paragraphs sit in one of several sibling containers of
  the same tag and class (a body cut into chunks by ads or embeds), all of them are read,
  unless a chunk belongs to another story or is mostly links;
* lost paragraphs: prose paragraphs and subheadings of the article's own container that
  precision mode left out, when trafilatura's default mode keeps them too.
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import evidence as ev
from crawler.extraction import selectors as sel
from crawler.extraction.overlap import overlap
from crawler.extraction.render import Blocks, run_trafilatura, shell
from crawler.extraction.titles import clean_space

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ARTICLE_H1 = etree.XPath("ancestor::article[1]//h1")


def split_body(tree: HtmlElement, url: str, blocks: Blocks) -> Blocks | None:
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
                doc = shell()
                article = doc.find(".//article")
                for el in same:
                    article.append(deepcopy(el))
                merged = _backed(run_trafilatura(doc, url), {t for _, t in blocks}, same)
                p, r = overlap(extracted, " ".join(t for _, t in merged))
                if r >= 0.9 and len(merged) > len(blocks):
                    return merged
            return None
        holder = holder.getparent()
    return None


def _headline_of(el: etree._Element) -> str:
    """The headline of the ``<article>`` holding ``el`` ("" when none)."""
    found = _ARTICLE_H1(el)
    return clean_space(found[0].text_content()) if found else ""


def _backed(merged: Blocks, have: set[str], chunks: list[etree._Element]) -> Blocks:
    """The re-joined blocks the page backs: already extracted, or a chunk's text that is
    not mostly links (a teaser or a video list between the chunks is not the article)."""
    dense = {clean_space(el.text_content()) for chunk in chunks
             for el in sel.BODY_LINK_HOLDERS(chunk)
             if ev.link_density(el) >= ev.MAX_LINK_DENSITY}
    return [(k, t) for k, t in merged if t in have or t not in dense]


def recover_paragraphs(tree: HtmlElement, url: str, blocks: Blocks) -> Blocks | None:
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
    default = {t for _, t in run_trafilatura(tree, url)}
    added = sorted((order[el], missing[text], text) for el in holder.iter("p", *HEADINGS)
                   if (text := clean_space(el.text_content())) in missing and text in default)
    return merge(blocks, located, order, added) if added else None


def merge(blocks: Blocks, located: list[etree._Element], order: dict[etree._Element, int],
          added: list[tuple[int, str, str]]) -> Blocks:
    """``blocks`` with ``added`` ``(position, kind, text)`` blocks put where the page has them."""
    position = {clean_space(el.text_content()): order.get(el, -1) for el in located}
    pending = sorted(added)
    out: Blocks = []
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


def locate(tree: HtmlElement, blocks: Blocks) -> list[etree._Element]:
    """The page elements (paragraphs, items, headings) whose text is a body block."""
    wanted = {t for _, t in blocks if len(t) > 20}
    if not wanted:
        return []
    return [el for el in sel.BODY_LINK_HOLDERS(tree) if clean_space(el.text_content()) in wanted]
