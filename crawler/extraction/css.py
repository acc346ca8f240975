"""Profile CSS selectors, compiled to XPath once per process and matched on a tree."""

from __future__ import annotations

from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree


@lru_cache(maxsize=256)
def css_xpath(css: str) -> etree.XPath | None:
    """The XPath of a CSS selector (None when the selector does not parse)."""
    try:
        return etree.XPath(GenericTranslator().css_to_xpath(css))
    except (SelectorError, etree.XPathSyntaxError):
        return None


def css(tree: etree._Element, selector: str) -> list[etree._Element]:
    xp = css_xpath(selector)
    return list(xp(tree)) if xp is not None else []
