"""Article metadata with provenance: JSON-LD first, then ``<meta>`` tags, then the page.

Each field records where its value came from (``json-ld``, ``meta:<name>``, ``h1``,
``time``, ``byline``, ``htmldate`` ...), so a data team can judge how far to trust it.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extraction import selectors as sel
from crawler.extraction.authors import extract_authors
from crawler.extraction.jsonld import LinkedData, text_of, types_of
from crawler.extraction.titles import choose_title, clean_space

_TZ_COMPACT = re.compile(r"([+-]\d{2})(\d{2})$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class MetaTags:
    """``<meta>`` contents by lower-cased ``name``/``property``/``itemprop``/``http-equiv``."""

    def __init__(self, tree: HtmlElement) -> None:
        self.values: dict[str, list[str]] = defaultdict(list)
        for el in sel.META(tree):
            content = clean_space(el.get("content"))
            if not content:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = (el.get(attr) or "").strip().lower()
                if key:
                    self.values[key].append(content)

    def first(self, keys: tuple[str, ...]) -> tuple[str | None, str | None]:
        for key in keys:
            if self.values.get(key):
                return self.values[key][0], f"meta:{key}"
        return None, None

    def all(self, keys: tuple[str, ...]) -> tuple[list[str], str | None]:
        for key in keys:
            if self.values.get(key):
                return list(self.values[key]), f"meta:{key}"
        return [], None


# --- dates -----------------------------------------------------------------------------------

def normalize_date(value: Any) -> str | None:
    """ISO 8601 (with the page's UTC offset when it gives one), or None if unparseable."""
    if not isinstance(value, str):
        value = text_of(value)
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    text = _TZ_COMPACT.sub(r"\1:\2", text)
    if _DATE_ONLY.match(text):
        return text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_loose(value)
        if parsed is None:
            return None
    return parsed.isoformat()


def _parse_loose(value: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"^\s*(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)", value)
    if m:
        try:
            return datetime.fromisoformat(f"{m[1]}T{m[2]}")
        except ValueError:
            return None
    return None


def _earlier(a: str, b: str) -> bool:
    """``a`` is an earlier instant than ``b`` (days compared when either lacks an offset)."""
    try:
        da, db = datetime.fromisoformat(a), datetime.fromisoformat(b)
    except ValueError:
        return False
    if (da.tzinfo is None) != (db.tzinfo is None):
        return da.date() < db.date()
    return da < db


def _is_update_stamp(el: HtmlElement) -> bool:
    """A ``<time>`` that the page labels as its last update, by markup or by the words
    printed just before it ("Last updated", "Aktualisiert", "Mis à jour"...)."""
    if el.get("itemprop") == "dateModified" or sel.UPDATED_CLASS.search(el.get("class") or ""):
        return True
    parent = el.getparent()
    label = (parent.text or "") if parent is not None else ""
    prev = el.getprevious()
    if prev is not None:
        label += " " + prev.text_content() + (prev.tail or "")
    if parent is not None and sel.UPDATED_CLASS.search(parent.get("class") or ""):
        return True
    return bool(sel.UPDATED_LABEL.search(label[-60:]))


def _time_element(tree: HtmlElement) -> str | None:
    for el in sel.TIME_DATETIME(tree):
        if _is_update_stamp(el):
            continue
        value = normalize_date(el.get("datetime"))
        if value:
            return value
    return None


def _htmldate(tree: HtmlElement, url: str, original: bool) -> str | None:
    from htmldate import find_date

    try:
        return find_date(tree, url=url or None, original_date=original,
                         extensive_search=True, outputformat="%Y-%m-%d")
    except Exception:
        return None


# --- the whole record ------------------------------------------------------------------------

def extract_metadata(tree: HtmlElement, url: str, ld: LinkedData) -> dict[str, Any]:
    """All metadata fields plus ``provenance``; absent fields are None or empty lists."""
    meta = MetaTags(tree)
    prov: dict[str, str] = {}
    out: dict[str, Any] = {}

    def put(field: str, value: Any, source: str | None) -> None:
        out[field] = value
        if value and source:
            prov[field] = source

    publisher = text_of(ld.first("publisher"))
    site_name, src = publisher, "json-ld"
    if not site_name:
        site_name, src = meta.first(sel.META_SITE_NAME)
    put("site_name", site_name, src)

    # title
    h1s = [el.text_content() for el in sel.H1_VISIBLE(tree)[:1]]
    headings = [] if h1s else [el.text_content() for el in sel.HEADLINE_H2(tree)[:1]]
    metas: list[tuple[str, str]] = []
    for key in ("headline", "name"):
        headline = text_of(ld.get(key))
        if headline:
            metas.append(("json-ld", html.unescape(headline)))
    for key in sel.META_TITLE:
        for v in meta.values.get(key, [])[:1]:
            metas.append((f"meta:{key}", v))
    titles = sel.TITLE(tree)
    if titles:
        metas.append(("title", titles[0].text_content()))
    host = urlsplit(url).hostname or ""
    site_names = [n for n in (site_name, publisher, *meta.values.get("og:site_name", []),
                              *meta.values.get("application-name", []),
                              host.removeprefix("www."), host.removeprefix("www.").split(".")[0])
                  if n]
    title, src = choose_title(h1s, metas, site_names, headings)
    put("title", title, src)

    description, src = (text_of(ld.get("description")), "json-ld")
    if not description:
        description, src = meta.first(sel.META_DESCRIPTION)
    put("description", clean_space(description) or None, src)

    # authors
    authors, credits, src = extract_authors(tree, ld, meta.values, site_names)
    put("authors", authors, src)
    put("credits", credits, None if authors else src)

    # dates
    published, src = normalize_date(ld.get("datePublished") or ld.get("dateCreated")), "json-ld"
    raw, meta_src = meta.first(sel.META_PUBLISHED)
    declared = normalize_date(raw)
    if not published or (declared and _earlier(declared, published)):
        # a meta tag that names a later instant than the JSON-LD is an update stamp
        published, src = declared, meta_src
    if not published:
        published, src = _time_element(tree), "time"
    if not published:
        published, src = _htmldate(tree, url, original=True), "htmldate"
    times = _TimeValues(tree)
    published = _local_spelling(published, times, [normalize_date(v) for v in
                                                    meta.values.get("article:published_time", [])])
    put("published", published, src)
    modified, src = normalize_date(ld.get("dateModified")), "json-ld"
    if not modified:
        raw, src = meta.first(sel.META_MODIFIED)
        modified = normalize_date(raw)
    modified = _local_spelling(modified, times, [normalize_date(v) for v in
                                                  meta.values.get("article:modified_time", [])])
    modified = _same_offset(modified, published)
    put("modified", modified, src)

    # language
    langs = sel.HTML_LANG(tree)
    language, src = (str(langs[0]).strip() if langs else None), "html-lang"
    if not language:
        language, src = text_of(ld.get("inLanguage")), "json-ld"
    if not language:
        language, src = meta.first(sel.META_LANGUAGE)
    put("language", _lang(language), src)

    # categories and tags
    section = ld.get("articleSection")
    categories = [s for s in (section if isinstance(section, list) else [section])
                  if isinstance(s, str) and s.strip()]
    src = "json-ld"
    if not categories:
        categories, src = meta.all(sel.META_SECTION)
    if not categories:
        categories = [clean_space(a.text_content()) for a in sel.CATEGORY_LINKS(tree)]
        src = "links"
    put("categories", _unique(categories), src)
    keywords = ld.get("keywords")
    tags = (keywords if isinstance(keywords, list)
            else [k for k in re.split(r"\s*,\s*", keywords)] if isinstance(keywords, str) else [])
    src = "json-ld"
    if not tags:
        tags = [clean_space(a.text_content()) for a in sel.TAG_LINKS(tree)]
        src = "links"
    if not tags:
        raw, src = meta.all(sel.META_TAG)
        tags = [t for v in raw for t in re.split(r"\s*,\s*", v)]
    put("tags", _unique(t for t in tags if isinstance(t, str)), src)

    # image, canonical
    image, src = ld.get("image"), "json-ld"
    image_url = text_of(image) if not isinstance(image, list) else text_of(image[0])
    caption = text_of(image.get("caption")) if isinstance(image, dict) else None
    if not image_url:
        image_url, src = meta.first(sel.META_IMAGE)
    if image_url:
        image_url = urljoin(url, image_url)
        caption = caption or _image_caption(tree, url, image_url)
    put("image", {"url": image_url, "caption": caption} if image_url else None, src)
    canonical = [str(h).strip() for h in sel.CANONICAL(tree) if str(h).strip()]
    src = "link:canonical"
    if not canonical:
        og, src = meta.first(sel.META_URL)
        canonical = [og] if og else []
    put("canonical_url", urljoin(url, canonical[0]) if canonical else None, src)

    out["og_type"] = (meta.first(sel.META_OG_TYPE)[0] or "").lower()
    out["published_meta"] = bool(meta.values.get("article:published_time"))
    out["provenance"] = prov
    return out


def _lang(value: str | None) -> str | None:
    """The primary language subtag, lower-cased (``en-US`` -> ``en``)."""
    if not value:
        return None
    value = value.replace("_", "-").split(",")[0].strip().split("-")[0].lower()
    return value if value.isalpha() and 2 <= len(value) <= 3 else None


def _image_caption(tree: HtmlElement, page_url: str, image_url: str) -> str | None:
    """The caption printed with the top image on the page (figure, caption block, lightbox)."""
    for el in sel.IMAGE_REFS(tree):
        ref = el.get("src") or el.get("data-src") or el.get("href") or ""
        if urljoin(page_url, ref.strip()) != image_url:
            continue
        for holder in (el, *list(el.iterancestors())[:4]):
            if holder.get("data-caption"):
                return clean_space(holder.get("data-caption"))
            found = sel.FIGURE_CAPTION(holder)
            if found:
                return clean_space(found[0].text_content()) or None
    return None


def _same_offset(value: str | None, reference: str | None) -> str | None:
    """A UTC ``value`` shown in the site's own offset, as ``reference`` (published) has it."""
    try:
        when = datetime.fromisoformat(value) if value else None
        ref = datetime.fromisoformat(reference) if reference else None
    except ValueError:
        return value
    if when is None or ref is None or when.tzinfo is None or when.utcoffset() or not (
            ref.tzinfo and ref.utcoffset()):
        return value
    return when.astimezone(ref.tzinfo).isoformat()


class _TimeValues:
    """The page's normalised ``<time datetime>`` values, read once when first needed."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        self._values: list[str | None] | None = None

    def __call__(self) -> list[str | None]:
        if self._values is None:
            self._values = [normalize_date(el.get("datetime"))
                            for el in sel.TIME_DATETIME(self.tree)]
        return self._values


def _local_spelling(value: str | None, times: _TimeValues,
                    others: list[str | None]) -> str | None:
    """The same instant as the page writes it with its own UTC offset, if it does somewhere."""
    if not value:
        return value
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is None or instant.utcoffset():
        return value
    for other in [*others, *times()]:
        try:
            parsed = datetime.fromisoformat(other) if other else None
        except ValueError:
            continue
        if parsed and parsed.tzinfo and parsed.utcoffset() and parsed == instant:
            return other
    return value


def _unique(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        v = clean_space(v)
        if len(v) >= 2 and len(v) <= 100 and v.lower() not in {s.lower() for s in seen}:
            seen[v] = None
    return list(seen)


def is_article_node(node: dict[str, Any] | None) -> bool:
    return bool(node) and any(sel.ARTICLE_TYPES.match(t) for t in types_of(node))
