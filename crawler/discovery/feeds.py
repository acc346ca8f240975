"""RSS 2.0 and Atom feeds: item links, dates and titles, and the next page of a feed."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree

_ATOM = "{http://www.w3.org/2005/Atom}"
_DC = "{http://purl.org/dc/elements/1.1/}"


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: str | None = None  # as written in the feed (RFC 822 for RSS, ISO for Atom)
    updated: str | None = None


@dataclass(frozen=True)
class Feed:
    entries: tuple[FeedEntry, ...]
    next_url: str | None = None  # RFC 5005 / WordPress ``<atom:link rel="next">``
    is_feed: bool = True


def _parser() -> lxml.etree.XMLParser:
    return lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                                remove_comments=True, remove_pis=True, huge_tree=False)


def _text(el: lxml.etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def parse_feed(body: bytes) -> Feed:
    """Parse an RSS or Atom document; ``is_feed`` is False for anything else."""
    try:
        root = lxml.etree.fromstring(body, parser=_parser())
    except (lxml.etree.XMLSyntaxError, ValueError):
        return Feed((), None, False)
    if root is None:
        return Feed((), None, False)
    tag = lxml.etree.QName(root).localname
    entries: list[FeedEntry] = []
    next_url = None
    for link in root.iter(f"{_ATOM}link"):
        if link.get("rel") == "next" and link.get("href"):
            next_url = link.get("href")
    if tag == "rss" or tag == "RDF":
        for item in root.iter("item", "{http://purl.org/rss/1.0/}item"):
            url = _text(item.find("link")) or _text(item.find("{http://purl.org/rss/1.0/}link"))
            guid = item.find("guid")
            if not url and guid is not None and guid.get("isPermaLink", "true") != "false":
                url = _text(guid)
            if not url:
                continue
            entries.append(FeedEntry(
                url=url, title=_text(item.find("title")),
                published=_text(item.find("pubDate")) or _text(item.find(f"{_DC}date")),
            ))
    elif tag == "feed":
        for entry in root.iter(f"{_ATOM}entry"):
            url = None
            for link in entry.findall(f"{_ATOM}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    url = link.get("href")
                    break
            if not url:
                continue
            entries.append(FeedEntry(
                url=url, title=_text(entry.find(f"{_ATOM}title")),
                published=_text(entry.find(f"{_ATOM}published")),
                updated=_text(entry.find(f"{_ATOM}updated")),
            ))
    else:
        return Feed((), None, False)
    return Feed(tuple(entries), next_url, True)
