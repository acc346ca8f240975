"""A site profile suggested from a sample crawl, with the evidence for each rule.

Input: what a profile-less sample crawl learned (:class:`Sample`): the URL shapes of the
pages it judged, the sitemaps and feeds that answered, the pagination it followed, and the
HTML of the first pages.  Output: :class:`Suggestion`, the profile as a mapping that
:func:`crawler.profiles.parse_profile` accepts, and one :class:`Evidence` line per rule
(sample pages it covers, pages it contradicts), rendered as a commented YAML file by
:func:`render_yaml`.

Selectors are read from the sample's article pages: the body container is the element
that holds the extracted body on most pages; related blocks are the heading-found blocks
(:mod:`crawler.autoprofile.related_blocks`) named by the classes they keep on every page,
with the heading as ``title`` when blocks of different labels share one selector.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import yaml
from lxml import etree

from crawler.autoprofile.related_blocks import find_blocks
from crawler.autoprofile.url_shapes import ShapeBook, shape_regex
from crawler.extraction import ExtractOptions, extract
from crawler.extraction.related import LinkFilter
from crawler.extraction.titles import clean_space
from crawler.profiles import SiteProfile

_VOLATILE = re.compile(r"\d{3,}|^(?:tdi_|js-|is-|has-|active|current|odd|even|first|last)",
                       re.IGNORECASE)
_NOISE = re.compile(r"share|sharing|social|related|yarpp|newsletter|advert|^ad$|^ads?[-_]"
                    r"|sponsor|promo|subscribe|comments?", re.IGNORECASE)
MIN_SHARE = 0.6  # a selector must hold on this share of sample article pages
MAX_EXCLUDES = 8
DEFAULT_EXCLUDE = ("/feed/?$", r"[?&](?:share|replytocom|s)=", "/printable/",
                   "/(?:wp-admin|wp-login|wp-json)/", r"/user/(?:login|register|password)")
PAGINATION = {"path": r"/page/(\d+)/?$", "query": r"[?&]page=(\d+)"}


@dataclass
class Sample:
    base_url: str
    shapes: ShapeBook
    pages: list[tuple[str, str, str, bytes]]  # url, kind, rule, body
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    pagination: set[str] = field(default_factory=set)


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
class Suggestion:
    profile: dict[str, Any]
    evidence: list[Evidence]
    articles: int  # sample pages judged articles
    problem: str | None = None  # why no profile can be suggested


def _relative(base: str, url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "") if url.startswith(base) \
        else url


def element_selector(el: etree._Element, keep: set[str] | None = None) -> str:
    classes = [c for c in (el.get("class") or "").split()
               if not _VOLATILE.search(c) and (keep is None or c in keep)]
    return el.tag + "".join("." + re.sub(r"([^\w-])", r"\\\1", c) for c in classes)


def _common_classes(elements: list[etree._Element]) -> set[str]:
    counts = Counter(c for el in elements for c in set((el.get("class") or "").split()))
    return {c for c, n in counts.items() if n >= max(1, round(0.8 * len(elements)))}


def _regex_rules(sample: Sample, kind: str) -> list[Evidence]:
    merged: dict[str, list[int]] = {}
    for shape, stats in sample.shapes.shapes.items():
        if stats.counts.get(kind, 0) == 0 or stats.counts[kind] != max(stats.counts.values()):
            continue
        regex = shape_regex(shape).replace(r"[^/?#]+", r"[^/]+")
        row = merged.setdefault(regex, [0, 0])
        row[0] += stats.counts[kind]
        row[1] += stats.total - stats.counts[kind]
    total = sum(s.counts.get(kind, 0) for s in sample.shapes.shapes.values())
    rules = [Evidence(f"{kind}_url", regex, n, bad, total) for regex, (n, bad) in merged.items()
             if n >= 2 or kind == "listing"]
    return sorted(rules, key=lambda e: -e.covers)


@dataclass
class _Page:
    url: str
    tree: Any
    body_elements: list[etree._Element]
    blocks: list[Any]


def _article_pages(sample: Sample, profile: SiteProfile) -> list[_Page]:
    out = []
    for url, kind, _rule, body in sample.pages:
        if kind != "article":
            continue
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


def _css(tree: Any, selector: str) -> list[etree._Element]:
    from crawler.extraction.body import css

    return css(tree, selector)


def _unique_selector(el: etree._Element, tree: Any, keep: set[str]) -> str:
    """``el``'s selector, prefixed by an ancestor's when others match first on the page."""
    own = element_selector(el, keep)
    found = _css(tree, own)
    if found and found[0] is el:
        return own
    for anc in list(el.iterancestors())[:6]:
        if anc.tag in ("body", "html"):
            break
        anc_sel = element_selector(anc, _common_classes([anc]))
        if anc_sel == anc.tag:
            continue
        combined = f"{anc_sel} {own}"
        found = _css(tree, combined)
        if found and found[0] is el:
            return combined
    return own


def _body_rules(pages: list[_Page]) -> tuple[list[Evidence], list[Evidence]]:
    containers = [(_lowest_common(p.body_elements), p) for p in pages]
    containers = [(c, p) for c, p in containers if c is not None and c.tag not in ("html",
                                                                                   "body")]
    if not containers:
        return [], []
    keep = _common_classes([c for c, _ in containers])
    votes = Counter(_unique_selector(c, p.tree, keep) for c, p in containers)
    selector, _ = votes.most_common(1)[0]
    covers = contradicts = 0
    for c, p in containers:
        found = _css(p.tree, selector)
        if found and found[0] is c:
            covers += 1
        else:
            contradicts += 1
    body = [Evidence("body", selector, covers, contradicts, len(pages))]
    excluded: Counter[str] = Counter()
    for c, p in containers:
        inside = set(c.iter())
        body_set = {el for b in p.body_elements for el in [b, *b.iterancestors()]}
        names = set()
        for block in p.blocks:
            if block.element in inside:
                names.add(element_selector(block.element))
        noise: list[etree._Element] = []
        for el in c.iter():
            if el is c or el in body_set or not isinstance(el.tag, str):
                continue
            if any(anc in noise for anc in el.iterancestors()):
                continue  # inside a part already left out
            if any(_NOISE.search(cls) for cls in (el.get("class") or "").split()) and \
                    not any(b in set(el.iter()) for b in p.body_elements):
                noise.append(el)
        names.update(element_selector(el) for el in noise)
        excluded.update(names)
    exclude = [Evidence("body_exclude", name, n, 0, len(containers))
               for name, n in excluded.most_common() if n >= MIN_SHARE * len(containers)
               and name.count(".") >= 1]
    return body, exclude[:MAX_EXCLUDES]


def _related_rules(pages: list[_Page]) -> list[dict[str, Any]]:
    by_label: dict[tuple[str, str], list[Any]] = {}
    for p in pages:
        for block in p.blocks:
            by_label.setdefault((block.label, block.heading), []).append(block)
    groups = []
    for (label, heading), blocks in by_label.items():
        if len(blocks) < max(2, MIN_SHARE * len(pages) / 2):
            continue
        keep = _common_classes([b.element for b in blocks])
        selector = element_selector(blocks[0].element, keep)
        head_els = [b.heading_element for b in blocks if b.heading_element is not None]
        title_selector = element_selector(head_els[0], _common_classes(head_els)) \
            if head_els else "h2, h3, h4"
        groups.append({"label": label, "heading": heading, "selector": selector,
                       "title_selector": title_selector, "pages": len(blocks),
                       "links": sum(len(b.links) for b in blocks)})
    shared = Counter(g["selector"] for g in groups)
    for g in groups:
        g["needs_title"] = shared[g["selector"]] > 1
    return sorted(groups, key=lambda g: (-g["pages"], g["label"]))


def _name(host: str) -> str:
    host = host.split(":")[0].lower()
    label = host if re.match(r"^[\d.]+$", host) else host.split(".")[0]
    return re.sub(r"[^a-z0-9]+", "", label) or "site"


def suggest(sample: Sample) -> Suggestion:
    """The profile for ``sample``'s site, or a Suggestion with ``problem`` set."""
    from crawler.autoprofile.address import profile_from_address, site_key

    judged = Counter(kind for _, kind, _, _ in sample.pages)
    articles = sum(s.counts.get("article", 0) for s in sample.shapes.shapes.values())
    if articles == 0:
        return Suggestion({}, [], 0, problem=(
            f"no page of {sample.base_url} was classified as an article "
            f"({sum(judged.values())} page(s) judged): not a news site, or its articles carry "
            f"no article signals"))
    evidence: list[Evidence] = []
    article_rules = _regex_rules(sample, "article")
    listing_rules = _regex_rules(sample, "listing")
    evidence += article_rules + listing_rules
    profile_obj = profile_from_address(sample.base_url)
    pages = _article_pages(sample, profile_obj)
    body_rules, exclude_rules = _body_rules(pages)
    evidence += body_rules + exclude_rules
    related = _related_rules(pages)
    for g in related:
        evidence.append(Evidence(f"related[{g['label']}]", f"{g['selector']} "
                                 f"(heading {g['heading']!r})", g["pages"], 0, len(pages)))
    form = sorted(sample.pagination)[0] if sample.pagination else "path"
    data: dict[str, Any] = {
        "name": _name(site_key(sample.base_url)),
        "description": f"suggested from a sample of {sample.base_url}; review before use",
        "base_url": sample.base_url,
        "allowed_domains": list(profile_obj.allowed_domains),
        "start_urls": ["/"],
        "sitemaps": [_relative(sample.base_url, u) for u in sample.sitemaps] or ["/robots.txt"],
        "feeds": [_relative(sample.base_url, u) for u in sample.feeds],
        "article_url": [e.value for e in article_rules] or [r"^/[^/]+/?$"],
        "listing_url": [r"^/$"] + [e.value for e in listing_rules],
        "exclude": list(DEFAULT_EXCLUDE),
        "pagination": {"pattern": PAGINATION[form], "max_pages": 50},
        "body": [e.value for e in body_rules],
        "body_exclude": [e.value for e in exclude_rules],
        "related": [],
        "article_types": ["article"],
    }
    for g in related:
        block: dict[str, Any] = {"label": g["label"], "block": g["selector"], "links": "a"}
        if g["needs_title"]:
            block["title"] = r"^\s*" + re.escape(g["heading"]) + r"\s*$"
            block["title_selector"] = g["title_selector"]
        data["related"].append(block)
    if not data["feeds"]:
        del data["feeds"]
    return Suggestion(data, evidence, articles)


def render_yaml(suggestion: Suggestion) -> str:
    """The profile as YAML, each rule preceded by a comment with its evidence."""
    lines = ["# Suggested by `newscrawl profile suggest`: review every rule before use.",
             f"# {suggestion.articles} sample page(s) were judged articles.", "#"]
    lines += [f"#   {e.line()}" for e in suggestion.evidence]
    lines.append("")
    data = dict(suggestion.profile)
    for key, value in data.items():
        comment = [e.line() for e in suggestion.evidence if e.rule == key + "_url"
                   or e.rule == key or (key == "related" and e.rule.startswith("related["))]
        if key in ("article_url", "listing_url", "body", "body_exclude", "related") and comment:
            lines.append(f"# {key}: " + "; ".join(
                f"{e.value} ({e.covers} covered, {e.contradicts} contradicted)"
                for e in suggestion.evidence if e.line() in comment))
        lines.append(yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True,
                                    width=100).rstrip())
    return "\n".join(lines) + "\n"
