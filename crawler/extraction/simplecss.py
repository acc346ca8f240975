"""Simple CSS selectors (type, class and id tests, no combinators) as Python predicates.

The XPath that cssselect makes for a selector group walks the whole subtree once per
selector of the group and then sorts the union.  To find the first match in a small
subtree (a block's heading, usually among its first few elements), walking the subtree
once in document order and stopping at the first element that matches is far cheaper.

A predicate here accepts exactly the elements that cssselect's ``GenericTranslator``
XPath accepts; selectors it cannot express this way get no predicate (callers fall back
to the XPath).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from cssselect import SelectorError, parse
from cssselect.parser import Class, Element, Hash, Tree
from lxml import etree

Test = Callable[[etree._Element], bool]
Compound = tuple[str | None, list[str], list[str]]  # tag (None: any), class names, ids
# cssselect's rules: a safe XPath name test, and a class name that can match at all.
_SAFE_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.-]*$")
_NON_WHITESPACE = re.compile(r"^[^ \t\r\n\f]+$")


def _compound(tree: Tree) -> Compound | None:
    """``(tag or None for any, class names, ids)`` of a compound selector, or None."""
    classes: list[str] = []
    ids: list[str] = []
    while True:
        if isinstance(tree, Class):
            if not _NON_WHITESPACE.match(tree.class_name):
                return None
            classes.append(tree.class_name)
            tree = tree.selector
        elif isinstance(tree, Hash):
            ids.append(tree.id)
            tree = tree.selector
        elif isinstance(tree, Element):
            if tree.namespace is not None:
                return None
            if tree.element and not _SAFE_NAME.match(tree.element):
                return None
            return tree.element or None, classes, ids
        else:
            return None


def _class_tokens(value: str) -> list[str]:
    """The class names of an attribute as XPath's normalize-space() separates them."""
    return value.replace("\t", " ").replace("\n", " ").replace("\r", " ").split(" ")


def _bare_tag(tag: str | None, classes: list[str], ids: list[str]) -> bool:
    return tag is not None and not classes and not ids


def _bare_class(tag: str | None, classes: list[str], ids: list[str]) -> bool:
    return tag is None and len(classes) == 1 and not ids


def _group_test(compounds: list[Compound]) -> Test:
    """One predicate for the group: bare tags and bare classes by set lookup, others in turn."""
    if any(tag is None and not classes and not ids for tag, classes, ids in compounds):
        return _any_element
    tags = frozenset(c[0] for c in compounds if _bare_tag(*c))
    lone_classes = frozenset(c[1][0] for c in compounds if _bare_class(*c))
    rest = [c for c in compounds if not _bare_tag(*c) and not _bare_class(*c)]
    with_class = bool(lone_classes) or any(classes for _, classes, _ in rest)

    def test(el: etree._Element) -> bool:
        tag = el.tag
        if tag in tags:
            return True
        value = el.get("class") if with_class else None
        tokens = _class_tokens(value) if value is not None else []
        if not lone_classes.isdisjoint(tokens):
            return True
        for want_tag, classes, ids in rest:
            if want_tag is not None and tag != want_tag:
                continue
            if ids and any(el.get("id") != i for i in ids):
                continue
            if all(c in tokens for c in classes):
                return True
        return False

    return test


def _any_element(el: etree._Element) -> bool:
    return True


@lru_cache(maxsize=256)
def simple_test(selector: str) -> Test | None:
    """A predicate for ``selector`` (a group of compound selectors), or None."""
    try:
        group = parse(selector)
    except SelectorError:
        return None
    compounds = []
    for sel in group:
        parts = _compound(sel.parsed_tree) if sel.pseudo_element is None else None
        if parts is None:
            return None
        compounds.append(parts)
    return _group_test(compounds) if compounds else None


def first_match(root: etree._Element, test: Test) -> etree._Element | None:
    """The first element of ``root``'s subtree (``root`` included) in document order."""
    for el in root.iter(etree.Element):
        if test(el):
            return el
    return None
