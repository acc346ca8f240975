"""The body a site profile points at, and the evidence that lets it replace the generic one.

A profile names the body's container (``body``: the first matching selector) or a run of
sibling elements (``body_start``/``body_stop``); the parts ``body_exclude`` names are
removed and trafilatura reads the rest in recall mode.  A profile can be stale (the site
changed its templates) or wrong (the selector holds the standfirst only), so the container
overrides the generic body only when it proves itself on the page
(:func:`prove_container`), and ``provenance["body_container"]`` says how.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import evidence as ev
from crawler.extraction import selectors as sel
from crawler.extraction.body import Body, trim_edges
from crawler.extraction.css import css
from crawler.extraction.overlap import overlap
from crawler.extraction.render import run_trafilatura, shell
from crawler.extraction.titles import clean_space

# The container proves itself without a second extraction when the page's prose outside
# it is at most this share of the prose inside (comments, teasers, a bio).
MAX_OUTSIDE_PROSE = 0.2
# Otherwise the container must cover this share of the generic body's shingles ...
MIN_COVER = 0.8
# ... or the generic body be this much shorter (it read a fragment: a teaser, a caption)
# while the container is not mostly link text.
MUCH_SHORTER = 0.5


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
    doc = shell()
    doc.find(".//article").append(node)
    blocks = run_trafilatura(doc, url, favor_recall=True)
    return Body(trim_edges(blocks), "profile+trafilatura", [node])


def prove_container(tree: HtmlElement, container: etree._Element, body: Body,
                    generic: Callable[[], Body], min_words: int) -> tuple[Body, str]:
    """The container's body, or the generic body when the container does not prove itself.

    Evidence, cheapest first: nearly all the page's prose lies inside the container
    (``prose``: no second extraction); else the container's body covers most of the
    generic body's shingles (``covers``) or the generic body is much shorter and the
    container is not mostly links (``longer``: a menu is long too).  Returns the winner
    and how it won: ``prose``, ``covers``, ``longer``, ``refused`` (the generic body won)
    or ``empty`` (neither reads anything).
    """
    if body.word_count >= min_words and _prose_inside(tree, container, body):
        return body, "prose"
    other = generic()
    if body.word_count >= min_words:
        if overlap(other.text, body.text)[1] >= MIN_COVER:
            return body, "covers"
        if (other.word_count < MUCH_SHORTER * body.word_count
                and ev.link_density(container) < ev.MAX_LINK_DENSITY):
            return body, "longer"
        return other, "refused"
    return (other, "refused") if other.word_count > body.word_count else (body, "empty")

def _prose_inside(tree: HtmlElement, container: etree._Element, body: Body) -> bool:
    """The page's prose paragraphs outside the container (not in navigation or comments)
    add up to little next to the text read from it.

    A detached container (a body range) holds copies: its paragraphs are known by text.
    """
    inside = set(container.iter("p"))
    have = {t for _, t in body.blocks}
    outside = 0
    for p in sel.PROSE_CANDIDATES(tree):
        if p in inside:
            continue
        text = clean_space(p.text_content())
        if (len(text) >= ev.MIN_PROSE and text not in have and ev.is_prose(p, text)
                and not sel.COMMENT_ANCESTORS(p)):
            outside += len(text)
    return outside <= MAX_OUTSIDE_PROSE * len(body.text)
