"""Schema.org JSON-LD blocks of a page, flattened into a list of typed nodes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction import selectors as sel

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _loads(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:].rsplit("-->", 1)[0]
    cleaned = _CONTROL.sub(" ", raw)
    for candidate in (raw, cleaned, _TRAILING_COMMA.sub(r"\1", cleaned)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if isinstance(data.get(key), dict | list):
                yield from _walk(data[key], depth + 1)


def types_of(node: dict[str, Any]) -> list[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)]


class LinkedData:
    """The typed JSON-LD nodes of a page and the one that describes its article."""

    def __init__(self, tree: HtmlElement) -> None:
        self.nodes: list[dict[str, Any]] = []
        for script in sel.JSONLD_SCRIPTS(tree):
            data = _loads(script.text_content() or "")
            if data is not None:
                self.nodes.extend(_walk(data))
        self.article = self._find_article()

    def _find_article(self) -> dict[str, Any] | None:
        for node in self.nodes:
            if any(sel.ARTICLE_TYPES.match(t) for t in types_of(node)):
                return node
        for node in self.nodes:
            if any(t == "WebPage" for t in types_of(node)) and (
                node.get("headline") or node.get("datePublished")
            ):
                return node
        return None

    def all_types(self) -> list[str]:
        return [t for node in self.nodes for t in types_of(node)]

    def get(self, key: str) -> Any:
        return self.article.get(key) if self.article else None

    def first(self, key: str) -> Any:
        """``key`` from the article node, else from any node that has it."""
        value = self.get(key)
        if value:
            return value
        for node in self.nodes:
            if node.get(key):
                return node[key]
        return None


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value (string, ``{"name": ...}`` or a list of them)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value") or value.get("url"))
    if isinstance(value, list) and value:
        return text_of(value[0])
    return None
