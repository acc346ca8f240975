"""The article layout of a site, learned from a few of its article pages.

A :class:`Layout` is what a profile's selectors say: the body container, what to leave out
of it, and the related blocks with their labels.  :func:`learn_layout` reads it from
article pages judged by their signals: the body container is the element that holds the
extracted body on most pages (named by the classes it keeps on every page, with an
ancestor's selector in front when an earlier element would match first); ``body_exclude``
names the share boxes and link lists inside it; related blocks are the heading-found blocks
(:mod:`crawler.autoprofile.related_blocks`) named the same way, with their heading as
``title`` when blocks of different labels share one selector.  Each rule comes with its
evidence (pages covered, pages contradicted).

Used twice: a profile-less crawl switches its workers to the learned layout once enough
articles agree (the page type is still judged from each page's signals), and
``newscrawl profile suggest`` writes it into the suggested profile.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from crawler.autoprofile.related_blocks import FoundBlock, find_blocks
from crawler.extraction.css import css
from crawler.extraction.related import LinkFilter
from crawler.extraction.titles import clean_space
from crawler.profiles import RelatedBlock, SiteProfile

_VOLATILE = re.compile(r"\d{3,}|^(?:tdi_|js-|is-|has-|active|current|odd|even|first|last)",
                       re.IGNORECASE)
_NOISE = re.compile(r"share|sharing|social|related|yarpp|newsletter|advert|^ad$|^ads?[-_]"
                    r"|sponsor|promo|subscribe|comments?", re.IGNORECASE)
MIN_SHARE = 0.6  # an exclude or a block must hold on this share of the pages
MAX_EXCLUDES = 8


@dataclass
class Evidence:
    rule: str
    value: str
    covers: int
    contradicts: int
    of: int  # pages the rule was checked on

    def line(self) -> str:
        return (f"{self.rule}: {self.value} -- covers {self.covers} of {self.of} sample "
                f"page(s), contradicted by {self.contradicts}")


@dataclass
class Layout:
    body: tuple[str, ...] = ()
    body_exclude: tuple[str, ...] = ()
    related: tuple[RelatedBlock, ...] = ()
    evidence: list[Evidence] = field(default_factory=list)
    pages: int = 0

    def holds(self, min_share: float) -> bool:
        """Whether the body rule covers ``min_share`` of the pages with no contradiction."""
        rule = next((e for e in self.evidence if e.rule == "body"), None)
        return bool(rule and rule.contradicts == 0 and rule.covers >= min_share * rule.of)


def element_selector(el: etree._Element, keep: set[str] | None = None) -> str:
    classes = [c for c in (el.get("class") or "").split()
               if not _VOLATILE.search(c) and (keep is None or c in keep)]
    return el.tag + "".join("." + re.sub(r"([^\w-])", r"\\\1", c) for c in classes)


def _common_classes(elements: list[etree._Element]) -> set[str]:
    counts = Counter(c for el in elements for c in set((el.get("class") or "").split()))
    return {c for c, n in counts.items() if n >= max(1, round(0.8 * len(elements)))}


@dataclass
class _Page:
    url: str
    tree: Any
    body_elements: list[etree._Element]
    blocks: list[FoundBlock]


def _pages(samples: list[tuple[str, bytes]], profile: SiteProfile) -> list[_Page]:
    from crawler.extraction import ExtractOptions, extract

    out = []
    for url, body in samples:
        result = extract(body, ExtractOptions(url=url, profile=profile, with_related=False))
        if not result.ok:
            continue
        tree = lxml.html.document_fromstring(body)
        wanted = {clean_space(p) for p in result.text.split("\n\n") if len(p) > 20}
        elements = [el for el in tree.iter("p", "li", "h2", "h3", "h4", "blockquote")
                    if clean_space(el.text_content()) in wanted]
        blocks = find_blocks(tree, LinkFilter(url, None, None, strict=True))
        out.append(_Page(url, tree, elements, blocks))
    return out


def _lowest_common(elements: list[etree._Element]) -> etree._Element | None:
    if not elements:
        return None
    chains = [list(el.iterancestors())[::-1] for el in elements]
    common = None
    for level in zip(*chains, strict=False):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    return common


def _unique_selector(el: etree._Element, tree: Any, keep: set[str]) -> str:
    """``el``'s selector, prefixed by an ancestor's when others match first on the page."""
    own = element_selector(el, keep)
    found = css(tree, own)
    if found and found[0] is el:
        return own
    for anc in list(el.iterancestors())[:6]:
        if anc.tag in ("body", "html"):
            break
        anc_sel = element_selector(anc, _common_classes([anc]))
        if anc_sel == anc.tag:
            continue
        combined = f"{anc_sel} {own}"
        found = css(tree, combined)
        if found and found[0] is el:
            return combined
    return own


def _body_rules(pages: list[_Page]) -> tuple[Evidence | None, list[Evidence]]:
    containers = [(_lowest_common(p.body_elements), p) for p in pages]
    containers = [(c, p) for c, p in containers
                  if c is not None and c.tag not in ("html", "body")]
    if not containers:
        return None, []
    keep = _common_classes([c for c, _ in containers])
    votes = Counter(_unique_selector(c, p.tree, keep) for c, p in containers)
    selector, _ = votes.most_common(1)[0]
    covers = contradicts = 0
    for c, p in containers:
        found = css(p.tree, selector)
        if found and found[0] is c:
            covers += 1
        else:
            contradicts += 1
    body = Evidence("body", selector, covers, contradicts + len(pages) - len(containers),
                    len(pages))
    excluded: Counter[str] = Counter()
    for c, p in containers:
        body_set = {el for b in p.body_elements for el in [b, *b.iterancestors()]}
        inside = set(c.iter())
        noise: list[etree._Element] = [b.element for b in p.blocks if b.element in inside]
        for el in c.iter():
            if el is c or el in body_set or not isinstance(el.tag, str):
                continue
            if any(anc in noise for anc in el.iterancestors()) or el in noise:
                continue  # inside a part already left out
            if any(_NOISE.search(cls) for cls in (el.get("class") or "").split()):
                noise.append(el)
        excluded.update({element_selector(el) for el in noise})
    exclude = [Evidence("body_exclude", name, n, 0, len(containers))
               for name, n in excluded.most_common() if n >= MIN_SHARE * len(containers)
               and "." in name]
    return body, exclude[:MAX_EXCLUDES]


def _related_rules(pages: list[_Page]) -> tuple[list[RelatedBlock], list[Evidence]]:
    by_heading: dict[tuple[str, str], list[FoundBlock]] = {}
    for p in pages:
        for block in p.blocks:
            by_heading.setdefault((block.label, block.heading), []).append(block)
    groups = []
    for (label, heading), blocks in by_heading.items():
        if len(blocks) < max(2, MIN_SHARE * len(pages) / 2):
            continue
        selector = element_selector(blocks[0].element, _common_classes([b.element
                                                                        for b in blocks]))
        heads = [b.heading_element for b in blocks if b.heading_element is not None]
        title_selector = (element_selector(heads[0], _common_classes(heads)) if heads
                          else "h2, h3, h4")
        groups.append((label, heading, selector, title_selector, len(blocks)))
    shared = Counter(g[2] for g in groups)
    specs, evidence = [], []
    for label, heading, selector, title_selector, n in sorted(groups, key=lambda g: -g[4]):
        if shared[selector] > 1:
            spec = RelatedBlock(label=label, block=selector,
                                title=r"^\s*" + re.escape(heading) + r"\s*$",
                                title_selector=title_selector)
        else:
            spec = RelatedBlock(label=label, block=selector)
        specs.append(spec)
        evidence.append(Evidence(f"related[{label}]", f"{selector} (heading {heading!r})", n,
                                 len(pages) - n, len(pages)))
    return specs, evidence


def learn_layout(samples: list[tuple[str, bytes]], profile: SiteProfile) -> Layout:
    """The layout of ``samples`` (URL, HTML of article pages) with its evidence."""
    pages = _pages(samples, profile)
    body, exclude = _body_rules(pages)
    related, related_evidence = _related_rules(pages)
    evidence = ([body] if body else []) + exclude + related_evidence
    return Layout(body=(body.value,) if body else (),
                  body_exclude=tuple(e.value for e in exclude), related=tuple(related),
                  evidence=evidence, pages=len(pages))
