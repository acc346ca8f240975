"""Related-article links: the profile's labelled blocks plus inline links in the body.

Each link is ``{"url", "text", "label", "position"}``: an absolute, canonical URL, its
anchor text, the block's label (``latest``, ``must_read``, ``related``, ``recommended`` or
``inline``) and its 0-based position within that label in page order.  Navigation,
category/tag/author, share and self links are left out; a block never lists a URL twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.css import css
from crawler.extraction.simplecss import first_match, simple_test
from crawler.extraction.titles import clean_space
from crawler.profiles import RelatedBlock, SiteProfile
from crawler.urls import canonicalize, in_domains

_PAGED = re.compile(r"(?:^|&)(?:page|paged)=")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


class LinkFilter:
    """Decides which hrefs are links to other articles of the same site."""

    def __init__(self, page_url: str, canonical_url: str | None,
                 profile: SiteProfile | None, strict: bool = False) -> None:
        self.page_url = page_url
        self.profile = profile
        self.strict = strict  # no profile: also leave out listing-shaped paths
        self.canonical = profile.canonical if profile is not None else canonicalize
        self.selves = {self.canonical(u) for u in (page_url, canonical_url) if u}
        self.hosts = {_host(u) for u in (page_url, canonical_url) if u}

    def __call__(self, href: str | None) -> str | None:
        href = (href or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            return None
        absolute = urljoin(self.page_url, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        if sel.SHARE_HOSTS.search(parts.hostname) or sel.NON_ARTICLE_LINK.search(absolute):
            return None
        url = self.canonical(absolute)
        if url in self.selves:
            return None
        host = _host(url)
        if self.profile is not None:
            same_site = host in self.hosts or in_domains(url, self.profile.allowed_domains)
            # The profile's regexes read the URL as the page writes it (see match_form).
            if not same_site or not self.profile.is_article_url(absolute):
                return None
        elif host not in self.hosts or self._not_an_article(url):
            return None
        return url

    def _not_an_article(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.path in ("", "/"):
            return True
        return self.strict and bool(sel.LISTING_PATHS.search(parts.path)
                                    or _PAGED.search(parts.query))


def _never(anchor: etree._Element) -> bool:
    return False


def _links(elements: Iterable[etree._Element], label: str,
           accept: Callable[[str | None], str | None],
           skip: Callable[[etree._Element], bool] = _never) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for holder in elements:
        anchors = [holder] if holder.tag == "a" else sel.LINKS(holder)
        for a in anchors:
            url = accept(a.get("href"))
            if url is None or url in seen or skip(a):
                continue
            seen.add(url)
            text = clean_space(a.text_content()) or clean_space(a.get("title"))
            out.append({"url": url, "text": text, "label": label, "position": len(out)})
    return out


def _heading(block: etree._Element, title_selector: str) -> str | None:
    """Text of the block's first element matching ``title_selector`` (None if it has none)."""
    test = simple_test(title_selector)
    if test is not None:
        heading = first_match(block, test)
    else:
        found = css(block, title_selector)
        heading = found[0] if found else None
    return clean_space(heading.text_content()) if heading is not None else None


class PageBlocks:
    """The candidate related blocks of one page.

    Several specs of a profile usually share one block selector and tell their blocks
    apart by heading, so each block selector is run once per page and each block's
    heading is read once per title selector.
    """

    def __init__(self, tree: etree._Element) -> None:
        self.tree = tree
        self._found: dict[str, list[etree._Element]] = {}
        self._headings: dict[tuple[str, str], list[str | None]] = {}

    def select(self, selector: str) -> list[etree._Element]:
        if selector not in self._found:
            self._found[selector] = css(self.tree, selector)
        return self._found[selector]

    def headings(self, selector: str, title_selector: str) -> list[str | None]:
        key = (selector, title_selector)
        if key not in self._headings:
            self._headings[key] = [_heading(b, title_selector) for b in self.select(selector)]
        return self._headings[key]

    def matching(self, spec: RelatedBlock) -> list[etree._Element]:
        """The blocks of ``spec``: its selector's, with a heading matching its title if set."""
        blocks = self.select(spec.block)
        if not spec.title:
            return list(blocks)
        pattern = re.compile(spec.title, re.IGNORECASE)
        headings = self.headings(spec.block, spec.title_selector)
        return [b for b, heading in zip(blocks, headings, strict=True)
                if heading is not None and pattern.search(heading)]


def related_links(tree: etree._Element, page_url: str, canonical_url: str | None,
                  profile: SiteProfile | None,
                  body_elements: list[etree._Element], strict: bool = False
                  ) -> list[dict[str, Any]]:
    """All related-article links of a page, labelled blocks first, then inline ones."""
    accept = LinkFilter(page_url, canonical_url, profile, strict)
    out: list[dict[str, Any]] = []
    by_label: dict[str, int] = {}
    blocks = PageBlocks(tree)
    for spec in profile.related if profile else ():
        for block in blocks.matching(spec):
            if sel.MENU_ANCESTORS(block):
                continue  # a copy in a (mega) menu, not the page's own block
            links = _links(css(block, spec.links), spec.label, accept)
            for link in links:
                link["position"] = by_label.get(spec.label, 0)
                by_label[spec.label] = link["position"] + 1
            out.extend(links)
    out.extend(_links(body_elements, "inline", accept, skip=lambda a: bool(sel.NAV_ANCESTORS(a))))
    return out
