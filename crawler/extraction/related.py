"""Related-article links: the profile's labelled blocks plus inline links in the body.

Each link is ``{"url", "text", "label", "position"}``: an absolute, canonical URL, its
anchor text, the block's label (``latest``, ``must_read``, ``related``, ``recommended`` or
``inline``) and its 0-based position within that label in page order.  Navigation,
category/tag/author, share and self links are left out; a block never lists a URL twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.body import css
from crawler.extraction.titles import clean_space
from crawler.profiles import RelatedBlock, SiteProfile
from crawler.urls import canonicalize, in_domains


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


class LinkFilter:
    """Decides which hrefs are links to other articles of the same site."""

    def __init__(self, page_url: str, canonical_url: str | None,
                 profile: SiteProfile | None) -> None:
        self.page_url = page_url
        self.profile = profile
        self.selves = {canonicalize(u) for u in (page_url, canonical_url) if u}
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
        url = canonicalize(absolute)
        if url in self.selves:
            return None
        host = _host(url)
        if self.profile is not None:
            same_site = host in self.hosts or in_domains(url, self.profile.allowed_domains)
            if not same_site or not self.profile.is_article_url(url):
                return None
        elif host not in self.hosts or urlsplit(url).path in ("", "/"):
            return None
        return url


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


def _block_matches(block: etree._Element, spec: RelatedBlock, pattern: Any) -> bool:
    if pattern is None:
        return True
    heading = css(block, spec.title_selector)
    return bool(heading) and bool(pattern.search(clean_space(heading[0].text_content())))


def profile_blocks(tree: etree._Element, spec: RelatedBlock) -> list[etree._Element]:
    import re

    pattern = re.compile(spec.title, re.IGNORECASE) if spec.title else None
    return [b for b in css(tree, spec.block) if _block_matches(b, spec, pattern)]


def related_links(tree: etree._Element, page_url: str, canonical_url: str | None,
                  profile: SiteProfile | None,
                  body_elements: list[etree._Element]) -> list[dict[str, Any]]:
    """All related-article links of a page, labelled blocks first, then inline ones."""
    accept = LinkFilter(page_url, canonical_url, profile)
    out: list[dict[str, Any]] = []
    by_label: dict[str, int] = {}
    for spec in profile.related if profile else ():
        for block in profile_blocks(tree, spec):
            if sel.MENU_ANCESTORS(block):
                continue  # a copy in a (mega) menu, not the page's own block
            links = _links(css(block, spec.links), spec.label, accept)
            for link in links:
                link["position"] = by_label.get(spec.label, 0)
                by_label[spec.label] = link["position"] + 1
            out.extend(links)
    out.extend(_links(body_elements, "inline", accept, skip=lambda a: bool(sel.NAV_ANCESTORS(a))))
    return out
